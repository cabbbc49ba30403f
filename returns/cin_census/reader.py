"""Read a CIN census file into plain values, or refuse it with every problem found.

Pure: no database. A file is refused whole for a missing required element, a malformed
date, an unknown code or overlapping plans; each problem names the file, the line, the
child and the element, so the council can find it in their case management system.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import Locator

from defusedxml import DefusedXmlException
from defusedxml import sax as defused_sax

from core.codes import CategoryOfAbuse, Ethnicity
from core.dates import collection_year_of, long_date
from core.spec_years import year_label
from iro.rules import child_id_problem, upn_has_format
from protection.rules import conference_before_enquiry, not_after_plan_start
from returns.cin_census import codes
from returns.rules import sex_from_return

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The reader's refusals; tests import them.
NOT_XML = "is not an XML file (it looks like {looks})"
HOSTILE_XML = (
    "is refused: it declares a DOCTYPE or entities, which a CIN census never has "
    "(they can make a file expand without limit or read other files)"
)
SEX_ELEMENT_NOT_IN_YEAR = (
    "is not the {year} census's sex element: that year's is {element} ({codes}) (DfE rule 4180)"
)
SEX_MISSING = "is missing from ChildIdentifiers (DfE rule 4180)"
SEX_CODE_NOT_VALID = "'{value}' is not a {element} code ({codes}) (DfE rule 4180)"
UNBORN_SEX = "an unborn child's {element} is {unborn} (DfE rule 8750)"
ICPC_AT_BOTH_LEVELS = (
    "an initial conference is recorded both on the Section47 (line {line}) and on its "
    "CINdetails: record it in one place only (DfE rule 2884)"
)


@dataclass(frozen=True)
class CensusProblem:
    file: str
    line: int | None
    child: str | None
    element: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.child:
            where.append(f"child {self.child}")
        if not self.element:  # about the whole file: "2023-24.xml is not an XML file"
            return f"{', '.join(where)} {self.message}"
        where.append(f"element {self.element}")
        return f"{', '.join(where)}: {self.message}"


class CensusRefused(Exception):
    """One or more files cannot be loaded; nothing has been saved."""

    def __init__(self, problems: list[CensusProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class CensusSection47:
    started_on: dt.date
    icpc_on: dt.date | None
    icpc_not_required: bool
    line: int


@dataclass(frozen=True)
class CensusPlan:
    started_on: dt.date
    ended_on: dt.date | None
    initial_category: str
    latest_category: str
    previous_plans: int
    reviews: tuple[dt.date, ...]
    reference: str
    line: int


@dataclass(frozen=True)
class CensusEpisode:
    """One CINdetails module: the non-child-protection parts stay plain values."""

    referral_on: dt.date
    referral_source: str
    primary_need: str
    closed_on: dt.date | None
    closure_reason: str
    referral_nfa: bool
    icpc_on: dt.date | None
    assessments: tuple[dict, ...]
    cin_plans: tuple[dict, ...]
    section47s: tuple[CensusSection47, ...]
    plans: tuple[CensusPlan, ...]

    def as_stored(self) -> dict:
        """The episode as CinCensusChild.episodes keeps it (JSON)."""
        return {
            "referral_on": self.referral_on.isoformat(),
            "referral_source": self.referral_source,
            "primary_need": self.primary_need,
            "closed_on": _iso(self.closed_on),
            "closure_reason": self.closure_reason,
            "referral_nfa": self.referral_nfa,
            "assessments": list(self.assessments),
            "cin_plans": list(self.cin_plans),
            "section47s": [s.started_on.isoformat() for s in self.section47s],
            "plans": [p.started_on.isoformat() for p in self.plans],
            "icpc_on": _iso(self.icpc_on),
        }


@dataclass(frozen=True)
class CensusChild:
    child_id: str
    line: int
    upn: str
    former_upn: str
    upn_unknown: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    sex: str
    died_on: dt.date | None
    ethnicity: str
    disabilities: tuple[str, ...]
    episodes: tuple[CensusEpisode, ...]

    @property
    def section47s(self) -> list[CensusSection47]:
        return [s for e in self.episodes for s in e.section47s]

    @property
    def plans(self) -> list[CensusPlan]:
        return [p for e in self.episodes for p in e.plans]


@dataclass(frozen=True)
class CensusReturn:
    file: str
    reference_date: dt.date
    la_code: str
    children: tuple[CensusChild, ...]
    # The DfE's queries (its Q rules): warnings the council answers; the file is read.
    queries: tuple[CensusProblem, ...] = ()

    @property
    def year(self) -> int:
        return collection_year_of(self.reference_date)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class _Node:
    tag: str
    line: int
    children: list[_Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]


class _TreeBuilder(ContentHandler):
    """Build the tree keeping each element's line number (ElementTree does not).

    Text is kept as the pieces the parser delivers and joined once, when its element
    ends: adding each piece to a string would copy the text so far every time, so an
    element of two million short lines would take hours (quadratic).
    """

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[_Node, list[str]]] = []
        self.roots: list[_Node] = []
        self.locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def startElement(self, name: str, attrs) -> None:
        line = (self.locator.getLineNumber() if self.locator else None) or 0
        node = _Node(name.rsplit(":", 1)[-1], line)
        (self.stack[-1][0].children if self.stack else self.roots).append(node)
        self.stack.append((node, []))

    def endElement(self, name: str) -> None:
        node, pieces = self.stack.pop()
        node.text = "".join(pieces).strip()

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1][1].append(content)

    def skippedEntity(self, name: str) -> None:
        # An entity the parser could not resolve must never silently drop out of a value.
        raise SAXException(f"the entity &{name}; is not allowed")


def _parse_tree(data: bytes) -> _Node:
    """Parse XML with every DOCTYPE and entity declaration refused (defusedxml)."""
    builder = _TreeBuilder()
    defused_sax.parseString(data, builder, forbid_dtd=True, forbid_entities=True)
    return builder.roots[0]


def not_xml_reason(data: bytes) -> str | None:
    """Why these bytes are not an XML file Oversight reads, in plain words, or None."""
    if not data.strip():
        return "is empty"
    if data.startswith(b"PK\x03\x04"):
        if b"xl/" in data[:4096] or b"xl/workbook" in data:
            return NOT_XML.format(looks="an Excel workbook")
        if b"word/" in data[:4096]:
            return NOT_XML.format(looks="a Word document")
        return NOT_XML.format(looks="a zip archive")
    if data.startswith(b"%PDF"):
        return NOT_XML.format(looks="a PDF")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return NOT_XML.format(looks="an older Excel or Word file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        return NOT_XML.format(looks="UTF-16 text: save it as UTF-8")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return NOT_XML.format(looks=f"binary: it has a NUL byte on line {line}")
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return NOT_XML.format(looks="text that does not start with '<'")
    return None


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[CensusProblem] = []
        self.queries: list[CensusProblem] = []
        self.child: str | None = None
        self.reference_date: dt.date | None = None

    def problem(self, line: int | None, element: str, message: str) -> None:
        self.problems.append(CensusProblem(self.file, line, self.child, element, message))

    def query(self, line: int | None, element: str, message: str) -> None:
        self.queries.append(CensusProblem(self.file, line, self.child, element, message))

    @property
    def year(self) -> int | None:
        return None if self.reference_date is None else collection_year_of(self.reference_date)

    def text(self, parent: _Node, tag: str, *, required: bool = False) -> str:
        node = parent.find(tag)
        if node is None or not node.text:
            if required:
                self.problem(parent.line, tag, f"is missing from {parent.tag}")
            return ""
        return node.text

    def date(
        self, parent: _Node, tag: str, *, required: bool = False, by_reference: bool = False
    ) -> dt.date | None:
        node = parent.find(tag)
        if node is None or not node.text:
            if required:
                self.problem(parent.line, tag, f"is missing from {parent.tag}")
            return None
        return self._date_value(node, by_reference=by_reference)

    def _date_value(self, node: _Node, *, by_reference: bool) -> dt.date | None:
        try:
            if not DATE_PATTERN.match(node.text):
                raise ValueError
            day = dt.date.fromisoformat(node.text)
        except ValueError:
            self.problem(node.line, node.tag, f"'{node.text}' is not a date (YYYY-MM-DD)")
            return None
        if by_reference and self.reference_date and day > self.reference_date:
            self.problem(
                node.line,
                node.tag,
                f"{long_date(day)} is after the census reference date "
                f"({long_date(self.reference_date)})",
            )
        return day

    def code(
        self, parent: _Node, tag: str, allowed, *, required: bool = False, label: str = "code"
    ) -> str:
        node = parent.find(tag)
        if node is None or not node.text:
            if required:
                self.problem(parent.line, tag, f"is missing from {parent.tag}")
            return ""
        return self._code_value(node, allowed, label)

    def _code_value(self, node: _Node, allowed, label: str) -> str:
        if node.text not in allowed:
            self.problem(node.line, node.tag, f"'{node.text}' is not a recognised {label}")
        return node.text

    def factor(self, node: _Node) -> str:
        """An assessment factor; one the DfE queries in the year is read, and queried."""
        code = self._code_value(node, codes.ASSESSMENT_FACTORS, "assessment factor")
        if self.year is not None and (why := codes.factor_query(code, self.year)):
            self.query(node.line, node.tag, why)
        return code

    def yes_no(self, parent: _Node, tag: str) -> bool:
        value = self.text(parent, tag, required=True)
        if value and value.lower() not in codes.YES_NO:
            node = parent.find(tag)
            self.problem(node.line if node else parent.line, tag, f"'{value}' is not true or false")
        return codes.YES_NO.get(value.lower(), False)

    # The census, top down.

    def read(self, root: _Node) -> CensusReturn | None:
        if root.tag != "Message":
            self.problem(root.line, root.tag, "the file is not a CIN census (no Message root)")
            return None
        header = root.find("Header")
        details = header.find("CollectionDetails") if header else None
        if details is None:
            self.problem(root.line, "CollectionDetails", "is missing from Header")
        else:
            collection = self.text(details, "Collection")
            if collection and collection != "CIN":
                node = details.find("Collection")
                self.problem(node.line, "Collection", f"'{collection}' is not the CIN census")
            self.reference_date = self.date(details, "ReferenceDate", required=True)
            if self.reference_date and (self.reference_date.month, self.reference_date.day) != (
                3,
                31,
            ):
                self.problem(
                    details.find("ReferenceDate").line,
                    "ReferenceDate",
                    f"{long_date(self.reference_date)} is not a 31 March census date",
                )
        source = header.find("Source") if header else None
        la_code = self.text(source, "LEA") if source else ""
        if la_code and not re.fullmatch(r"\d{3}", la_code):
            self.problem(source.find("LEA").line, "LEA", f"'{la_code}' is not a 3-digit LA code")
        container = root.find("Children")
        if container is None:
            self.problem(root.line, "Children", "is missing from Message")
            return None
        children = []
        seen: dict[str, int] = {}
        for node in container.findall("Child"):
            child = self.read_child(node)
            if child is None:
                continue
            if child.child_id in seen:
                self.problem(
                    child.line,
                    "LAchildID",
                    f"the child appears twice in the file (also at line {seen[child.child_id]})",
                )
            seen.setdefault(child.child_id, child.line)
            children.append(child)
        self.child = None
        if self.problems or self.reference_date is None:
            return None
        return CensusReturn(
            self.file, self.reference_date, la_code, tuple(children), tuple(self.queries)
        )

    def read_child(self, node: _Node) -> CensusChild | None:
        self.child = None
        ids = node.find("ChildIdentifiers")
        if ids is None:
            self.problem(node.line, "ChildIdentifiers", "is missing from Child")
            return None
        child_id = self.text(ids, "LAchildID", required=True)
        if child_id and (wrong := child_id_problem(child_id)):
            shown = child_id if len(child_id) <= 40 else child_id[:40] + "..."
            self.problem(ids.find("LAchildID").line, "LAchildID", f"{shown!r}: {wrong}")
            child_id = ""
        self.child = child_id or None
        upn = self.text(ids, "UPN")
        if upn and not upn_has_format(upn):
            self.problem(ids.find("UPN").line, "UPN", f"'{upn}' is not a UPN")
        former_upn = self.text(ids, "FormerUPN")
        if former_upn and not upn_has_format(former_upn):
            self.problem(ids.find("FormerUPN").line, "FormerUPN", f"'{former_upn}' is not a UPN")
        upn_unknown = self.code(
            ids, "UPNunknown", codes.UPN_UNKNOWN_REASONS, label="UPN unknown reason"
        )
        born = self.date(ids, "PersonBirthDate")
        expected = self.date(ids, "ExpectedPersonBirthDate")
        if ids.find("PersonBirthDate") is None and ids.find("ExpectedPersonBirthDate") is None:
            self.problem(
                ids.line,
                "PersonBirthDate",
                "is missing from ChildIdentifiers (give PersonBirthDate or "
                "ExpectedPersonBirthDate)",
            )
        sex = self.read_sex(
            ids,
            unborn=ids.find("PersonBirthDate") is None
            and ids.find("ExpectedPersonBirthDate") is not None,
        )
        died_on = self.date(ids, "PersonDeathDate")

        traits = node.find("ChildCharacteristics")
        ethnicity, disabilities = "", []
        if traits is None:
            self.problem(node.line, "ChildCharacteristics", "is missing from Child")
        else:
            ethnicity = self.code(
                traits, "Ethnicity", Ethnicity.values, required=True, label="ethnicity code"
            )
            listed = traits.find("Disabilities")
            for item in listed.findall("Disability") if listed else []:
                disabilities.append(self._code_value(item, codes.DISABILITIES, "disability code"))

        episode_nodes = node.findall("CINdetails")
        if not episode_nodes:
            self.problem(node.line, "CINdetails", "is missing from Child")
        episodes = [self.read_episode(e) for e in episode_nodes]
        self.check_plans_do_not_overlap([p for e in episodes for p in e.plans])
        self.check_enquiries_are_distinct([s for e in episodes for s in e.section47s])
        return CensusChild(
            child_id=child_id,
            line=node.line,
            upn=upn,
            former_upn=former_upn,
            upn_unknown=upn_unknown,
            date_of_birth=born,
            expected_date_of_birth=expected if born is None else None,
            sex=sex,
            died_on=died_on,
            ethnicity=ethnicity,
            disabilities=tuple(disabilities),
            episodes=tuple(episodes),
        )

    def read_sex(self, ids: _Node, *, unborn: bool) -> str:
        """The child's sex, by the year's element and codes (codes.sex_rule)."""
        # The year's own element and codes (codes.sex_rule): GenderCurrent until 2023-24,
        # Sex from 2024-25; the other year's element is refused as the DfE's rule 4180 does.
        own = codes.sex_rule(self.year) if self.year is not None else codes.SEX
        sex_node = ids.find("Sex") or ids.find("GenderCurrent")
        if sex_node is None or not sex_node.text:
            self.problem(ids.line, own.element, SEX_MISSING)
            return ""
        if sex_node.tag != own.element:
            self.problem(
                sex_node.line,
                sex_node.tag,
                SEX_ELEMENT_NOT_IN_YEAR.format(
                    year=year_label(self.year or 0),
                    element=own.element,
                    codes=", ".join(sorted(own.codes)),
                ),
            )
            return ""
        value = sex_node.text.strip().upper()
        if value not in own.codes:
            self.problem(
                sex_node.line,
                sex_node.tag,
                SEX_CODE_NOT_VALID.format(
                    value=sex_node.text, element=own.element, codes=", ".join(sorted(own.codes))
                ),
            )
            return ""
        if unborn and value != own.unborn:
            self.problem(
                sex_node.line,
                sex_node.tag,
                UNBORN_SEX.format(element=own.element, unborn=own.unborn),
            )
        return sex_from_return(value)

    def read_episode(self, node: _Node) -> CensusEpisode:
        assessments = []
        for a in node.findall("Assessments"):
            factors_node = a.find("FactorsIdentifiedAtAssessment")
            factors = [
                self.factor(f)
                for f in (factors_node.findall("AssessmentFactors") if factors_node else [])
            ]
            assessments.append(
                {
                    "started_on": _iso(self.date(a, "AssessmentActualStartDate", required=True)),
                    "internal_review_on": _iso(self.date(a, "AssessmentInternalReviewDate")),
                    "authorised_on": _iso(self.date(a, "AssessmentAuthorisationDate")),
                    "factors": factors,
                    "has_factors": factors_node is not None,
                }
            )
        cin_plans = [
            {
                "started_on": _iso(self.date(p, "CINPlanStartDate", required=True)),
                "ended_on": _iso(self.date(p, "CINPlanEndDate")),
            }
            for p in node.findall("CINPlanDates")
        ]
        episode_icpc = node.find("DateOfInitialCPC")
        for enquiry in node.findall("Section47"):
            held = enquiry.find("DateOfInitialCPC")
            if episode_icpc is not None and episode_icpc.text and held is not None and held.text:
                self.problem(
                    episode_icpc.line,
                    "DateOfInitialCPC",
                    ICPC_AT_BOTH_LEVELS.format(line=held.line),
                )
        return CensusEpisode(
            referral_on=self.date(node, "CINreferralDate", required=True, by_reference=True),
            referral_source=self.code(
                node,
                "ReferralSource",
                codes.REFERRAL_SOURCES,
                required=True,
                label="referral source",
            ),
            primary_need=self.code(
                node, "PrimaryNeedCode", codes.PRIMARY_NEEDS, label="primary need code"
            ),
            closed_on=self.date(node, "CINclosureDate", by_reference=True),
            closure_reason=self.code(
                node, "ReasonForClosure", codes.CLOSURE_REASONS, label="reason for closure"
            ),
            referral_nfa=self.yes_no(node, "ReferralNFA"),
            icpc_on=self.date(node, "DateOfInitialCPC", by_reference=True),
            assessments=tuple(assessments),
            cin_plans=tuple(cin_plans),
            section47s=tuple(
                s for s in (self.read_section47(n) for n in node.findall("Section47")) if s
            ),
            plans=tuple(
                p for p in (self.read_plan(n) for n in node.findall("ChildProtectionPlans")) if p
            ),
        )

    def read_section47(self, node: _Node) -> CensusSection47 | None:
        started_on = self.date(node, "S47ActualStartDate", required=True, by_reference=True)
        self.date(node, "InitialCPCtarget")
        icpc_on = self.date(node, "DateOfInitialCPC", by_reference=True)
        icpc_not_required = self.yes_no(node, "ICPCnotRequired")
        if started_on and icpc_on and (wrong := conference_before_enquiry(icpc_on, started_on)):
            self.problem(node.find("DateOfInitialCPC").line, "DateOfInitialCPC", wrong)
        if started_on is None:
            return None
        return CensusSection47(started_on, icpc_on, icpc_not_required, node.line)

    def read_plan(self, node: _Node) -> CensusPlan | None:
        started_on = self.date(node, "CPPstartDate", required=True, by_reference=True)
        ended_on = self.date(node, "CPPendDate", by_reference=True)
        initial = self.code(
            node,
            "InitialCategoryOfAbuse",
            CategoryOfAbuse.values,
            required=True,
            label="category of abuse",
        )
        latest = self.code(
            node,
            "LatestCategoryOfAbuse",
            CategoryOfAbuse.values,
            required=True,
            label="category of abuse",
        )
        previous_text = self.text(node, "NumberOfPreviousCPP", required=True)
        previous = 0
        if previous_text:
            if previous_text.isdigit():
                previous = int(previous_text)
            else:
                self.problem(
                    node.find("NumberOfPreviousCPP").line,
                    "NumberOfPreviousCPP",
                    f"'{previous_text}' is not a whole number of 0 or more",
                )
        reviews = []
        for group in node.findall("Reviews"):
            for review in group.findall("CPPreviewDate"):
                if not review.text:
                    continue
                day = self._date_value(review, by_reference=True)
                if day and started_on and (wrong := not_after_plan_start(day, started_on)):
                    self.problem(review.line, "CPPreviewDate", wrong)
                if day:
                    reviews.append(day)
        if started_on and ended_on and (wrong := not_after_plan_start(ended_on, started_on)):
            self.problem(node.find("CPPendDate").line, "CPPendDate", wrong)
        if started_on is None:
            return None
        return CensusPlan(
            started_on=started_on,
            ended_on=ended_on,
            initial_category=initial,
            latest_category=latest,
            previous_plans=previous,
            reviews=tuple(sorted(set(reviews))),
            reference=self.text(node, "CPPID"),
            line=node.line,
        )

    def check_plans_do_not_overlap(self, plans: list[CensusPlan]) -> None:
        ordered = sorted(plans, key=lambda p: p.started_on)
        for earlier, later in pairwise(ordered):
            if later.started_on < (earlier.ended_on or dt.date.max):
                self.problem(
                    later.line,
                    "CPPstartDate",
                    f"the plan from {long_date(later.started_on)} overlaps the plan from "
                    f"{long_date(earlier.started_on)} (line {earlier.line})",
                )

    def check_enquiries_are_distinct(self, enquiries: list[CensusSection47]) -> None:
        seen: dict[dt.date, int] = {}
        for enquiry in enquiries:
            if enquiry.started_on in seen:
                self.problem(
                    enquiry.line,
                    "S47ActualStartDate",
                    f"a second enquiry from {long_date(enquiry.started_on)} "
                    f"(also at line {seen[enquiry.started_on]})",
                )
            seen.setdefault(enquiry.started_on, enquiry.line)


def census_read(path: str | Path, *, name: str | None = None) -> CensusReturn:
    """Read one CIN census file, or raise CensusRefused listing every problem in it."""
    name = name or str(path)
    reader = _Reader(name)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CensusRefused(
            [CensusProblem(name, None, None, "file", exc.strerror or "cannot be read")]
        ) from exc
    if reason := not_xml_reason(data):
        raise CensusRefused([CensusProblem(name, None, None, "", reason)])
    try:
        root = _parse_tree(data)
    except DefusedXmlException as exc:
        raise CensusRefused([CensusProblem(name, None, None, "XML", HOSTILE_XML)]) from exc
    except SAXParseException as exc:
        where = f"{exc.getMessage()}, column {exc.getColumnNumber()}"
        raise CensusRefused(
            [CensusProblem(name, exc.getLineNumber(), None, "XML", f"not well-formed XML: {where}")]
        ) from exc
    except SAXException as exc:
        raise CensusRefused(
            [CensusProblem(name, None, None, "XML", f"not readable XML: {exc.getMessage()}")]
        ) from exc
    census = reader.read(root)
    if census is None:
        raise CensusRefused(reader.problems)
    return census
