"""Write the child protection parts of a year's CIN census as XML in the DfE schema.

The children are those with child protection activity in the year: an enquiry started
or brought to its initial conference, or a plan open at some point. Each return is a
picture at its 31 March, so anything dated later is left out (a plan's later end, later
review conferences, a later initial conference), as in the council's own returns.

The enquiries, plans and conferences come from Oversight's records. The rest of each
CIN episode (referral, closure, assessments) comes from that year's imported census
(CinCensusChild); for activity recorded only in Oversight, a minimal episode is written
with the earliest activity as its referral date and referral source 10 (unknown).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from core.dates import year_end, year_start
from iro.models import Child
from protection.models import (
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Section47Enquiry,
)
from returns.cin_census import codes
from returns.models import CinCensusChild, CinCensusReturn

SOFTWARE_CODE = "Oversight"


class CensusExportError(Exception):
    pass


@dataclass
class _Episode:
    stored: dict | None
    referral_on: dt.date
    section47s: list[tuple[Section47Enquiry, dt.date | None]] = field(default_factory=list)
    plans: list[tuple[ChildProtectionPlan, list[dt.date]]] = field(default_factory=list)
    icpc_on: dt.date | None = None

    def holds(self, day: dt.date) -> bool:
        closed = self.stored.get("closed_on") if self.stored else None
        return self.referral_on <= day and (closed is None or day <= _date(closed))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _sub(parent: ET.Element, tag: str, value: object | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if value is not None:
        element.text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return element


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def cin_census_export(
    *, year: int, la_code: str | None = None, generated_at: dt.datetime | None = None
) -> bytes:
    """The CP parts of the `year` census (2024 means 2024-25) as UTF-8 XML."""
    start, end = year_start(year), year_end(year)
    la_code = la_code or _stored_la_code(year)

    enquiries = list(
        Section47Enquiry.objects.filter(strategy_discussion_on__lte=end)
        .filter(
            Q(strategy_discussion_on__gte=start)
            | Q(
                conferences__conference__kind=ConferenceKind.INITIAL,
                conferences__conference__status=ConferenceStatus.HELD,
                conferences__conference__held_on__range=(start, end),
            )
        )
        .distinct()
    )
    plans = list(
        ChildProtectionPlan.objects.filter(started_on__lte=end).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=start)
        )
    )
    held = ConferenceChild.objects.filter(
        conference__status=ConferenceStatus.HELD, conference__held_on__lte=end
    ).select_related("conference")
    icpc_by_enquiry = {
        e.section47_id: e.conference.held_on
        for e in held.filter(
            section47__in=[e.pk for e in enquiries], conference__kind=ConferenceKind.INITIAL
        )
    }
    reviews_by_plan: dict[int, list[dt.date]] = defaultdict(list)
    for e in held.filter(plan__in=[p.pk for p in plans], conference__kind=ConferenceKind.REVIEW):
        reviews_by_plan[e.plan_id].append(e.conference.held_on)
    # Initial conferences no enquiry led to (transfer-ins) go on the CIN episode.
    episode_icpcs: dict[int, list[dt.date]] = defaultdict(list)
    for e in held.filter(
        section47__isnull=True,
        conference__kind__in=[ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN],
        conference__held_on__gte=start,
    ):
        episode_icpcs[e.child_id].append(e.conference.held_on)

    by_child: dict[int, dict] = defaultdict(lambda: {"section47s": [], "plans": [], "icpcs": []})
    for enquiry in enquiries:
        by_child[enquiry.child_id]["section47s"].append((enquiry, icpc_by_enquiry.get(enquiry.pk)))
    for plan in plans:
        by_child[plan.child_id]["plans"].append((plan, sorted(reviews_by_plan[plan.pk])))
    for child_pk, days in episode_icpcs.items():
        by_child[child_pk]["icpcs"].extend(days)
    if not by_child:
        raise CensusExportError(f"There is no child protection activity in {year}-{year + 1}")

    children = Child.objects.in_bulk(list(by_child))
    entries: dict[int, dict[int, CinCensusChild]] = defaultdict(dict)
    for entry in CinCensusChild.objects.filter(child__in=list(by_child)):
        entries[entry.child_id][entry.return_year] = entry

    message = ET.Element("Message")
    header = _sub(message, "Header")
    details = _sub(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", year + 1)
    _sub(details, "ReferenceDate", end)
    source = _sub(header, "Source")
    _sub(source, "SourceLevel", "L")
    _sub(source, "LEA", la_code)
    _sub(source, "SoftwareCode", SOFTWARE_CODE)
    _sub(source, "Release", "1.0")
    _sub(source, "SerialNo", "001")
    moment = generated_at or timezone.localtime()
    _sub(source, "DateTime", moment.replace(microsecond=0, tzinfo=None).isoformat())
    container = _sub(message, "Children")
    for child in sorted(children.values(), key=lambda c: c.child_id):
        activity = by_child[child.pk]
        _write_child(container, child, activity, entries[child.pk], year, end)
    ET.indent(message)
    return ET.tostring(message, encoding="UTF-8", xml_declaration=True) + b"\n"


def _stored_la_code(year: int) -> str:
    census = (
        CinCensusReturn.objects.filter(return_year=year).first()
        or CinCensusReturn.objects.exclude(la_code="").first()
    )
    if census is None or not census.la_code:
        raise CensusExportError(
            "No CIN census has been imported to take the LA code from: give it with --la-code"
        )
    return census.la_code


def _write_child(
    parent: ET.Element,
    child: Child,
    activity: dict,
    entries: dict[int, CinCensusChild],
    year: int,
    end: dt.date,
) -> None:
    entry = entries.get(year)
    # Identifiers and disability codes from this year's census, else the latest one.
    latest = entry or (entries[max(entries)] if entries else None)
    node = _sub(parent, "Child")
    ids = _sub(node, "ChildIdentifiers")
    _sub(ids, "LAchildID", child.child_id)
    if child.upn:
        _sub(ids, "UPN", child.upn)
    if latest and latest.former_upn:
        _sub(ids, "FormerUPN", latest.former_upn)
    if not child.upn and latest and latest.upn_unknown:
        _sub(ids, "UPNunknown", latest.upn_unknown)
    unborn = child.is_unborn_on(end)
    if unborn:
        _sub(ids, "ExpectedPersonBirthDate", child.expected_date_of_birth or child.date_of_birth)
    else:
        _sub(ids, "PersonBirthDate", child.date_of_birth)
    if year >= codes.FIRST_YEAR_WITH_SEX:
        _sub(ids, "Sex", "U" if unborn else child.sex)
    else:
        _sub(ids, "GenderCurrent", "0" if unborn else codes.GENDER_CURRENT_FROM_SEX[child.sex])
    if latest and latest.died_on and latest.died_on <= end:
        _sub(ids, "PersonDeathDate", latest.died_on)

    traits = _sub(node, "ChildCharacteristics")
    _sub(traits, "Ethnicity", child.ethnicity)
    if latest is not None:
        disabilities = list(latest.disabilities)
    else:
        # Oversight knows whether, not how: DDA is the census's "other" code.
        disabilities = ["DDA" if child.disability else codes.NO_DISABILITY]
    if disabilities:
        listed = _sub(traits, "Disabilities")
        for code in disabilities:
            _sub(listed, "Disability", code)

    for episode in _episodes(activity, entry, end):
        _write_episode(node, episode, end)


def _episodes(activity: dict, entry: CinCensusChild | None, end: dt.date) -> list[_Episode]:
    """Put each enquiry, plan and episode-level conference back in its CIN episode."""
    episodes = [
        _Episode(stored=e, referral_on=_date(e["referral_on"]))
        for e in (entry.episodes if entry else [])
    ]
    unplaced: list[tuple[str, object, dt.date]] = []

    def place(kind: str, item, day: dt.date, key: str) -> None:
        home = next((e for e in episodes if day.isoformat() in e.stored.get(key, [])), None)
        if home is None:
            home = next((e for e in reversed(episodes) if e.holds(day)), None)
        if home is None:
            unplaced.append((kind, item, day))
        else:
            _add(home, kind, item)

    for enquiry, icpc_on in activity["section47s"]:
        place("section47", (enquiry, icpc_on), enquiry.strategy_discussion_on, "section47s")
    for plan, reviews in activity["plans"]:
        place("plan", (plan, reviews), plan.started_on, "plans")
    for day in activity["icpcs"]:
        home = next((e for e in episodes if e.stored.get("icpc_on") == day.isoformat()), None)
        if home is None:
            home = next((e for e in reversed(episodes) if e.holds(day)), None)
        if home is None:
            unplaced.append(("icpc", day, day))
        else:
            home.icpc_on = day
    if unplaced:
        made = _Episode(stored=None, referral_on=min(day for _, _, day in unplaced))
        for kind, item, _ in unplaced:
            _add(made, kind, item)
        episodes.append(made)
        episodes.sort(key=lambda e: e.referral_on)
    return episodes


def _add(episode: _Episode, kind: str, item) -> None:
    if kind == "section47":
        episode.section47s.append(item)
    elif kind == "plan":
        episode.plans.append(item)
    else:
        episode.icpc_on = item


def _write_episode(parent: ET.Element, episode: _Episode, end: dt.date) -> None:
    stored = episode.stored or {}
    node = _sub(parent, "CINdetails")
    _sub(node, "CINreferralDate", episode.referral_on)
    _sub(node, "ReferralSource", stored.get("referral_source") or codes.REFERRAL_SOURCE_UNKNOWN)
    # N0 is the census's "not stated", for an episode Oversight holds no referral for.
    primary_need = stored.get("primary_need", "") if episode.stored else "N0"
    if primary_need:
        _sub(node, "PrimaryNeedCode", primary_need)
    if stored.get("closed_on"):
        _sub(node, "CINclosureDate", stored["closed_on"])
    if stored.get("closure_reason"):
        _sub(node, "ReasonForClosure", stored["closure_reason"])
    if episode.icpc_on and episode.icpc_on <= end:
        _sub(node, "DateOfInitialCPC", episode.icpc_on)
    for assessment in stored.get("assessments", []):
        block = _sub(node, "Assessments")
        _sub(block, "AssessmentActualStartDate", assessment["started_on"])
        if assessment.get("internal_review_on"):
            _sub(block, "AssessmentInternalReviewDate", assessment["internal_review_on"])
        if assessment.get("authorised_on"):
            _sub(block, "AssessmentAuthorisationDate", assessment["authorised_on"])
        if assessment.get("has_factors") or assessment.get("factors"):
            factors = _sub(block, "FactorsIdentifiedAtAssessment")
            for code in assessment.get("factors", []):
                _sub(factors, "AssessmentFactors", code)
    for cin_plan in stored.get("cin_plans", []):
        block = _sub(node, "CINPlanDates")
        _sub(block, "CINPlanStartDate", cin_plan["started_on"])
        if cin_plan.get("ended_on"):
            _sub(block, "CINPlanEndDate", cin_plan["ended_on"])
    for enquiry, icpc_on in sorted(episode.section47s, key=lambda s: s[0].strategy_discussion_on):
        block = _sub(node, "Section47")
        _sub(block, "S47ActualStartDate", enquiry.strategy_discussion_on)
        if icpc_on and icpc_on <= end:
            _sub(block, "DateOfInitialCPC", icpc_on)
        _sub(block, "ICPCnotRequired", _yes_no(enquiry.icpc_not_required))
    _sub(node, "ReferralNFA", _yes_no(stored.get("referral_nfa", False)))
    for plan, reviews in sorted(episode.plans, key=lambda p: p[0].started_on):
        block = _sub(node, "ChildProtectionPlans")
        _sub(block, "CPPstartDate", plan.started_on)
        if plan.ended_on and plan.ended_on <= end:
            _sub(block, "CPPendDate", plan.ended_on)
        _sub(block, "InitialCategoryOfAbuse", plan.initial_category)
        _sub(block, "LatestCategoryOfAbuse", plan.latest_category)
        _sub(block, "NumberOfPreviousCPP", plan.previous_plans)
        held = [day for day in reviews if day <= end]
        if held:
            group = _sub(block, "Reviews")
            for day in held:
                _sub(group, "CPPreviewDate", day)
