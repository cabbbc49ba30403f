"""Who read a child's record is kept for its own period (OVERSIGHT_RETENTION_ACCESS_EVENTS_YEARS,
7 years by default): the retention job deletes older access events when applied, and
blanks the reasons given for reading a child's record as the child is anonymised."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import AccessEvent, AccessKind, AppendOnlyError
from retention.rules import ACCESS_EVENTS_YEARS, Schedule, access_events_kept_from
from retention.services import retention_run
from tests.config.test_settings import _start
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 3)


def event(*, on: dt.date, child_ref: str = "C1", reason: str = "") -> AccessEvent:
    return AccessEvent.objects.create(
        username="reader",
        at=timezone.make_aware(dt.datetime.combine(on, dt.time(12))),
        kind=AccessKind.VIEW,
        path=f"/children/{child_ref}/",
        child_ref=child_ref,
        reason=reason,
        status_code=200,
    )


def test_access_events_are_kept_seven_years_by_default():
    assert ACCESS_EVENTS_YEARS == 7
    assert access_events_kept_from(today=TODAY, schedule=Schedule()) == D(2019, 12, 3)


def test_a_dry_run_counts_the_access_events_past_their_period_and_deletes_none():
    event(on=D(2019, 12, 2))
    event(on=D(2019, 12, 3))

    run = retention_run(apply=False, today=TODAY)

    assert run.due["access_events_due"] == 1
    assert AccessEvent.objects.count() == 2


def test_applying_deletes_the_access_events_past_their_period_only():
    old = event(on=D(2019, 12, 2))
    kept = event(on=D(2019, 12, 3))

    run = retention_run(apply=True, today=TODAY)

    assert run.changed["access_events"] == 1
    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessEvent.objects.filter(pk=old.pk).exists()


def test_the_period_is_the_councils_choice(settings):
    settings.OVERSIGHT_RETENTION = {**settings.OVERSIGHT_RETENTION, "access_events_years": 2}
    event(on=D(2024, 12, 2))

    assert retention_run(apply=True, today=TODAY).changed["access_events"] == 1
    assert AccessEvent.objects.count() == 0


def test_access_events_stay_append_only_outside_the_retention_job():
    event(on=D(2010, 1, 1))
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.update(reason="")


def test_anonymising_a_child_blanks_the_reasons_given_to_read_their_record():
    ChildFactory(child_id="OLD9", date_of_birth=D(1990, 1, 1))  # 25 on 1 January 2015
    read = event(on=D(2024, 5, 1), child_ref="OLD9", reason="Asked by Mrs Smith, the aunt")
    other = event(on=D(2024, 5, 1), child_ref="C2", reason="Covering for Jo")

    run = retention_run(apply=True, today=TODAY)

    assert run.changed["access_event_reasons"] == 1
    read.refresh_from_db()
    assert (read.reason, read.child_ref, read.username) == ("", "OLD9", "reader")
    other.refresh_from_db()
    assert other.reason == "Covering for Jo"


def test_the_command_reports_the_access_events_due(capsys):
    event(on=D(2001, 1, 1))
    call_command("retention", "--as-of", "2026-12-03")
    assert "Access events older than 7 years due to be deleted: 1" in capsys.readouterr().out


def test_the_app_refuses_to_start_keeping_access_events_less_than_a_year():
    result = _start(DJANGO_DEBUG="true", OVERSIGHT_RETENTION_ACCESS_EVENTS_YEARS="0")
    assert result.returncode != 0
    assert "OVERSIGHT_RETENTION_ACCESS_EVENTS_YEARS" in result.stderr
