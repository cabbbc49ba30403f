"""Load an SSD extract into the records the returns fill, through the returns' own loaders.

The extract carries a child's whole history, so it is cut into the collection years the
DfE returns would have held (every episode open in the year, the reviews held in it; the
CIN census's referrals open in the year with their enquiries, conferences and plans) and
handed to returns.ssda903.importer and returns.cin_census.importer. Those are idempotent
and derive every record and due date from what they are given, so loading the same
extract twice changes nothing and tonight's extract changes only what differs.

The returns' history starts on 1 April of the year of the earliest review in the extract
(the records-begin day of docs/rules.md); earlier years hold nothing the schedules use.

Everything happens in one transaction: a problem anywhere and nothing is saved. Each load
is kept as an SsdImportRun saying which rows were added, changed or ended, and which rows
of the last extract are no longer in this one: those are kept as they were (their rows
carried into this load) until a person confirms they should go.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.dates import collection_year_of, year_end, year_start
from iro.models import Child
from iro.services import ImportedValue
from returns.cin_census.importer import CensusLoad
from returns.cin_census.importer import ImportSummary as CensusSummary
from returns.cin_census.reader import (
    CensusChild,
    CensusEpisode,
    CensusPlan,
    CensusRefused,
    CensusReturn,
    CensusSection47,
)
from returns.models import (
    DisagreementRecord,
    ImportDisagreement,
    ReturnTable,
    SsdExtractRow,
    SsdImportRun,
    SsdImportStatus,
    SsdRowState,
)
from returns.rules import sex_from_return
from returns.services import DisagreementTally, import_disagreements_record
from returns.ssd.kept import changes_between, extract_with_carried, kept_rows, kept_rows_save
from returns.ssd.reader import Problems, SsdExtract, SsdRow, extract_read
from returns.ssda903.importer import ReturnRefused, returns_import
from returns.ssda903.reading import year_label
from returns.ssda903.tables import BY_NAME, format_date, sex_for_year

Progress = Callable[[str], None]
NO_REVIEWS = "holds no looked-after reviews, so the years it covers cannot be told"
SOCIAL_WORKER_ROLE = "Allocated Social Worker"
# The name a year's CIN census loaded from an extract is kept under (CinCensusReturn).
CENSUS_FILE = "SSD extract, as the {year} CIN census"
_NOT_EVENTS = {"ssd_person", "ssd_linked_identifiers"}


class SsdRefused(Exception):
    """Nothing was loaded; `problems` says where and why (table, row, column)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        super().__init__(f"Nothing was loaded: {len(self.problems)} problem(s).\n{shown}")


