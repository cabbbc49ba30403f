"""The nightly deadline alerts: who hears about what, and never twice."""

import datetime as dt
import io
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command

from core.roles import Role
from disputes.models import DisputeLevel
from disputes.services import dispute_escalate, dispute_raise
from fostering.services import household_approve
from iro.services import iro_allocate
from protection.services import plan_record, section47_start
from reviews.services import episode_record, lac_review_book, lac_review_record
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory, UserFactory
from worklists.alerts import digest_for, digests_build
from worklists.models import DeadlineDigest
from worklists.notifications import deadline_digest_send, deadline_digests_record
from worklists.tasks import deadline_alerts_send

D = dt.date
TODAY = D(2025, 3, 31)  # a Monday
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2025, 3, 31, 6, 30, tzinfo=dt.UTC), tick=False)


def looked_after(iro, child_id, entered_on, **child):
    child = ChildFactory(child_id=child_id, **child)
    iro_allocate(child=child, iro=iro, started_on=entered_on)
    episode_record(
        child=child,
        started_on=entered_on,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    return child


def kinds(items):
    return {(i.kind, i.subject.split(" ")[0]) for i in items}


def iro_items(iro):
    return digest_for(iro.user, as_of=TODAY)


def test_an_iro_hears_of_a_looked_after_review_twenty_working_days_ahead(iro):
    # On Friday 28 March 2025, 20 working days ahead is 29 April (Easter skipped).
    looked_after(iro, "DUE0", D(2025, 2, 28))  # first review due 28 March: today
    looked_after(iro, "EDGE", D(2025, 3, 28))  # due 29 April: exactly 20 working days
    looked_after(iro, "LATER", D(2025, 3, 31))  # due 30 April: 21 working days
    items = digest_for(iro.user, as_of=D(2025, 3, 28))
    assert kinds(items) == {("lac_review", "DUE0"), ("lac_review", "EDGE")}


def test_initial_conferences_are_announced_five_working_days_ahead(iro):
    near, far = ChildFactory(child_id="NEAR"), ChildFactory(child_id="FAR")
    for child in (near, far):
        iro_allocate(child=child, iro=iro, started_on=D(2025, 3, 1))
    section47_start(child=near, strategy_discussion_on=D(2025, 3, 17))  # due 7 Apr: 5 WD
    section47_start(child=far, strategy_discussion_on=D(2025, 3, 18))  # due 8 Apr: 6 WD
    assert kinds(iro_items(iro)) == {("icpc", "NEAR")}


def test_review_conferences_are_announced_twenty_working_days_ahead(iro):
    near, far = ChildFactory(child_id="NEAR"), ChildFactory(child_id="FAR")
    for child in (near, far):
        iro_allocate(child=child, iro=iro, started_on=D(2025, 1, 1))
    # On 31 March 2025, 20 working days ahead is 30 April.
    plan_record(child=near, started_on=D(2025, 1, 30), initial_category="NEG")  # due 30 Apr
    plan_record(child=far, started_on=D(2025, 2, 1), initial_category="NEG")  # due 1 May
    assert kinds(iro_items(iro)) == {("rcpc", "NEAR")}


def test_dispute_stages_are_announced_two_working_days_ahead(iro):
    child = looked_after(iro, "DISP", D(2024, 1, 8))
    dispute = dispute_raise(
        child=child, raised_by=iro, raised_on=D(2025, 3, 20), category="drift", summary="Drift"
    )
    level = DisputeLevel.objects.get(rank=1)
    dispute_escalate(dispute=dispute, level=level, addressee="TM", started_on=D(2025, 3, 26))
    items = [i for i in iro_items(iro) if i.kind == "dispute_stage"]
    assert [i.due for i in items] == ["2025-04-02"]  # 2 working days ahead


def test_a_foster_carer_reviewer_hears_a_month_ahead(db):
    reviewer = UserFactory(username="fc", email="fc@council.example")
    _with_role(reviewer, Role.BUSINESS_SUPPORT)
    household_approve(
        reference="FC1", name="A", approved_on=D(2024, 4, 30), reviewing_officer=reviewer
    )
    household_approve(
        reference="FC2", name="B", approved_on=D(2024, 5, 1), reviewing_officer=reviewer
    )
    items = [i for i in digest_for(reviewer, as_of=TODAY) if i.kind == "foster_carer_review"]
    assert [i.subject for i in items] == ["FC1"]


def test_an_iro_hears_of_review_decisions_and_records_not_sent_out(iro):
    child = looked_after(iro, "CIRC", D(2025, 2, 3), date_of_birth=D(2012, 1, 1))
    lac_review_record(child=child, held_on=D(2025, 3, 25), participation_code="PN1", chair=iro)
    items = {i.kind: i for i in iro_items(iro)}
    assert items["decisions_circulation"].due == "2025-04-01"  # 5 WD after 25 Mar
    assert "record_circulation" not in items  # due 22 Apr, not yet within 2 WD


def test_only_the_iros_own_children_are_in_their_digest(iro):
    other = IROFactory(user=UserFactory(username="other", email="o@council.example"))
    _with_role(other.user, Role.IRO)
    looked_after(iro, "MINE", D(2025, 3, 3))
    looked_after(other, "THEIRS", D(2025, 3, 3))
    assert kinds(iro_items(iro)) == {("lac_review", "MINE")}


def test_business_support_hears_of_reviews_to_book_and_minutes_to_send(iro, business_support):
    looked_after(iro, "UNBOOKED", D(2025, 3, 17))
    booked = looked_after(iro, "BOOKED", D(2025, 3, 17))
    lac_review_book(
        child=booked,
        scheduled_for=dt.datetime(2025, 4, 10, 10, tzinfo=dt.UTC),
        venue="Civic Centre",
        chair=iro,
    )
    assert kinds(digest_for(business_support, as_of=TODAY)) == {("book_lac_review", "UNBOOKED")}


def test_the_head_of_service_hears_the_exceptions(iro, head_of_service):
    late = looked_after(iro, "LATE", D(2025, 1, 6))  # first review was due 3 Feb
    plan_child = ChildFactory(child_id="LONGPLAN")
    plan_record(child=plan_child, started_on=D(2023, 12, 1), initial_category="EMO")
    dispute = dispute_raise(
        child=late, raised_by=iro, raised_on=D(2025, 2, 3), category="drift", summary="Drift"
    )
    dispute_escalate(
        dispute=dispute,
        level=DisputeLevel.objects.get(rank=1),
        addressee="TM",
        started_on=D(2025, 2, 3),
    )
    items = digest_for(head_of_service, as_of=TODAY)
    found = kinds(items)
    assert ("lac_review", "LATE") in found
    assert ("dispute_overdue", "LATE") in found  # 20 WD after 3 Feb was 3 Mar
    assert ("plan_duration", "LONGPLAN") in found
    plan_notice = next(i for i in items if i.kind == "plan_duration")
    assert plan_notice.label == "On a child protection plan for 15 months or more"


def test_the_head_of_service_hears_of_caseloads_above_seventy(iro, head_of_service):
    iro.fte = 0.5
    iro.save()
    for _ in range(36):  # 36 children at 0.5 FTE is 72 per full-time post
        iro_allocate(child=ChildFactory(), iro=iro, started_on=D(2025, 1, 1))
    caseload = [i for i in digest_for(head_of_service, as_of=TODAY) if i.kind == "caseload"]
    assert [i.reason for i in caseload] == ["36 children, 72.0 per full-time post"]


def test_the_head_of_service_hears_of_no_permanence_plan_at_the_second_review(iro, head_of_service):
    child = looked_after(iro, "NOPERM", D(2024, 9, 2), date_of_birth=D(2010, 1, 1))
    lac_review_record(child=child, held_on=D(2024, 9, 27), participation_code="PN1")
    lac_review_record(
        child=child, held_on=D(2024, 12, 20), participation_code="PN1", permanence_plan="f"
    )
    child.lac_reviews.filter(number=2).update(permanence_plan="")  # e.g. imported without one
    assert ("permanence_plan", "NOPERM") in kinds(digest_for(head_of_service, as_of=TODAY))


def test_configured_thresholds_are_used(iro, settings):
    settings.OVERSIGHT_ALERT_THRESHOLDS = {"lac_review_working_days": 25}
    looked_after(iro, "LATER", D(2025, 3, 31))
    assert kinds(iro_items(iro)) == {("lac_review", "LATER")}


def test_the_email_carries_ids_initials_dates_and_links_but_no_case_details(iro):
    iro.user.email = "ada@council.example"
    iro.user.save()
    looked_after(iro, "C123", D(2025, 3, 3), first_name="Jordan", last_name="Smith")
    deadline_alerts_send()
    [message] = mail.outbox
    assert message.to == ["ada@council.example"]
    assert message.subject == "Oversight: 0 overdue, 1 due soon on 31 March 2025"
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "C123 (JS)" in body
        assert "http://127.0.0.1:8000/children/C123/" in body
        assert "31 March 2025" in body
        assert "Jordan" not in body
        assert "Smith" not in body
        assert "entering care" not in body  # reasons stay inside Oversight


def test_running_the_job_twice_sends_one_email_per_person(iro, business_support):
    iro.user.email = "ada@council.example"
    iro.user.save()
    looked_after(iro, "C1", D(2025, 3, 3))
    deadline_alerts_send()
    deadline_alerts_send()
    call_command("send_deadline_alerts", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ada@council.example",
        business_support.email,
    ]
    assert DeadlineDigest.objects.filter(sent_at__isnull=False).count() == 2


def test_a_digest_claimed_by_another_worker_is_not_sent_again(iro):
    iro.user.email = "ada@council.example"
    iro.user.save()
    looked_after(iro, "C1", D(2025, 3, 3))
    [digest] = deadline_digests_record(as_of=TODAY)
    assert deadline_digest_send(digest_id=digest.pk) is True
    assert deadline_digest_send(digest_id=digest.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_is_kept_and_retried_until_it_goes(iro, monkeypatch):
    iro.user.email = "ada@council.example"
    iro.user.save()
    looked_after(iro, "C1", D(2025, 3, 3))
    [digest] = deadline_digests_record(as_of=TODAY)

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail relay unavailable")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            deadline_digest_send(digest_id=digest.pk)
    digest.refresh_from_db()
    assert digest.sent_at is None
    assert digest.attempts == 1
    assert "mail relay unavailable" in digest.last_error
    assert deadline_digest_send(digest_id=digest.pk) is True
    digest.refresh_from_db()
    assert (digest.attempts, digest.last_error) == (2, "")
    assert digest.sent_at is not None


def test_the_next_run_catches_up_on_yesterdays_unsent_alerts(iro, time_machine):
    iro.user.email = "ada@council.example"
    iro.user.save()
    looked_after(iro, "C1", D(2025, 3, 3))
    deadline_digests_record(as_of=D(2025, 3, 30))  # recorded, then the worker was down
    deadline_alerts_send()
    assert {d.for_date for d in DeadlineDigest.objects.filter(sent_at__isnull=False)} == {
        D(2025, 3, 30),
        TODAY,
    }
    assert len(mail.outbox) == 2


def test_the_dry_run_prints_what_would_be_sent_and_records_nothing(iro):
    iro.user.email = "ada@council.example"
    iro.user.save()
    looked_after(iro, "C1", D(2025, 3, 3))
    out = io.StringIO()
    call_command("send_deadline_alerts", "--dry-run", "--as-of", "2025-03-31", stdout=out)
    assert "ada@council.example (iro): 1 items, 0 overdue" in out.getvalue()
    assert "[due] Looked-after review: C1" in out.getvalue()
    assert not DeadlineDigest.objects.exists()
    assert not mail.outbox


def test_the_home_page_shows_the_same_digest_with_reasons(client, iro):
    looked_after(iro, "C1", D(2025, 3, 3))
    client.force_login(iro.user)
    page = client.get("/").content.decode()
    assert "C1" in page
    assert "20 working days after entering care on 3 March 2025" in page


def test_people_with_nothing_to_hear_get_no_email(iro):
    iro.user.email = "ada@council.example"
    iro.user.save()
    assert digests_build(as_of=TODAY) == {}
    deadline_alerts_send()
    assert not mail.outbox


def test_tonights_digests_run_the_same_queries_however_many_people_there_are(iro):
    """Each person's role is read with the people (their groups prefetched), not asked of
    the database person by person: a unit of a thousand people is not a thousand queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    looked_after(iro, "A1", D(2025, 3, 17))
    _with_role(UserFactory(email="support@example.org"), Role.BUSINESS_SUPPORT)

    def queries() -> int:
        with CaptureQueriesContext(connection) as run:
            digests = digests_build(as_of=TODAY)
        assert {role for role, _ in digests.values()} == {Role.IRO, Role.BUSINESS_SUPPORT}
        return len(run)

    few = queries()
    for n in range(5):
        other = IROFactory(user=UserFactory(email=f"iro{n}@example.org"))
        _with_role(other.user, Role.IRO)
        looked_after(other, f"B{n}", D(2025, 3, 17))
        _with_role(UserFactory(email=f"support{n}@example.org"), Role.BUSINESS_SUPPORT)

    assert queries() == few
