"""Clear the case data (and its history) the demo replaces. Settings and people stay."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models

from disputes.models import Dispute, DisputeStage
from fostering.models import FosterCarerHousehold, FosterCarerReview
from iro.models import Child, Family, IROAllocation
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitation,
    Section47Enquiry,
)
from reviews.models import (
    AdoptionPlacement,
    Episode,
    IROContact,
    LookedAfterReview,
    PeriodOfCare,
    PlacementOrder,
    ReviewDecision,
)

# Children of each row first, so nothing is left pointing at a deleted row.
CASE_DATA: list[type[models.Model]] = [
    DisputeStage,
    Dispute,
    ConferenceInvitation,
    ConferenceChild,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
    ReviewDecision,
    LookedAfterReview,
    IROContact,
    Episode,
    PlacementOrder,
    AdoptionPlacement,
    PeriodOfCare,
    FosterCarerReview,
    FosterCarerHousehold,
    IROAllocation,
    Child,
    Family,
]


def case_models() -> list[type[models.Model]]:
    """CASE_DATA, and before it every other model that points at a case row.

    Tables added since CASE_DATA was written (an import's records, say) are found by
    their foreign keys, so clearing never leaves a row pointing at a deleted child.
    """
    ordered = list(CASE_DATA)
    for model in CASE_DATA:
        history = getattr(model, "history", None)
        if history is not None:
            ordered.append(history.model)
    found = set(ordered)
    while True:
        pointing = [
            model
            for model in apps.get_models()
            if model not in found
            and model._meta.managed
            and not model._meta.proxy
            and any(f.is_relation and f.related_model in found for f in model._meta.concrete_fields)
        ]
        if not pointing:
            return ordered
        ordered[:0] = pointing
        found.update(pointing)


def case_data_clear() -> int:
    """Delete every case row and its audit history; return how many rows went.

    Plain DELETEs, referring rows first: the model delete would fetch every row and
    write a history row for each, only for the history to be wiped straight after.
    """
    deleted = 0
    with connection.cursor() as cursor:
        for model in case_models():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            deleted += max(cursor.rowcount, 0)
    return deleted