@dataclass
class SsdSummary:
    run_id: int
    years: list[str]
    changes: list[dict[str, str]] = field(default_factory=list)
    awaiting: int = 0
    seconds: float = 0.0
    disagreements: DisagreementTally = field(default_factory=DisagreementTally)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per table, how many rows were added, changed, ended, missing or removed."""
        counts: dict[str, dict[str, int]] = {}
        for c in self.changes:
            kinds = counts.setdefault(c["table"], {})
            kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
        return counts


def ssd_import(
    *, directory: Path, progress: Progress | None = None, source: str = ""
) -> SsdSummary:
    """Check and load an SSD extract, keep what changed as an SsdImportRun, recompute due dates.

    `source` says where the extract came from (the folder, if not given).
    Raises SsdRefused, having saved nothing but the failed run, if any row has a problem.
    """
    say = progress or (lambda _: None)
    run = SsdImportRun.objects.create(source=(source or str(directory))[:500])
    problems = Problems()
    extract = extract_read(Path(directory), problems)
    if extract is not None and not problems and not extract.rows("ssd_cla_reviews"):
        problems.add("ssd_cla_reviews", NO_REVIEWS)
    if problems or extract is None:
        return _refused(run, problems.items)
    kept = kept_rows()
    changes = changes_between(kept, extract)
    return extract_load(
        run=run,
        extract=extract_with_carried(extract, kept),
        changes=changes,
        keep=lambda: kept_rows_save(extract=extract, kept=kept, changes=changes, run=run),
        progress=say,
    )


def extract_load(
    *,
    run: SsdImportRun,
    extract: SsdExtract,
    changes: list[dict[str, str]],
    keep: Callable[[], None],
    progress: Progress,
) -> SsdSummary:
    """Load a checked extract (with the rows carried) in one transaction, `keep` included."""
    started = time.monotonic()
    years = _years(extract)
    progress(
        f"{run.source}: the SSD extract, as the returns of {', '.join(map(year_label, years))}"
    )
    try:
        with transaction.atomic():
            with tempfile.TemporaryDirectory() as work:
                directories = ssda903_write(extract, years, Path(work))
                loaded = returns_import(
                    directories=directories, progress=progress, record_disagreements=False
                )
            found = [*loaded.found, *census_load(extract, years)]
            found += names_load(extract)
            keep()
            summary = SsdSummary(run.pk, [year_label(y) for y in years], changes)
            summary.awaiting = SsdExtractRow.objects.filter(state=SsdRowState.MISSING).count()
            summary.seconds = time.monotonic() - started
            # One record of the extract's differences from what people recorded, its
            # returns' years and census years together (the same values, once).
            summary.disagreements = import_disagreements_record(
                found=found, source=f"the SSD extract loaded as run {run.pk}", ssd_run=run
            )
            run.status = SsdImportStatus.SUCCEEDED
            run.finished_at = timezone.now()
            run.years = summary.years
            run.changes = changes
            run.disagreements = summary.disagreements.as_json()
            run.save()
    except ReturnRefused as exc:
        return _refused(run, exc.problems)
    except CensusRefused as exc:
        return _refused(run, [str(p) for p in exc.problems])
    return summary


def _refused(run: SsdImportRun, problems: list[str]):
    run.status = SsdImportStatus.FAILED
    run.finished_at = timezone.now()
    run.problems = problems
    run.save()
    raise SsdRefused(problems)


def names_load(extract: SsdExtract) -> list[ImportedValue]:
    """The children's names the extract gives (the returns carry none); a name a person
    corrected in Oversight is kept, and what the extract gives for it returned."""
    from iro.services import child_update

    named = {
        r["pers_person_id"]: (r["pers_forename"], r["pers_surname"])
        for r in extract.rows("ssd_person")
        if r["pers_forename"] or r["pers_surname"]
    }
    found = []
    for child in Child.objects.filter(child_id__in=list(named)):
        forename, surname = named[child.child_id]
        given = {k: v for k, v in (("first_name", forename), ("last_name", surname)) if v}
        corrected = set(child.corrected_fields or ())
        found += [
            ImportedValue(child.pk, "child", child.pk, k, getattr(child, k), v)
            for k, v in given.items()
            if k in corrected
        ]
        values = {k: v for k, v in given.items() if k not in corrected and getattr(child, k) != v}
        if values:
            child_update(child=child, **values)
    return found


# The extract as the returns' years ------------------------------------------------------


def _years(extract: SsdExtract) -> list[int]:
    reviews = [r.date("clar_cla_review_date") for r in extract.rows("ssd_cla_reviews")]
    first = collection_year_of(min(d for d in reviews if d))
    # The last year with an event in it (a birth or an identifier's dates are not events).
    events = {t: rows for t, rows in extract.tables.items() if t not in _NOT_EVENTS}
    days = [d for rows in events.values() for r in rows for d in r.dates.values() if d]
    last = max(collection_year_of(min(max(days), timezone.localdate())), first)
    return list(range(first, last + 1))


def _open_in(start: dt.date | None, end: dt.date | None, year: int) -> bool:
    return (start is None or start <= year_end(year)) and (end is None or end >= year_start(year))


def _in_year(day: dt.date | None, year: int) -> bool:
    return day is not None and year_start(year) <= day <= year_end(year)


def ssda903_write(extract: SsdExtract, years: list[int], work: Path) -> list[Path]:
    """Write the SSDA903 tables of each year the extract covers; the directories written."""
    people = {r["pers_person_id"]: r for r in extract.rows("ssd_person")}
    placements = {r["clap_cla_placement_id"]: r for r in extract.rows("ssd_cla_placement")}
    legal = defaultdict(list)
    for row in extract.rows("ssd_legal_status"):
        legal[row["lega_person_id"]].append(row)
    upns = _upns(extract)
    episodes = sorted(
        extract.rows("ssd_cla_episodes"),
        key=lambda r: (r["clae_person_id"], r.date("clae_cla_episode_start_date")),
    )
    period_child = {r["clae_cla_id"]: r["clae_person_id"] for r in episodes}
    written = []
    for year in years:
        tables: dict[str, list[dict]] = defaultdict(list)
        children: dict[str, str] = {}
        for ep in episodes:
            start = ep.date("clae_cla_episode_start_date")
            end = ep.date("clae_cla_episode_ceased_date")
            if not _open_in(start, end, year):
                continue
            # A return knows only what had happened by the end of its year.
            end = _upto(end, year)
            child = ep["clae_person_id"]
            children[child] = format_date(people[child].date("pers_dob"))
            place = placements.get(ep["clae_cla_placement_id"])
            tables[ReturnTable.EPISODES].append(
                {
                    "CHILD": child,
                    "DECOM": format_date(start),
                    "RNE": ep["clae_cla_episode_start_reason"],
                    "LS": _legal_status_on(legal[child], start),
                    "CIN": ep["clae_cla_primary_need_code"],
                    "PLACE": place["clap_cla_placement_type"] if place else "",
                    "PLACE_PROVIDER": place["clap_cla_placement_provider"] if place else "",
                    "DEC": format_date(end),
                    "REC": ep["clae_cla_episode_ceased_reason"] if end else "",
                    "REASON_PLACE_CHANGE": (
                        place["clap_cla_placement_change_reason"] if place and end else ""
                    ),
                    "HOME_POST": "",
                    "PL_POST": place["clap_cla_placement_postcode"] if place else "",
                    "URN": place["clap_cla_placement_urn"] if place else "",
                }
            )
        for child, dob in children.items():
            person = people[child]
            tables[ReturnTable.HEADER].append(
                {
                    "CHILD": child,
                    "SEX": sex_for_year(sex_from_return(person["pers_sex"]), year),
                    "DOB": dob,
                    "ETHNIC": person["pers_ethnicity"],
                    "UPN": upns.get(child, ("", ""))[0],
                    "MOTHER": "",
                    "MC_DOB": "",
                }
            )
        for review in extract.rows("ssd_cla_reviews"):
            held = review.date("clar_cla_review_date")
            child = period_child.get(review["clar_cla_id"], "")
            if review["clar_cla_review_cancelled"] == "Y" or not _in_year(held, year):
                continue
            if child in children:
                tables[ReturnTable.REVIEWS].append(
                    {
                        "CHILD": child,
                        "DOB": children[child],
                        "REVIEW": format_date(held),
                        "REVIEW_CODE": review["clar_cla_review_participation"],
                    }
                )
        for missing in extract.rows("ssd_missing"):
            child = missing["miss_person_id"]
            begun = missing.date("miss_missing_episode_start_date")
            ended = missing.date("miss_missing_episode_end_date")
            # As the return: the episodes begun in the year, and one open at the 31 March
            # before, completed here (RULES.md convention 13).
            if child in children and begun is not None and _open_in(begun, ended, year):
                tables[ReturnTable.MISSING].append(
                    {
                        "CHILD": child,
                        "DOB": children[child],
                        "MISSING": missing["miss_missing_episode_type"],
                        "MIS_START": format_date(begun),
                        "MIS_END": format_date(_upto(ended, year)),
                    }
                )
        for status in extract.rows("ssd_immigration_status"):
            child = status["immi_person_id"]
            ceased = status.date("immi_immigration_status_end_date")
            if (
                child in children
                and _is_uasc(status["immi_immigration_status"])
                and _open_in(status.date("immi_immigration_status_start_date"), ceased, year)
            ):
                # DUC may lie after the year (usually the 18th birthday): kept as given.
                tables[ReturnTable.UASC].append(
                    {
                        "CHILD": child,
                        "SEX": sex_for_year(sex_from_return(people[child]["pers_sex"]), year),
                        "DOB": children[child],
                        "DUC": format_date(ceased),
                    }
                )
        for worker in extract.rows("ssd_involvements"):
            child = worker["invo_person_id"]
            begun = worker.date("invo_involvement_start_date")
            ended = worker.date("invo_involvement_end_date")
            if (
                child in children
                and worker["invo_professional_role_id"] == SOCIAL_WORKER_ROLE
                and _open_in(begun, ended, year)
            ):
                tables[ReturnTable.SW_EPISODES].append(
                    {
                        "CHILD": child,
                        "DOB": children[child],
                        "SW_ID": worker["invo_professional_id"],
                        "SW_DECOM": format_date(begun),
                        "SW_DEC": format_date(_upto(ended, year)),
                        "SW_REASON": worker["invo_worker_change_reason"],
                    }
                )
        directory = work / year_label(year)
        directory.mkdir()
        for name in (
            ReturnTable.HEADER,
            ReturnTable.EPISODES,
            ReturnTable.REVIEWS,
            ReturnTable.MISSING,
            ReturnTable.UASC,
            ReturnTable.SW_EPISODES,
        ):
            table = BY_NAME[name]
            with (directory / table.filename).open("w", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=table.columns)
                writer.writeheader()
                writer.writerows(tables[name])
        written.append(directory)
    return written


def _is_uasc(immigration_status: str) -> bool:
    """Whether an SSD immigration status is an unaccompanied asylum-seeking child's."""
    status = immigration_status.strip().lower()
    return status == "uasc" or status.startswith("unaccompanied asylum")


