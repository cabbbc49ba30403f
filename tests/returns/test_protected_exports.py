"""Exports locked with a password: given one, the Annex A list and the returns come as an
AES-256 zip that opens only with it; a password too short is refused by name and nothing
is sent; every export is still an audited read."""

import io
import zipfile

import pytest
import pyzipper

from core.models import AccessEvent, AccessKind
from core.protected import ENTER_PASSWORD, PASSWORD_TOO_SHORT, SHORTEST_PASSWORD, protected_zip
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase"
ANNEX = {
    "annex-number": "8",
    "annex-as_of_0": "31",
    "annex-as_of_1": "3",
    "annex-as_of_2": "2025",
    "annex-file_format": "csv",
}


def opened(content: bytes, password: str) -> dict[str, bytes]:
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(password.encode())
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_locked_file_opens_with_its_password_and_not_without():
    locked = protected_zip(b"child,reason\n", "list.csv", PASSWORD)
    assert opened(locked, PASSWORD) == {"list.csv": b"child,reason\n"}
    with pyzipper.AESZipFile(io.BytesIO(locked)) as archive:
        assert archive.getinfo("list.csv").flag_bits & 0x1, "encrypted"
        with pytest.raises(RuntimeError):
            archive.read("list.csv")  # no password
        archive.setpassword(b"the wrong one!")
        with pytest.raises(RuntimeError):
            archive.read("list.csv")
    # Nor readable as a plain zip.
    with zipfile.ZipFile(io.BytesIO(locked)) as plain, pytest.raises(RuntimeError):
        plain.read("list.csv")


def test_the_annex_a_list_with_a_password_comes_locked_in_a_zip(client, business_support):
    ChildFactory(child_id="A1")
    client.force_login(business_support)
    plain = client.post("/imports/export/annex-a/", ANNEX)
    locked = client.post("/imports/export/annex-a/", ANNEX | {"annex-password": PASSWORD})

    assert locked.status_code == 200 and locked["Content-Type"] == "application/zip"
    assert locked["Content-Disposition"] == (
        'attachment; filename="annex-a-list-8-2025-03-31.csv.zip"'
    )
    assert opened(locked.content, PASSWORD) == {"annex-a-list-8-2025-03-31.csv": plain.content}
    exports = AccessEvent.objects.filter(url_name="imports:export_annex_a")
    assert [e.kind for e in exports] == [AccessKind.EXPORT, AccessKind.EXPORT]


def test_a_password_too_short_is_refused_by_name_and_nothing_is_sent(client, business_support):
    client.force_login(business_support)
    short = "x" * (SHORTEST_PASSWORD - 1)
    response = client.post("/imports/export/annex-a/", ANNEX | {"annex-password": short})
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert response.context["error_list"] == [("id_annex-password", PASSWORD_TOO_SHORT)]
    assert short not in response.content.decode(), "the password is never shown back"


def test_a_drill_down_with_a_password_comes_locked_in_a_zip(client, head_of_service):
    ChildFactory(child_id="A1")
    client.force_login(head_of_service)
    url = "/dashboard/2024/looked-after/at-year-end/"
    plain = client.get(f"{url}?format=csv")
    locked = client.post(url, {"locked-file_format": "csv", "locked-password": PASSWORD})

    assert locked.status_code == 200 and locked["Content-Type"] == "application/zip"
    assert locked["Content-Disposition"] == (
        'attachment; filename="looked-after-at-year-end-2024-25.csv.zip"'
    )
    assert opened(locked.content, PASSWORD) == {
        "looked-after-at-year-end-2024-25.csv": plain.content
    }
    xlsx = client.post(url, {"locked-file_format": "xlsx", "locked-password": PASSWORD})
    assert list(opened(xlsx.content, PASSWORD)) == ["looked-after-at-year-end-2024-25.xlsx"]
    exports = AccessEvent.objects.filter(url_name="dashboard:figure", kind=AccessKind.EXPORT)
    assert exports.count() == 3


def test_the_data_quality_list_with_a_password_comes_locked_in_a_zip(client, business_support):
    client.force_login(business_support)
    plain = client.get("/data-quality/issues.csv")
    name = plain["Content-Disposition"].split('filename="')[1].rstrip('"')
    locked = client.post(
        "/data-quality/", {"locked-file_format": "csv", "locked-password": PASSWORD}
    )

    assert locked.status_code == 200 and locked["Content-Type"] == "application/zip"
    assert opened(locked.content, PASSWORD) == {name: plain.content}
    [export] = AccessEvent.objects.filter(url_name="data_quality:list", kind=AccessKind.EXPORT)
    assert export.username == business_support.username


@pytest.mark.parametrize(
    ("url", "persona"),
    [
        ("/dashboard/2024/looked-after/at-year-end/", "head_of_service"),
        ("/data-quality/", "business_support"),
    ],
)
def test_a_locked_list_with_a_password_too_short_or_none_is_refused_by_name(
    request, client, url, persona
):
    client.force_login(request.getfixturevalue(persona))
    short = client.post(url, {"locked-file_format": "csv", "locked-password": "short"})
    assert short.status_code == 400 and short["Content-Type"].startswith("text/html")
    assert PASSWORD_TOO_SHORT in short.content.decode()
    empty = client.post(url, {"locked-file_format": "csv", "locked-password": ""})
    assert empty.status_code == 400
    assert ENTER_PASSWORD in empty.content.decode()
    assert not AccessEvent.objects.filter(kind=AccessKind.EXPORT).exists()
