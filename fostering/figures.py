"""The foster carer review figures of the annual IRO report."""

from __future__ import annotations

from django.db.models import Count, F, Q

from core.dates import year_end, year_start

from .models import FosterCarerReview


def carer_reviews_in(year: int) -> dict[str, int]:
    """Carer reviews held in the year, those held by their due date, and those referred to
    the fostering panel (every first review must be)."""
    return FosterCarerReview.objects.filter(
        held_on__range=(year_start(year), year_end(year))
    ).aggregate(
        reviews_held=Count("pk"),
        reviews_in_time=Count("pk", filter=Q(held_on__lte=F("due_on"))),
        referred_to_panel=Count("pk", filter=Q(referred_to_panel=True)),
        first_reviews=Count("pk", filter=Q(is_first=True)),
    )