def _legal_status_on(statuses: list[SsdRow], day: dt.date | None) -> str:
    """The legal status in force on a day (a status with no start began before records)."""
    best = ""
    best_start = dt.date.min
    for row in statuses:
        start = row.date("lega_legal_status_start_date") or dt.date.min
        end = row.date("lega_legal_status_end_date")
        if day and start <= day and (end is None or end > day) and start >= best_start:
            best, best_start = row["lega_legal_status"], start
    if not best and statuses:
        best = statuses[0]["lega_legal_status"]
    return best


def _upns(extract: SsdExtract) -> dict[str, tuple[str, str]]:
    """Each person's current and former UPN, from ssd_linked_identifiers."""
    current: dict[str, str] = {}
    former: dict[str, str] = {}
    for row in extract.rows("ssd_linked_identifiers"):
        if "pupil" not in row["link_identifier_type"].lower():
            continue
        person = row["link_person_id"]
        if row.date("link_valid_to_date") is None:
            current[person] = row["link_identifier_value"]
        else:
            former[person] = row["link_identifier_value"]
    return {p: (current.get(p, ""), former.get(p, "")) for p in current.keys() | former.keys()}


# The extract as the CIN census's years ---------------------------------------------------


def census_load(extract: SsdExtract, years: list[int]) -> list[ImportedValue]:
    """Merge each year's referrals, enquiries, conferences and plans, then reschedule;
    return what the census years gave for things people recorded in Oversight."""
    from protection.models import ChildProtectionPlan, Section47Enquiry
    from protection.services import plan_schedules_refresh, section47_schedules_refresh

    summary = CensusSummary()
    child_pks: set[int] = set()
    for census in census_returns(extract, years):
        child_pks |= CensusLoad(census, summary, None).run()
    pks = sorted(child_pks)
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        section47_schedules_refresh(
            enquiries=list(Section47Enquiry.objects.filter(child__in=chunk))
        )
        plan_schedules_refresh(plans=list(ChildProtectionPlan.objects.filter(child__in=chunk)))
    return summary.found + _withdrawn_gone(summary.found, child_pks, years)


