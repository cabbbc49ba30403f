"""The retention job (retention.selectors.due_for_anonymising, retention.services.retention_run):
whose records are past their keeping period, a report first, and when applied the
children anonymised in one go, names and free text gone from the rows and their history,
dates and codes kept so the figures of past years do not change."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from disputes.models import Dispute, DisputeStatus
from iro.models import Child
from iro.services import ON_LEGAL_HOLD, child_anonymise, child_legal_hold_set
from protection.services import plan_record
from reporting.annual_report import report_build
from retention.models import RetentionRun
from retention.rules import Schedule
from retention.selectors import LOOKED_AFTER, PROTECTION_ONLY, due_for_anonymising
from retention.services import retention_run
from retention.tasks import retention_nightly_task
from reviews.models import IROContact, LookedAfterReview, ReviewInvitation
from reviews.services import DecisionInput, lac_review_record
from tests.case_factories import IROAllocationFactory
from tests.factories import ChildFactory, FamilyFactory, IROFactory
from tests.reviews.test_services import enter_care

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 3)
UPN = "B801200005001"


@pytest.fixture
def old_in_care():
    """Looked after in 1960-61, born 20 May 1950: 75 on 20 May 2025."""
    child = ChildFactory(
        child_id="OLD1",
        first_name="Winifred",
        last_name="Oldcare",
        date_of_birth=D(1950, 5, 20),
        upn=UPN,
        family=FamilyFactory(name="Oldcare", reference="F-OLD"),
    )
    enter_care(child, D(1960, 3, 1), ended_on=D(1961, 3, 1), reason_ceased="E11")
    review = lac_review_record(
        child=child,
        held_on=D(1960, 3, 20),
        participation_code="PN1",
        decisions=[
            DecisionInput("Mrs Jones to visit Winifred weekly", "Social worker", D(1960, 4, 20))
        ],
    )
    LookedAfterReview.objects.filter(pk=review.pk).update(venue="At Mrs Jones's, 1 High St")
    ReviewInvitation.objects.create(
        review=review,
        name="Mary Oldcare",
        role="Mother",
        kind="parent",
        email="mary@example.org",
        address="1 High Street",
    )
    IROContact.objects.create(
        child=child,
        iro=IROFactory(),
        occurred_on=D(1960, 4, 1),
        kind="visit",
        note="Saw Winifred with her aunt Jane",
    )
    IROAllocationFactory(child=child, started_on=D(1960, 3, 1), reason="Jane Smith left")
    child.first_name = "Winnie"  # a correction: the old name stays in history
    child.save()
    return child


@pytest.fixture
def protection_only():
    """On a plan in 2005-06, never looked after, born 1 June 2000: 25 on 1 June 2025."""
    child = ChildFactory(child_id="CP1", first_name="Peter", date_of_birth=D(2000, 6, 1))
    plan_record(
        child=child, started_on=D(2005, 1, 10), ended_on=D(2006, 2, 1), initial_category="NEG"
    )
    Dispute.objects.create(
        child=child,
        raised_by=IROFactory(),
        raised_on=D(2005, 3, 1),
        category="drift",
        summary="Peter's mother Anne was not told",
        status=DisputeStatus.RESOLVED,
        resolved_on=D(2005, 4, 1),
        outcome="Anne was sent the plan",
    )
    return child


def test_a_child_looked_after_is_due_only_after_their_75th_birthday(old_in_care):
    assert due_for_anonymising(D(2025, 5, 20)) == []
    [due] = due_for_anonymising(D(2025, 5, 21))
    assert (due.child, due.kind, due.keep_until) == (old_in_care, LOOKED_AFTER, D(2025, 5, 20))


def test_a_child_never_looked_after_is_due_after_their_25th_birthday(protection_only):
    [due] = due_for_anonymising(TODAY)
    assert (due.child, due.kind, due.keep_until) == (
        protection_only,
        PROTECTION_ONLY,
        D(2025, 6, 1),
    )


def test_a_child_once_looked_after_is_kept_to_75_even_past_25():
    child = ChildFactory(date_of_birth=D(2000, 6, 1))
    enter_care(child, D(2005, 1, 10), ended_on=D(2006, 1, 10), reason_ceased="E11")

    assert due_for_anonymising(TODAY) == []


def test_the_councils_own_age_for_child_protection_only_records_is_used(protection_only):
    assert due_for_anonymising(TODAY, schedule=Schedule(protection_only_until_age=30)) == []


def test_a_child_on_legal_hold_or_with_a_plan_still_open_is_not_due_but_counted(protection_only):
    held = ChildFactory(date_of_birth=D(1990, 1, 1))
    child_legal_hold_set(child=held, on=True, reason="Civil claim")
    open_plan = ChildFactory(date_of_birth=D(1990, 1, 1))
    plan_record(child=open_plan, started_on=D(2026, 1, 5), initial_category="NEG")

    assert [p.child for p in due_for_anonymising(TODAY)] == [protection_only]
    run = retention_run(apply=False, today=TODAY)
    assert run.due == {
        PROTECTION_ONLY: 1,
        "on_hold": 1,
        "still_open": 1,
        "uploads_due": 0,
        "access_events_due": 0,
        "outbox_events_due": 0,
    }


def test_a_dry_run_records_the_report_and_changes_nothing(old_in_care, protection_only):
    run = retention_run(apply=False, today=TODAY)

    assert not run.applied
    assert run.due[LOOKED_AFTER] == 1 and run.due[PROTECTION_ONLY] == 1
    assert sorted(run.child_pks) == sorted([old_in_care.pk, protection_only.pk])
    assert run.changed == {}
    old_in_care.refresh_from_db()
    assert old_in_care.full_name == "Winnie Oldcare" and old_in_care.anonymised_on is None


def test_applying_anonymises_names_birth_date_upn_and_free_text_in_rows_and_history(
    old_in_care, protection_only
):
    run = retention_run(apply=True, today=TODAY)

    child = Child.objects.get(pk=old_in_care.pk)
    assert (child.first_name, child.last_name, child.upn) == ("Anonymised", "Anonymised", "")
    assert child.date_of_birth == D(1950, 5, 1)
    assert child.anonymised_on == TODAY
    assert child.child_id == "OLD1" and child.sex == old_in_care.sex
    assert child.family.name == "Anonymised"
    # The history keeps no name either, nor the date of birth to the day.
    assert set(child.history.values_list("first_name", flat=True)) == {"Anonymised"}
    assert set(child.history.values_list("upn", flat=True)) == {""}
    assert set(child.history.values_list("date_of_birth", flat=True)) == {D(1950, 5, 1)}
    review = child.lac_reviews.get()
    assert review.venue == "" and review.held_on == D(1960, 3, 20)
    assert review.participation_code == "PN1"
    assert [d.action for d in review.decisions.all()] == ["Anonymised"]
    [invitation] = review.invitations.all()
    assert (invitation.name, invitation.email, invitation.address, invitation.role) == (
        "Anonymised",
        "",
        "",
        "Mother",
    )
    assert set(invitation.history.values_list("name", flat=True)) == {"Anonymised"}
    assert [c.note for c in child.iro_contacts.all()] == [""]
    assert [a.reason for a in child.allocations.all()] == [""]
    dispute = Dispute.objects.get(child=protection_only)
    assert (dispute.summary, dispute.outcome, dispute.status) == ("Anonymised", "", "resolved")
    assert set(dispute.history.values_list("summary", flat=True)) == {"Anonymised"}
    # The run: applied, what changed, the children by internal id only.
    assert run.applied and run.changed["children"] == 2
    assert run.changed["review_invitations"] == 1 and run.changed["disputes"] == 1
    assert sorted(run.child_pks) == sorted([old_in_care.pk, protection_only.pk])
    assert "Winnie" not in str(RetentionRun.objects.values().get())


def test_an_anonymised_child_is_not_due_again(old_in_care):
    retention_run(apply=True, today=TODAY)

    assert due_for_anonymising(TODAY) == []
    assert retention_run(apply=True, today=TODAY).changed == {}


def test_the_figures_of_past_years_do_not_change(old_in_care, protection_only):
    """1959-60 holds the old child's review, 2004-05 the start of the other's plan."""
    before = (report_build(1959, as_of=TODAY), report_build(2004, as_of=TODAY))
    assert before[0]["looked_after"]["participation"]["PN1"] == 1
    assert before[0]["looked_after"]["started"] == 1
    assert max(m["children"] for m in before[1]["child_protection"]["by_month"]) == 1

    retention_run(apply=True, today=TODAY)

    assert (report_build(1959, as_of=TODAY), report_build(2004, as_of=TODAY)) == before


def test_a_child_on_legal_hold_is_never_anonymised_whoever_asks(old_in_care):
    child_legal_hold_set(child=old_in_care, on=True, reason="Historic abuse inquiry")

    run = retention_run(apply=True, today=TODAY)

    assert run.changed == {} and run.due["on_hold"] == 1
    with pytest.raises(ValidationError) as excinfo:
        child_anonymise(children=[old_in_care], as_of=TODAY)
    assert excinfo.value.messages == [ON_LEGAL_HOLD]
    old_in_care.refresh_from_db()
    assert old_in_care.first_name == "Winnie"


def test_the_command_prints_the_report_and_applies_only_when_asked(old_in_care, capsys):
    call_command("retention", "--as-of", "2026-12-03")
    report = capsys.readouterr().out
    assert "Retention report for 3 December 2026" in report
    assert "Children due to be anonymised: 1" in report
    assert "looked after at some time, past their 75th birthday: 1" in report
    assert "Kept, on legal hold: 0" in report
    assert Child.objects.get(pk=old_in_care.pk).first_name == "Winnie"

    call_command("retention", "--apply", "--as-of", "2026-12-03")
    assert "Children anonymised: 1" in capsys.readouterr().out
    assert Child.objects.get(pk=old_in_care.pk).first_name == "Anonymised"


def test_the_nightly_task_reports_and_applies_only_with_the_setting_on(old_in_care, settings):
    settings.OVERSIGHT_RETENTION_APPLY = False
    retention_nightly_task()
    assert Child.objects.get(pk=old_in_care.pk).anonymised_on is None
    assert RetentionRun.objects.get().applied is False

    settings.OVERSIGHT_RETENTION_APPLY = True
    retention_nightly_task()
    assert Child.objects.get(pk=old_in_care.pk).anonymised_on is not None


def test_the_nightly_job_is_in_the_beat_schedule():
    from config.celery import app

    [entry] = [e for e in app.conf.beat_schedule.values() if e["task"].startswith("retention.")]
    assert entry["task"] == "retention.tasks.retention_nightly_task"


def test_an_anonymised_childs_record_names_nobody_and_says_when(
    old_in_care, client, head_of_service
):
    client.force_login(head_of_service)
    record = f"/children/{old_in_care.child_id}/"
    assert "Winnie" in client.get(record).content.decode()

    retention_run(apply=True, today=TODAY)

    page = client.get(record).content.decode()
    assert "On 3 December 2026 (the retention schedule)" in page
    for name in ("Winnie", "Winifred", "Oldcare", "Jones", "Jane", UPN):
        assert name not in page
