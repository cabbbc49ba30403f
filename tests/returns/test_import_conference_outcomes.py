"""A conference held in Oversight against the census (issue 13, "conflicts with what people
typed"): what a conference recorded in Oversight decided (a plan or none, its category,
whether the plan ended) is kept whatever a census or SSD extract says; where the import
holds the same conference with another outcome the difference is shown for a person to
decide, and taking the import's corrects the conference as a person would."""

import datetime as dt

import pytest
from django.utils import timezone

from protection.models import ChildProtectionPlan, ConferenceChild
from protection.services import ChildOutcome, conference_book, conference_record_held
from returns.cin_census.importer import cin_census_import
from returns.models import DisagreementResolution, ImportDisagreement
from returns.services import import_disagreement_resolve
from tests.factories import IROFactory
from tests.returns.census import census_xml, child_xml, plan_xml, section47_xml

pytestmark = pytest.mark.django_db

D = dt.date
STRATEGY = "2024-05-02"
ICPC = D(2024, 5, 20)
REVIEW = D(2024, 8, 19)


@pytest.fixture(autouse=True)
def autumn_2024(time_machine):
    time_machine.move_to(dt.datetime(2024, 10, 1, 9, tzinfo=dt.UTC), tick=False)


def _census(tmp_path, name, *, icpc="", plans="", reference_date="2025-03-31"):
    path = tmp_path / name
    child = child_xml("E1", section47=section47_xml(STRATEGY, icpc=icpc), plans=plans)
    path.write_text(census_xml(child, reference_date=reference_date))
    return path


def _held_in_oversight(kind, held_on, outcome, *, category="", plan=None):
    """A conference booked and recorded held by a person, as the browser does."""
    from iro.models import Child

    child = Child.objects.get(child_id="E1")
    conference = conference_book(
        kind=kind,
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime.combine(held_on, dt.time(10))),
        venue="Room 1",
        chair=IROFactory(),
    )
    conference_record_held(
        conference=conference,
        held_on=held_on,
        outcomes=[ChildOutcome(child=child, outcome=outcome, category=category)],
    )
    return ConferenceChild.objects.get(conference=conference)


def _icpc_in_oversight(tmp_path, outcome, category=""):
    """The census knew of the enquiry; the initial conference was recorded in Oversight."""
    cin_census_import(paths=[_census(tmp_path, "before.xml")])
    return _held_in_oversight("initial", ICPC, outcome, category=category)


def _decide(resolution, reason="Checked with the chair"):
    return import_disagreement_resolve(
        disagreement=ImportDisagreement.objects.get(resolved_at__isnull=True),
        resolution=resolution,
        reason=reason,
    )


# An initial conference -----------------------------------------------------------------


def test_a_census_plan_does_not_overrule_a_conference_that_decided_no_plan(tmp_path):
    entry = _icpc_in_oversight(tmp_path, "no_plan")
    census = _census(tmp_path, "cin.xml", icpc=ICPC.isoformat(), plans=plan_xml("2024-05-20"))
    summary = cin_census_import(paths=[census])
    entry.refresh_from_db()
    assert entry.outcome == "no_plan"
    assert not ChildProtectionPlan.objects.exists()
    [found] = ImportDisagreement.objects.all()
    assert (found.record_kind, found.record_id, found.field) == ("conference", entry.pk, "outcome")
    assert found.record_label == "Initial child protection conference held on 20 May 2024"
    assert found.ours_text == "Not made subject to a plan"
    assert found.theirs_text == (
        "In the CIN census 2024-25: Child protection plan started (neglect)"
    )
    assert summary.disagreements.new == 1
    cin_census_import(paths=[census])
    assert ImportDisagreement.objects.count() == 1
    assert not ChildProtectionPlan.objects.exists()


def test_taking_the_censuss_plan_starts_it_with_its_review_due_and_the_next_load_agrees(
    tmp_path,
):
    entry = _icpc_in_oversight(tmp_path, "no_plan")
    census = _census(tmp_path, "cin.xml", icpc=ICPC.isoformat(), plans=plan_xml("2024-05-20"))
    cin_census_import(paths=[census])
    _decide(DisagreementResolution.TOOK_THEIRS, "The conference did decide a plan")
    entry.refresh_from_db()
    plan = ChildProtectionPlan.objects.get()
    assert entry.outcome == "plan_started"
    assert entry.plan == plan
    assert (plan.started_on, plan.initial_category) == (ICPC, "NEG")
    assert plan.next_review_due == D(2024, 8, 20)  # three months after the plan started
    # The clock is frozen: the latest entry is the last one written.
    latest = entry.history.order_by("history_id").last()
    assert "The conference did decide a plan" in latest.history_change_reason
    cin_census_import(paths=[census])
    assert ChildProtectionPlan.objects.count() == 1
    assert not ImportDisagreement.objects.filter(resolved_at__isnull=True).exists()


