"""What the council's case system was told (the outbox) is kept for pollers for a period of
the council's choosing (OVERSIGHT_RETENTION_OUTBOX_DAYS, 90 days by default); the
retention job deletes older events, except one the webhook has still to deliver."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AppendOnlyError, OutboxEvent, OutboxKind
from retention.rules import OUTBOX_EVENTS_DAYS, Schedule, outbox_events_kept_from
from retention.selectors import retention_report
from retention.services import retention_run
from tests.config.test_settings import _start

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 3)


def told(*, on: dt.date, delivered: bool = True) -> OutboxEvent:
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    return OutboxEvent.objects.create(
        kind=OutboxKind.DEADLINE_OVERDUE,
        key=f"deadline.overdue:test:{on.isoformat()}:{delivered}",
        subject_type="reviews.lookedafterreview",
        subject_pk=1,
        occurred_at=at,
        delivered_at=at if delivered else None,
    )


def test_outbox_events_are_kept_ninety_days_by_default():
    assert OUTBOX_EVENTS_DAYS == 90
    assert outbox_events_kept_from(today=TODAY, schedule=Schedule()) == D(2026, 9, 4)


def test_a_dry_run_counts_the_events_past_their_period_and_deletes_none():
    told(on=D(2026, 9, 3))
    told(on=D(2026, 9, 4))

    run = retention_run(apply=False, today=TODAY)

    assert run.due["outbox_events_due"] == 1
    assert OutboxEvent.objects.count() == 2
    assert "Outbox events older than 90 days due to be deleted: 1" in retention_report(run)


def test_applying_deletes_the_events_past_their_period_only():
    told(on=D(2026, 9, 3))
    kept = told(on=D(2026, 9, 4))

    run = retention_run(apply=True, today=TODAY)

    assert run.changed["outbox_events"] == 1
    assert list(OutboxEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_an_event_the_webhook_has_still_to_deliver_is_kept_however_old(settings):
    settings.OVERSIGHT_WEBHOOK_URL = "https://case-system.example/hooks/oversight"
    waiting = told(on=D(2025, 1, 6), delivered=False)
    told(on=D(2025, 1, 6))

    run = retention_run(apply=True, today=TODAY)

    assert run.changed["outbox_events"] == 1
    assert list(OutboxEvent.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_without_a_webhook_the_period_alone_decides(settings):
    settings.OVERSIGHT_WEBHOOK_URL = ""
    told(on=D(2025, 1, 6), delivered=False)

    assert retention_run(apply=True, today=TODAY).changed["outbox_events"] == 1


def test_the_period_is_the_councils_choice(settings):
    settings.OVERSIGHT_RETENTION = {**settings.OVERSIGHT_RETENTION, "outbox_events_days": 7}
    told(on=D(2026, 11, 25))

    assert retention_run(apply=True, today=TODAY).changed["outbox_events"] == 1
    assert OutboxEvent.objects.count() == 0


def test_events_stay_append_only_outside_the_retention_job():
    told(on=D(2020, 1, 1))
    with pytest.raises(AppendOnlyError):
        OutboxEvent.objects.all().delete()


def test_a_period_under_a_day_stops_the_app_starting():
    result = _start(DJANGO_DEBUG="true", OVERSIGHT_RETENTION_OUTBOX_DAYS="0")

    assert result.returncode != 0
    assert "OVERSIGHT_RETENTION_OUTBOX_DAYS" in result.stderr
