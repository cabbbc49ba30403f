"""A unit's case records made through the services, for the API's tests: a looked-after
child with an episode, a booked review, a conference and its plan, a challenge; a foster
carer household with a review held; and a returns upload and an SSD extract loaded."""

import datetime as dt

from django.utils import timezone

from disputes.models import DisputeLevel
from disputes.services import dispute_escalate, dispute_raise
from fostering.services import carer_review_record, household_approve
from iro.services import iro_allocate
from protection.services import conference_book, plan_record, section47_start
from returns.models import ImportRun, ImportStatus, SsdImportRun, SsdImportStatus
from reviews.services import episode_record, lac_review_book
from tests.factories import ChildFactory, UserFactory

D = dt.date
# The paged lists of version 1 (docs/api.md).
V1 = [
    "/api/v1/children/",
    "/api/v1/deadlines/",
    "/api/v1/episodes/",
    "/api/v1/reviews/",
    "/api/v1/conferences/",
    "/api/v1/plans/",
    "/api/v1/disputes/",
    "/api/v1/carers/",
    "/api/v1/import-runs/",
    "/api/v1/outbox/",
]
# Every test using these records runs on this day (a Monday).
TODAY = dt.datetime(2025, 3, 31, 9, 0, tzinfo=dt.UTC)


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def looked_after(iro, child_id):
    """A child `iro` holds, looked after since 6 January 2025."""
    child = ChildFactory(child_id=child_id)
    iro_allocate(child=child, iro=iro, started_on=D(2025, 1, 6))
    episode_record(
        child=child,
        started_on=D(2025, 1, 6),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    return child


def case_records(*, held_by, chair, child_id, raised_by=None):
    """A child held by `held_by` with a review and an initial conference booked (both
    chaired by `chair`), a plan, and a challenge raised by `raised_by` (the holder if
    not given) and put to the first formal stage."""
    child = looked_after(held_by, child_id)
    lac_review_book(child=child, scheduled_for=at(D(2025, 4, 8)), venue="Civic Centre", chair=chair)
    section47_start(child=child, strategy_discussion_on=D(2025, 3, 24))
    conference_book(
        kind="initial",
        children=[child],
        scheduled_for=at(D(2025, 4, 9)),
        venue="Civic Centre, Room 2",
        chair=chair,
    )
    plan_record(child=child, started_on=D(2024, 11, 4), initial_category="NEG")
    dispute = dispute_raise(
        child=child,
        raised_by=raised_by or held_by,
        raised_on=D(2025, 3, 3),
        category="drift",
        summary="Permanence planning has drifted since the last review.",
    )
    dispute_escalate(
        dispute=dispute,
        level=DisputeLevel.objects.get(rank=1),
        addressee="Jo Manager",
        started_on=D(2025, 3, 10),
    )
    return child


def carer(reference):
    """An approved household with its first review held."""
    officer = UserFactory(username=f"ro-{reference.lower()}", first_name="Rita", last_name="Ro")
    household = household_approve(
        reference=reference,
        name="Alex and Sam Carer",
        approved_on=D(2024, 1, 8),
        reviewing_officer=officer,
    )
    carer_review_record(
        household=household,
        held_on=D(2025, 1, 6),
        reviewing_officer=officer,
        referred_to_panel=True,
        panel_on=D(2025, 1, 20),
    )
    return household


def import_runs(*, uploaded_by):
    """A returns upload loaded and an SSD extract loaded with one child added."""
    upload = ImportRun.objects.create(
        kind="ssda903",
        status=ImportStatus.SUCCEEDED,
        year=2024,
        uploaded_by=uploaded_by,
        finished_at=TODAY,
        summary={"added": 1, "changed": 0, "unchanged": 3},
    )
    extract = SsdImportRun.objects.create(
        source="/srv/ssd/tonight",
        status=SsdImportStatus.SUCCEEDED,
        finished_at=TODAY,
        years=[2024],
        changes=[{"table": "ssd_person", "kind": "added", "id": "P1", "child": "P1"}],
    )
    return upload, extract