def test_the_category_a_conference_chose_is_kept_and_the_censuss_other_one_shown(tmp_path):
    _icpc_in_oversight(tmp_path, "plan_started", category="PHY")
    census = _census(
        tmp_path, "cin.xml", icpc=ICPC.isoformat(), plans=plan_xml("2024-05-20", initial="NEG")
    )
    cin_census_import(paths=[census])
    plan = ChildProtectionPlan.objects.get()
    assert plan.initial_category == "PHY"
    [found] = ImportDisagreement.objects.all()
    assert found.ours_text == "Child protection plan started (physical abuse)"
    assert found.theirs_text.endswith("Child protection plan started (neglect)")
    fixed = _census(
        tmp_path,
        "fixed.xml",
        icpc=ICPC.isoformat(),
        plans=plan_xml("2024-05-20", initial="PHY"),
    )
    summary = cin_census_import(paths=[fixed])
    assert ImportDisagreement.objects.get().resolution == DisagreementResolution.AGREED
    assert summary.disagreements.agreed == 1


def test_a_census_that_agrees_takes_the_conference_on_and_asks_nothing(tmp_path):
    entry = _icpc_in_oversight(tmp_path, "plan_started", category="NEG")
    census = _census(tmp_path, "cin.xml", icpc=ICPC.isoformat(), plans=plan_xml("2024-05-20"))
    cin_census_import(paths=[census])
    entry.refresh_from_db()
    assert entry.conference.return_year == 2024
    assert ChildProtectionPlan.objects.count() == 1
    assert not ImportDisagreement.objects.exists()


def test_a_conference_recorded_no_plan_and_a_census_with_none_agree(tmp_path):
    _icpc_in_oversight(tmp_path, "no_plan")
    cin_census_import(paths=[_census(tmp_path, "cin.xml", icpc=ICPC.isoformat())])
    assert not ImportDisagreement.objects.exists()
    assert not ChildProtectionPlan.objects.exists()


# A review conference ---------------------------------------------------------------------


def _plan_in_the_census(tmp_path):
    """A plan the census holds, from an initial conference the census holds too."""
    census = _census(tmp_path, "before.xml", icpc=ICPC.isoformat(), plans=plan_xml("2024-05-20"))
    cin_census_import(paths=[census])
    return ChildProtectionPlan.objects.get()


def test_a_plan_ended_at_a_review_in_oversight_stays_ended_when_the_census_is_behind(tmp_path):
    plan = _plan_in_the_census(tmp_path)
    entry = _held_in_oversight("review", REVIEW, "plan_ended")
    # Tonight's census has the review but not yet the plan's end.
    behind = _census(
        tmp_path,
        "behind.xml",
        icpc=ICPC.isoformat(),
        plans=plan_xml("2024-05-20", reviews=(REVIEW.isoformat(),)),
    )
    cin_census_import(paths=[behind])
    plan.refresh_from_db()
    assert plan.ended_on == REVIEW
    [found] = ImportDisagreement.objects.all()
    assert found.record_id == entry.pk
    assert found.record_label == "Review child protection conference held on 19 August 2024"
    assert (found.ours_text, found.theirs_text) == (
        "Plan ended",
        "In the CIN census 2024-25: Plan continues",
    )


def test_a_census_without_the_review_yet_leaves_the_plans_end_and_asks_nothing(tmp_path):
    plan = _plan_in_the_census(tmp_path)
    _held_in_oversight("review", REVIEW, "plan_ended")
    cin_census_import(
        paths=[_census(tmp_path, "again.xml", icpc=ICPC.isoformat(), plans=plan_xml("2024-05-20"))]
    )
    plan.refresh_from_db()
    assert plan.ended_on == REVIEW
    assert not ImportDisagreement.objects.exists()
    assert ConferenceChild.objects.filter(conference__held_on=REVIEW).count() == 1


def test_a_census_ending_the_plan_where_the_review_continued_it_is_shown_not_taken(tmp_path):
    plan = _plan_in_the_census(tmp_path)
    _held_in_oversight("review", REVIEW, "plan_continued")
    ended = _census(
        tmp_path,
        "ended.xml",
        icpc=ICPC.isoformat(),
        plans=plan_xml("2024-05-20", end=REVIEW.isoformat(), reviews=(REVIEW.isoformat(),)),
    )
    cin_census_import(paths=[ended])
    plan.refresh_from_db()
    assert plan.ended_on is None
    _decide(DisagreementResolution.TOOK_THEIRS, "The plan did end at the review")
    plan.refresh_from_db()
    assert plan.ended_on == REVIEW
    cin_census_import(paths=[ended])
    assert not ImportDisagreement.objects.filter(resolved_at__isnull=True).exists()
