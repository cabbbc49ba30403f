"""Reads for people and allocation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q

from .models import IndependentReviewingOfficer


@dataclass(frozen=True)
class Caseload:
    iro: IndependentReviewingOfficer
    children: int

    @property
    def per_fte(self) -> Decimal:
        return (Decimal(self.children) / self.iro.fte).quantize(Decimal("0.1"))

    @property
    def above_range(self) -> bool:
        return self.per_fte > settings.OVERSIGHT_CASELOAD_RANGE[1]

    @property
    def below_range(self) -> bool:
        return self.per_fte < settings.OVERSIGHT_CASELOAD_RANGE[0]


def caseloads() -> list[Caseload]:
    """Each active IRO's current caseload, derived from open allocations (one query)."""
    iros = (
        IndependentReviewingOfficer.objects.filter(active=True)
        .select_related("user")
        .annotate(children=Count("allocations", filter=Q(allocations__ended_on__isnull=True)))
    )
    return [Caseload(iro=i, children=i.children) for i in iros]
