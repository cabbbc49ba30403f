"""CIN census files as councils really send them, and as attackers might: each is read,
or refused whole with a plain message naming the file, line and element."""

import zipfile

import pytest

from iro.rules import CHILD_ID_CHARACTERS, CHILD_ID_TOO_LONG
from returns.cin_census import reader
from returns.cin_census.reader import (
    HOSTILE_XML,
    ICPC_AT_BOTH_LEVELS,
    NOT_XML,
    CensusRefused,
    census_read,
)
from tests.returns.census import census_xml, child_xml, plan_xml, section47_xml


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def refusal(path) -> str:
    with pytest.raises(CensusRefused) as caught:
        census_read(path, name=path.name)
    return str(caught.value)


def test_the_dfe_sample_childs_twenty_character_id_is_read_whole(tmp_path):
    path = write(tmp_path, "2024-25.xml", census_xml(child_xml("DfEX0000001-ABCDEFGH")))
    assert [c.child_id for c in census_read(path).children] == ["DfEX0000001-ABCDEFGH"]


@pytest.mark.parametrize(
    ("child_id", "message"),
    [("=1+2", CHILD_ID_CHARACTERS), ("D" * 21, CHILD_ID_TOO_LONG)],
)
def test_a_child_id_that_is_a_formula_or_too_long_is_refused_naming_it(tmp_path, child_id, message):
    path = write(tmp_path, "2024-25.xml", census_xml(child_xml(child_id)))
    assert refusal(path) == f"2024-25.xml, line 17, element LAchildID: '{child_id}': {message}"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Header>&lol9;</Header></Message>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Header>&secret;</Header></Message>
"""
EXTERNAL_SUBSET = census_xml(child_xml("C&id;1")).replace(
    "<Message>", '<!DOCTYPE Message SYSTEM "http://example.invalid/cin.dtd">\n<Message>'
)


@pytest.mark.parametrize(
    "xml",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_SUBSET],
    ids=["billion laughs", "external entity", "unresolved entity in a child ID"],
)
def test_a_doctype_or_entity_is_refused_before_anything_is_read(tmp_path, xml):
    path = write(tmp_path, "2024-25.xml", xml)
    assert refusal(path) == f"2024-25.xml, element XML: {HOSTILE_XML}"


def test_an_undeclared_entity_never_silently_changes_a_child_id(tmp_path):
    path = write(tmp_path, "2024-25.xml", census_xml(child_xml("C&id;1")))
    assert "line 17, element XML: not well-formed XML: undefined entity" in refusal(path)


def test_text_is_kept_in_pieces_and_joined_once_when_its_element_ends():
    """Structural: two million pieces are appended, never added to a growing string."""
    builder = reader._TreeBuilder()
    builder.startElement("SoftwareCode", {})
    for _ in range(2_000_000):
        builder.characters("ab\n")
    node, pieces = builder.stack[-1]
    assert (len(pieces), node.text) == (2_000_000, "")
    builder.endElement("SoftwareCode")
    assert len(node.text) == 3 * 2_000_000 - 1


def test_a_header_of_two_million_short_lines_is_read(tmp_path):
    lines = "x\n" * 2_300_000  # 4.6 MB
    xml = census_xml(child_xml("C1")).replace(
        "<LEA>318</LEA>", f"<LEA>318</LEA><SoftwareCode>{lines}</SoftwareCode>"
    )
    census = census_read(write(tmp_path, "2024-25.xml", xml))
    assert [c.child_id for c in census.children] == ["C1"]


def test_an_initial_conference_on_both_the_section47_and_the_cin_episode_is_refused(tmp_path):
    both = child_xml(
        "C7",
        episode_icpc="2024-05-21",
        section47=section47_xml("2024-05-01", icpc="2024-05-21"),
        plans=plan_xml("2024-05-21"),
    )
    path = write(tmp_path, "2024-25.xml", census_xml(both))
    assert refusal(path) == (
        "2024-25.xml, line 30, child C7, element DateOfInitialCPC: "
        + ICPC_AT_BOTH_LEVELS.format(line=31)
    )


def workbook() -> bytes:
    path = "/tmp/h12b1-book.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (workbook, "is not an XML file (it looks like an Excel workbook)"),
        (
            lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            NOT_XML.format(looks="a PDF"),
        ),
        (
            lambda: census_xml(child_xml("C1")).encode("utf-16"),
            "is not an XML file (it looks like UTF-16 text: save it as UTF-8)",
        ),
        (
            lambda: census_xml(child_xml("C1")).encode().replace(b"C1<", b"C\x001<"),
            "is not an XML file (it looks like binary: it has a NUL byte on line 17)",
        ),
    ],
    ids=["xlsx renamed", "pdf renamed", "utf-16", "nul byte"],
)
def test_a_file_that_is_not_xml_is_refused_in_plain_words(tmp_path, data, message):
    path = write(tmp_path, "2023-24.xml", data())
    assert refusal(path) == f"2023-24.xml {message}"


@pytest.mark.django_db
def test_importing_an_icpc_at_both_levels_is_a_refusal_not_a_traceback(tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    both = child_xml(
        "C7",
        episode_icpc="2024-05-21",
        section47=section47_xml("2024-05-01", icpc="2024-05-21"),
        plans=plan_xml("2024-05-21"),
    )
    path = write(tmp_path, "2024-25.xml", census_xml(both))
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_cin_census", str(path), stderr=err, stdout=StringIO())
    assert "child C7, element DateOfInitialCPC" in err.getvalue()