def _withdrawn_gone(
    found: list[ImportedValue], child_pks: set[int], years: list[int]
) -> list[ImportedValue]:
    """The enquiries withdrawn in Oversight whose difference is open and that the extract,
    a child's whole history, no longer holds in the years it covers: the case system has
    come to agree, so each is given as agreeing (and closes). A year's census is not
    whole in that way, so the census loader never does this."""
    from protection.models import Section47Enquiry

    held = {v.record_pk for v in found if v.record_kind == DisagreementRecord.SECTION47}
    waiting = {
        d.record_id: d.child_id
        for d in ImportDisagreement.objects.filter(
            record_kind=DisagreementRecord.SECTION47, field="withdrawn", resolved_at__isnull=True
        ).only("record_id", "child_id")
        if d.child_id in child_pks and d.record_id not in held
    }
    gone = Section47Enquiry.all_objects.filter(
        pk__in=waiting,
        strategy_discussion_on__gte=year_start(years[0]),
        strategy_discussion_on__lte=year_end(years[-1]),
    ).values_list("pk", flat=True)
    return [
        ImportedValue(
            child_pk=waiting[pk],
            record_kind=DisagreementRecord.SECTION47,
            record_pk=pk,
            field="withdrawn",
            ours=True,
            theirs=True,
        )
        for pk in gone
    ]


