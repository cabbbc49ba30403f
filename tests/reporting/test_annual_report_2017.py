"""The sample report's 2017-18 tables (sample-iro-annual-report-2017-18.txt), rebuilt from
a council constructed to match them: report_build(2017) gives back the Report's numbers.

The fixture is built in bulk, and the stored due dates come from the services' own
bulk schedule refreshes, so "in time" means what it means everywhere else.
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from core.dates import default_calendar
from core.timescales import default_timescales
from iro.models import Child, IndependentReviewingOfficer, IROAllocation
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitation,
    Section47Enquiry,
)
from protection.rules import transfer_in_due
from protection.services import plan_schedules_refresh, section47_schedules_refresh
from reporting.annual_report import report_build
from reporting.models import Benchmark, PopulationEstimate
from reporting.tables import report_sections
from reviews.models import Episode, LookedAfterReview
from reviews.services import children_periods_rebuild

D = dt.date
SERIAL = itertools.count(1)


def _child(dob: D | None, ethnicity: str = "WBRI", **extra) -> Child:
    n = next(SERIAL)
    return Child(
        child_id=f"R{n:05d}",
        first_name=f"Child{n}",
        last_name="Report",
        date_of_birth=dob,
        expected_date_of_birth=None if dob else D(2018, 5, 1),
        ethnicity=ethnicity,
        **extra,
    )


def _born_aged(age: int, on_31_march: int) -> D:
    """Aged `age` in completed years on 31 March of a year (a birthday in October)."""
    return D(on_31_march - age - 1, 10, 15)


# Report ¶25-26: looked after at 31 March, by age and by ethnic group, four years.
LAC_AGES = {
    2015: {"under_1": 13, "1_to_4": 37, "5_to_9": 38, "10_to_15": 76, "16_to_17": 36},
    2016: {"under_1": 16, "1_to_4": 36, "5_to_9": 44, "10_to_15": 69, "16_to_17": 40},
    2017: {"under_1": 17, "1_to_4": 36, "5_to_9": 56, "10_to_15": 72, "16_to_17": 38},
    2018: {"under_1": 11, "1_to_4": 33, "5_to_9": 56, "10_to_15": 75, "16_to_17": 39},
}
LAC_ETHNICITY = {
    2015: {"white": 187, "mixed": 9, "asian": 3, "black": 1, "other": 0},
    2016: {"white": 192, "mixed": 8, "asian": 3, "black": 2, "other": 0},
    2017: {"white": 197, "mixed": 13, "asian": 7, "black": 2, "other": 0},
    2018: {"white": 196, "mixed": 9, "asian": 6, "black": 3, "other": 0},
}
ETHNIC_CODE = {"white": "WBRI", "mixed": "MWBC", "asian": "APKN", "black": "BAFR", "other": "OOTH"}
AGE_OF_BAND = {"under_1": 0, "1_to_4": 2, "5_to_9": 7, "10_to_15": 12, "16_to_17": 16}
# Report ¶31: the 576 reviews held in 2017-18 by participation code.
PARTICIPATION = {"PN1": 229, "PN2": 1, "PN3": 5, "PN4": 7, "PN5": 13, "PN6": 146, "PN7": 47}


def _episode(child: Child, start: D, end: D | None) -> Episode:
    return Episode(
        child=child,
        started_on=start,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        ended_on=end,
        reason_ceased="E4A" if end else "",
    )


def _review(child: Child, held_on: D, code: str, number: int) -> LookedAfterReview:
    return LookedAfterReview(
        child=child,
        status="held",
        held_on=held_on,
        participation_code=code,
        permanence_plan="f" if number >= 2 else "",
    )


# Type A entered care on 3 April 2017 and had three reviews in the year; type B entered
# on 1 September 2017 and had two. Every review is held before its statutory due date.
TYPE_A = (D(2017, 4, 3), [D(2017, 4, 20), D(2017, 7, 10), D(2018, 1, 8)])
TYPE_B = (D(2017, 9, 1), [D(2017, 9, 20), D(2017, 12, 11)])


def _build_looked_after() -> list[Child]:
    """Four cohorts, one looked after at each 31 March 2015-2018, and the 576 reviews."""
    children, episodes, reviews = [], [], []
    for year in (2015, 2016, 2017):
        ethnicities = [g for g, n in LAC_ETHNICITY[year].items() for _ in range(n)]
        bands = [b for b, n in LAC_AGES[year].items() for _ in range(n)]
        start, end = D(year - 1, 6, 1), D(year, 8, 31)
        for band, group in zip(bands, ethnicities, strict=True):
            dob = D(year - 1, 6, 1) if band == "under_1" else _born_aged(AGE_OF_BAND[band], year)
            child = _child(dob, ETHNIC_CODE[group])
            children.append(child)
            episodes.append((child, start, end))

    # The 2018 cohort: the 214 looked after at 31 March 2018, with every review of 2017-18.
    ethnicities = [g for g, n in LAC_ETHNICITY[2018].items() for _ in range(n)]
    codes = iter([c for c, n in PARTICIPATION.items() for _ in range(n)])
    under_4 = [("under_1", D(2017, 4, 1))] * 11 + [("1_to_4", D(2015, 6, 1))] * 33
    older = [
        (band, _born_aged(AGE_OF_BAND[band], 2018))
        for band in ("5_to_9", "10_to_15", "16_to_17")
        for _ in range(LAC_AGES[2018][band])
    ]
    # 40 under-4s and 108 older children of type A; 4 and 62 of type B: 576 reviews.
    kinds = [TYPE_A] * 40 + [TYPE_B] * 4 + [TYPE_A] * 108 + [TYPE_B] * 62
    for (_, dob), (start, held), group in zip(under_4 + older, kinds, ethnicities, strict=True):
        child = _child(dob, ETHNIC_CODE[group])
        children.append(child)
        episodes.append((child, start, None))
        for number, day in enumerate(held, start=1):
            code = "PN0" if dob > D(2014, 1, 1) else next(codes)
            reviews.append((child, day, code, number))
    assert next(codes, None) is None

    Child.objects.bulk_create(children)
    children_periods_rebuild(
        child_ids=[c.pk for c in children],
        episodes_to_add=[_episode(c, s, e) for c, s, e in episodes],
        reviews_to_add=[_review(c, d, code, n) for c, d, code, n in reviews],
    )
    return children[-214:]


@dataclass(eq=False)
class Family:
    """A sibling group with one conference history: all on a plan together, or none."""

    size: int
    first: D  # the initial (or transfer-in) conference, or the plan start for earlier plans
    reviews: list[D] = field(default_factory=list)
    ends_at_last_review: bool = False
    kind: str = "initial"  # initial, transfer_in, no_plan, earlier (plan began in 2016-17)
    late: bool = False  # initial conference more than 15 working days after the strategy
    children: list[Child] = field(default_factory=list)


def _families() -> list[Family]:
    """Report ¶51-59: 71 on plans at 31 March 2017; 138 plans started and 94 ended in
    2017-18; 85 initial conferences (157 children) of which 7 transfer-ins (16 children);
    135 review conferences (256 children); 19 children not made subject to a plan."""
    earlier = D(2017, 1, 16)
    earlier_reviews = [D(2017, 4, 6), D(2017, 9, 25)]
    families = (
        [Family(2, earlier, earlier_reviews, True, "earlier") for _ in range(30)]
        + [Family(2, earlier, [*earlier_reviews, D(2018, 3, 14)], kind="earlier") for _ in range(5)]
        + [Family(1, earlier, [*earlier_reviews, D(2018, 3, 14)], kind="earlier")]
        + [Family(2, D(2017, 4, 24), [D(2017, 7, 13)], True) for _ in range(17)]
        + [Family(2, D(2017, 10, 16), [D(2018, 1, 4)]) for _ in range(24)]
        + [Family(1, D(2017, 10, 16), [D(2018, 1, 4)]) for _ in range(11)]
        + [Family(2, D(2018, 2, 5)) for _ in range(13)]
        + [Family(1, D(2018, 3, 5)) for _ in range(3)]
        + [Family(2, D(2017, 10, 16), [D(2018, 1, 4)], kind="transfer_in") for _ in range(5)]
        + [Family(3, D(2018, 2, 5), kind="transfer_in") for _ in range(2)]
        + [Family(2, D(2017, 6, 12), kind="no_plan", late=i < 3) for i in range(9)]
        + [Family(1, D(2017, 6, 12), kind="no_plan", late=True)]
    )
    return families


# Report ¶47 at 31 March 2018: of 115 on plans, 2% unborn, 47% under 5, 34% 5-10,
# 17% 11-15, 1% 16+; 68% neglect, 23% emotional, 4% physical, 5% sexual abuse.
CP_AGES = {"under_5": (2, 54), "5_to_10": (7, 39), "11_to_15": (13, 19), "16_and_over": (16, 1)}
CP_CATEGORIES = {"NEG": 78, "EMO": 26, "PHY": 5, "SAB": 6}


def _build_child_protection() -> list[Child]:
    families = _families()
    open_at_year_end = [
        f
        for f in families
        if f.kind in ("initial", "transfer_in", "earlier") and not f.ends_at_last_review
    ]
    unborn = [f for f in open_at_year_end if f.size == 1 and f.first == D(2018, 3, 5)][:2]
    ages = iter([age for age, n in CP_AGES.values() for _ in range(n)])
    categories = iter([c for c, n in CP_CATEGORIES.items() for _ in range(n)])
    category_of: dict[int, str] = {}
    for family in families:
        for _ in range(family.size):
            if family in unborn:
                child = _child(None)
            elif family in open_at_year_end:
                child = _child(_born_aged(next(ages), 2018))
            else:
                child = _child(_born_aged(8, 2018))
            family.children.append(child)
    assert next(ages, None) is None
    Child.objects.bulk_create([c for f in families for c in f.children])
    for family in open_at_year_end:
        for child in family.children:
            category_of[child.pk] = next(categories)
    assert next(categories, None) is None

    # 26 of the 138 new plans are second or subsequent: 6 after a plan that ended within
    # the two years before, 4 after one that ended long before, 16 known only from the
    # imported count of previous plans.
    new = [c for f in families if f.kind in ("initial", "transfer_in") for c in f.children]
    repeats = new[:26]
    plans, enquiries, conferences, covered = [], [], [], []
    for i, child in enumerate(repeats[:10]):
        start, end = (D(2015, 12, 1), D(2016, 6, 30)) if i < 6 else (D(2014, 1, 6), D(2014, 6, 30))
        plans.append(
            ChildProtectionPlan(
                child=child,
                started_on=start,
                ended_on=end,
                initial_category="NEG",
                latest_category="NEG",
            )
        )
    plan_of: dict[int, ChildProtectionPlan] = {}
    for family in families:
        if family.kind != "no_plan":
            for child in family.children:
                category = category_of.get(child.pk, "NEG")
                plan = ChildProtectionPlan(
                    child=child,
                    started_on=family.first,
                    ended_on=family.reviews[-1] if family.ends_at_last_review else None,
                    initial_category=category,
                    latest_category=category,
                    previous_plans=1 if child in repeats else 0,
                )
                plans.append(plan)
                plan_of[child.pk] = plan
    ChildProtectionPlan.objects.bulk_create(plans)

    calendar, timescales = default_calendar(), default_timescales()
    for family in families:
        if family.kind in ("initial", "no_plan"):
            gap = 35 if family.late else 14
            for child in family.children:
                enquiries.append(
                    Section47Enquiry(
                        child=child,
                        strategy_discussion_on=family.first - dt.timedelta(days=gap),
                        concluded_on=family.first,
                    )
                )
    Section47Enquiry.objects.bulk_create(enquiries)
    enquiry_of = {e.child_id: e for e in enquiries}

    for family in families:
        meetings = []
        if family.kind != "earlier":
            kind = "transfer_in" if family.kind == "transfer_in" else "initial"
            notified = family.first - dt.timedelta(days=14) if kind == "transfer_in" else None
            meetings.append(
                (
                    ChildProtectionConference(
                        kind=kind,
                        status="held",
                        held_on=family.first,
                        transfer_notified_on=notified,
                    ),
                    "first",
                )
            )
        for n, day in enumerate(family.reviews, start=1):
            last = n == len(family.reviews) and family.ends_at_last_review
            meetings.append(
                (
                    ChildProtectionConference(kind="review", status="held", held_on=day),
                    "plan_ended" if last else "plan_continued",
                )
            )
        for conference, outcome in meetings:
            conferences.append(conference)
            for child in family.children:
                entry = ConferenceChild(
                    conference=conference, child=child, plan=plan_of.get(child.pk)
                )
                if outcome == "first":
                    entry.outcome = "no_plan" if family.kind == "no_plan" else "plan_started"
                    entry.section47 = enquiry_of.get(child.pk)
                    if conference.kind == "transfer_in":
                        entry.due_on = transfer_in_due(
                            conference.transfer_notified_on,
                            calendar=calendar,
                            timescales=timescales,
                        ).on
                else:
                    entry.outcome = outcome
                covered.append(entry)
    ChildProtectionConference.objects.bulk_create(conferences)
    ConferenceChild.objects.bulk_create(covered)
    section47_schedules_refresh(enquiries=enquiries)
    plan_schedules_refresh(plans=plans)

    # Report ¶73-74: 91 family invitations to initial conferences, 86 attended; 125 to
    # review conferences, 114 attended; ¶75: nobody excluded.
    initial = [c for c in conferences if c.kind != "review"]
    review = [c for c in conferences if c.kind == "review"]
    invitations = []
    for meetings, extra, absent, count in [(initial, 6, 5, 91), (review, 0, 11, 125)]:
        invited = [*meetings, *meetings[:extra]][:count]
        for i, conference in enumerate(invited):
            invitations.append(
                ConferenceInvitation(
                    conference=conference,
                    name=f"Parent {i}",
                    kind="family",
                    role="Mother",
                    has_parental_responsibility=True,
                    attendance="did_not_attend" if i < absent else "attended",
                )
            )
    ConferenceInvitation.objects.bulk_create(invitations)
    return [c for f in open_at_year_end for c in f.children]


def _build_service(held: list[Child]) -> None:
    """Report ¶10, ¶16: 5.4 IRO posts, 5.2 of them permanent; 5.0 FTE carry the caseload."""
    user = get_user_model()
    iros = []
    for i, (fte, employment) in enumerate(
        [("1.00", "permanent")] * 5 + [("0.20", "permanent"), ("0.20", "agency")]
    ):
        iros.append(
            IndependentReviewingOfficer.objects.create(
                user=user.objects.create(username=f"report-iro-{i}"),
                fte=Decimal(fte),
                employment=employment,
            )
        )
    IROAllocation.objects.bulk_create(
        IROAllocation(child=child, iro=iros[i % 5], started_on=D(2017, 4, 1))
        for i, child in enumerate(held)
    )


@pytest.fixture(scope="module")
def report_2017(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        looked_after = _build_looked_after()
        on_plans = _build_child_protection()
        _build_service(looked_after + on_plans)
        # Report ¶24, ¶45: 214 looked after is 95.0 per 10,000; 219 was 96.8.
        PopulationEstimate.objects.create(year=2017, children_0_to_17=22_526)
        PopulationEstimate.objects.create(year=2016, children_0_to_17=22_624)
        for indicator, year, values in [
            (
                "icpc_within_15_working_days",
                2017,
                {"region": 86, "statistical_neighbours": 88, "england": 77},
            ),
            ("rcpc_in_time", 2017, {"region": 95, "statistical_neighbours": 95, "england": 92}),
            ("cp_rate", 2016, {"region": 61, "england": 43}),
            ("cp_second_or_subsequent", 2016, {"region": 14, "england": 19}),
            ("cp_ended_after_2_years", 2016, {"region": Decimal("1.5"), "england": Decimal("2.1")}),
        ]:
            for comparator, value in values.items():
                Benchmark.objects.create(
                    indicator=indicator, year=year, comparator=comparator, value=value
                )
        yield report_build(2017)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_214_children_were_looked_after_at_31_march_2018_after_219_a_year_before(report_2017):
    lac = report_2017["looked_after"]
    assert lac["at_year_end"] == 214
    assert [y["looked_after"]["at_year_end"] for y in report_2017["history"][-4:]] == [
        200,
        205,
        219,
        214,
    ]


def test_the_rate_is_95_per_10000_children_after_96_8(report_2017):
    assert report_2017["looked_after"]["rate_per_10000"] == 95.0
    assert report_2017["history"][-2]["looked_after"]["rate_per_10000"] == 96.8


def test_the_age_table_gives_each_of_the_four_years(report_2017):
    for entry, (year, bands) in zip(report_2017["history"][-4:], LAC_AGES.items(), strict=True):
        assert entry["year"].startswith(str(year - 1))
        assert entry["looked_after"]["age_bands"] == bands


def test_the_ethnicity_table_gives_each_of_the_four_years(report_2017):
    for entry, groups in zip(report_2017["history"][-4:], LAC_ETHNICITY.values(), strict=True):
        assert entry["looked_after"]["ethnic_groups"] == groups | {"not_recorded": 0}


def test_576_reviews_were_held_all_within_timescales(report_2017):
    lac = report_2017["looked_after"]
    assert (lac["reviews_held"], lac["reviews_in_time"], lac["reviews_in_time_pct"]) == (
        576,
        576,
        100.0,
    )
    assert lac["children_reviewed_all_in_time"] == lac["children_reviewed"] == 214


def test_participation_splits_the_576_reviews_as_the_report_does(report_2017):
    assert report_2017["looked_after"]["participation"] == {"PN0": 128, **PARTICIPATION}


def test_the_participation_table_groups_attendance_as_the_report_does(report_2017):
    table = _table(report_2017, "lac-participation")
    rows = {row[0].text: [c.text for c in row[1:]] for row in table.rows}
    assert rows["PN0: aged under 4"] == ["128", "22%"]
    assert rows["PN1: attended and spoke for self"] == ["229", "40%"]
    assert rows["PN6: did not attend, views sent"] == ["146", "25%"]
    assert rows["Attended (PN1 to PN4)"] == ["242", "42%"]
    assert rows["Views conveyed without attending (PN5, PN6)"] == ["159", "28%"]


def test_115_children_were_on_plans_at_31_march_2018_51_per_10000_after_71(report_2017):
    cp = report_2017["child_protection"]
    assert cp["at_year_end"] == 115
    assert round(cp["rate_per_10000"]) == 51
    assert report_2017["history"][-2]["child_protection"]["at_year_end"] == 71
    assert round(report_2017["history"][-2]["child_protection"]["rate_per_10000"]) == 31


def test_ages_and_initial_categories_of_the_115_round_to_the_reports_percentages(report_2017):
    cp = report_2017["child_protection"]
    shares = {k: round(100 * n / 115) for k, n in cp["age_bands"].items()}
    assert shares == {"unborn": 2, "under_5": 47, "5_to_10": 34, "11_to_15": 17, "16_and_over": 1}
    categories = {k: round(100 * n / 115) for k, n in cp["initial_category"].items()}
    assert categories == {"neglect": 68, "emotional": 23, "physical": 4, "sexual": 5, "multiple": 0}


def test_138_plans_started_and_94_ended(report_2017):
    cp = report_2017["child_protection"]
    assert (cp["plans_started"], cp["plans_ended"]) == (138, 94)
    table = _table(report_2017, "cp-plan-activity")
    assert [c.text for c in table.rows[-1]][-1] == "+44"


def test_85_initial_conferences_for_157_children_of_which_7_transfers_for_16(report_2017):
    cp = report_2017["child_protection"]
    meetings = cp["conferences"]
    assert meetings["initial_conferences"] + meetings["transfer_in_conferences"] == 85
    assert meetings["transfer_in_conferences"] == 7
    assert (cp["icpc_children"], cp["icpc_transfer_in_children"]) == (157, 16)


def test_135_review_conferences_for_256_children_all_in_time(report_2017):
    cp = report_2017["child_protection"]
    assert cp["conferences"]["review_conferences"] == 135
    assert (cp["review_conferences_children"], cp["review_conferences_in_time"]) == (256, 256)


def test_12_1_percent_of_children_at_initial_conferences_were_not_made_subject_to_a_plan(
    report_2017,
):
    cp = report_2017["child_protection"]
    assert cp["icpc_children_no_plan"] == 19
    assert cp["icpc_children_no_plan_pct"] == 12.1


def test_134_of_141_initial_conferences_were_within_15_working_days(report_2017):
    cp = report_2017["child_protection"]
    assert (cp["icpc_within_15_working_days"], cp["icpc_with_duration"]) == (134, 141)
    assert round(cp["icpc_within_15_working_days_pct"]) == 95


def test_19_percent_of_plans_were_second_or_subsequent(report_2017):
    cp = report_2017["child_protection"]
    assert cp["plans_started_second_or_subsequent"] == 26
    assert round(cp["plans_started_second_or_subsequent_pct"]) == 19
    assert cp["plans_started_within_24_months_of_previous"] == 6


def test_no_plan_ending_had_lasted_2_years(report_2017):
    assert report_2017["child_protection"]["plans_ended_after_2_years_or_more"] == 0


def test_family_attended_86_of_91_initial_and_114_of_125_review_invitations_none_excluded(
    report_2017,
):
    family = report_2017["child_protection"]["family"]
    assert (family["icpc_family_attended"], family["icpc_family_invitations"]) == (86, 91)
    assert (family["rcpc_family_attended"], family["rcpc_family_invitations"]) == (114, 125)
    table = _table(report_2017, "cp-family")
    shares = [row[-1].text for row in table.rows if row[0].text.startswith("Attended")]
    assert shares == ["95%", "91%"]
    assert family["family_with_parental_responsibility_excluded"] == 0


def test_5_4_posts_96_percent_permanent_carry_66_children_each(report_2017):
    service = report_2017["service"]
    assert (service["fte"], service["permanent_fte"], service["agency_fte"]) == (5.4, 5.2, 0.2)
    assert round(100 * service["permanent_fte"] / service["fte"]) == 96
    assert service["children_allocated"] == 214 + 115
    assert round(service["children_per_fte"]) == 66


def test_benchmarks_sit_beside_ours_with_last_years_where_this_years_are_not_published(report_2017):
    rows = {b["indicator"]: b for b in report_2017["benchmarks"]}
    icpc = rows["icpc_within_15_working_days"]
    assert (icpc["region"], icpc["statistical_neighbours"], icpc["england"]) == (86, 88, 77)
    assert round(icpc["ours"]) == 95
    assert (rows["rcpc_in_time"]["ours"], rows["rcpc_in_time"]["england"]) == (100.0, 92)
    cp_rate = rows["cp_rate"]
    assert (cp_rate["region"], cp_rate["england"], cp_rate["region_year"]) == (61, 43, "2016-17")
    assert rows["cp_ended_after_2_years"]["england"] == 2.1


def _table(report: dict, key: str):
    for section in report_sections(report):
        for table in section.tables:
            if table.key == key:
                return table
    raise AssertionError(f"No table {key}")