def census_returns(extract: SsdExtract, years: list[int]) -> list[CensusReturn]:
    people = {r["pers_person_id"]: r for r in extract.rows("ssd_person")}
    upns = _upns(extract)
    disabilities = defaultdict(list)
    for row in extract.rows("ssd_disability"):
        disabilities[row["disa_person_id"]].append(row["disa_disability_code"])
    s47s = defaultdict(list)
    for row in extract.rows("ssd_s47_enquiry"):
        s47s[row["s47e_referral_id"]].append(row)
    icpcs = {r["icpc_s47_enquiry_id"]: r for r in extract.rows("ssd_initial_cp_conference")}
    transfers = defaultdict(list)
    for row in extract.rows("ssd_initial_cp_conference"):
        if row["icpc_icpc_transfer_in"] == "Y":
            transfers[row["icpc_referral_id"]].append(row)
    plans = defaultdict(list)
    for row in extract.rows("ssd_cp_plans"):
        plans[row["cppl_referral_id"]].append(row)
    reviews = defaultdict(list)
    for row in extract.rows("ssd_cp_reviews"):
        if row.date("cppr_cp_review_date"):
            reviews[row["cppr_cp_plan_id"]].append(row.date("cppr_cp_review_date"))
    referrals = defaultdict(list)
    for row in sorted(extract.rows("ssd_cin_episodes"), key=lambda r: r["cine_referral_date"]):
        referrals[row["cine_person_id"]].append(row)

    result = []
    for year in years:
        children = []
        for person_id, rows in referrals.items():
            open_rows = [
                r
                for r in rows
                if _open_in(r.date("cine_referral_date"), r.date("cine_close_date"), year)
            ]
            if not open_rows:
                continue
            episodes = []
            for ref in open_rows:
                ident = ref["cine_referral_id"]
                enquiries = []
                for s in s47s[ident]:
                    icpc = icpcs.get(s["s47e_s47_enquiry_id"])
                    icpc_on = icpc.date("icpc_icpc_date") if icpc else None
                    enquiries.append(
                        CensusSection47(
                            s.date("s47e_s47_start_date"),
                            icpc_on if icpc_on and icpc_on <= year_end(year) else None,
                            _flag(s["s47e_s47_outcome_json"], "CP_CONFERENCE_FLAG") == "N",
                            s.number,
                        )
                    )
                transfer = [t.date("icpc_icpc_date") for t in transfers[ident]]
                episodes.append(
                    CensusEpisode(
                        referral_on=ref.date("cine_referral_date"),
                        referral_source=ref["cine_referral_source_code"],
                        primary_need=ref["cine_cin_primary_need_code"],
                        closed_on=_upto(ref.date("cine_close_date"), year),
                        closure_reason=ref["cine_close_reason"]
                        if _upto(ref.date("cine_close_date"), year)
                        else "",
                        referral_nfa=ref["cine_referral_nfa"] == "Y",
                        icpc_on=next((d for d in transfer if d and d <= year_end(year)), None),
                        assessments=(),
                        cin_plans=(),
                        section47s=tuple(
                            e for e in enquiries if e.started_on and e.started_on <= year_end(year)
                        ),
                        plans=tuple(
                            _plan(p, reviews[p["cppl_cp_plan_id"]], year)
                            for p in plans[ident]
                            if p.date("cppl_cp_plan_start_date")
                            and p.date("cppl_cp_plan_start_date") <= year_end(year)
                        ),
                    )
                )
            person = people[person_id]
            upn, former = upns.get(person_id, ("", ""))
            children.append(
                CensusChild(
                    child_id=person_id,
                    line=person.number,
                    upn=upn,
                    former_upn=former,
                    upn_unknown=person["pers_upn_unknown"],
                    date_of_birth=person.date("pers_dob"),
                    expected_date_of_birth=None
                    if person.date("pers_dob")
                    else person.date("pers_expected_dob"),
                    sex=sex_from_return(person["pers_sex"]),
                    died_on=person.date("pers_death_date"),
                    ethnicity=person["pers_ethnicity"],
                    disabilities=tuple(disabilities[person_id]),
                    episodes=tuple(episodes),
                )
            )
        result.append(
            CensusReturn(
                file=CENSUS_FILE.format(year=year_label(year)),
                reference_date=year_end(year),
                la_code="",
                children=tuple(children),
            )
        )
    return result


def _upto(day: dt.date | None, year: int) -> dt.date | None:
    return day if day and day <= year_end(year) else None


def _plan(row: SsdRow, reviews: list[dt.date], year: int) -> CensusPlan:
    return CensusPlan(
        started_on=row.date("cppl_cp_plan_start_date"),
        ended_on=_upto(row.date("cppl_cp_plan_end_date"), year),
        initial_category=row["cppl_cp_plan_initial_category"],
        latest_category=row["cppl_cp_plan_latest_category"],
        # The SSD carries no count of earlier plans (plans_started_second_or_subsequent).
        previous_plans=0,
        reviews=tuple(sorted({d for d in reviews if d <= year_end(year)})),
        reference=row["cppl_cp_plan_id"],
        line=row.number,
    )


def _flag(text: str, name: str) -> str:
    try:
        return str(json.loads(text or "{}").get(name) or "")
    except (ValueError, AttributeError):
        return ""
