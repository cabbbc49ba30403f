"""The challenge (dispute resolution) figures of the annual IRO report."""

from __future__ import annotations

from django.db.models import Count, Q

from core.dates import default_calendar, working_days_between, year_end, year_start

from .models import Dispute, DisputeCategory, DisputeLevel, DisputeStatus


def disputes_in(year: int) -> dict:
    """Challenges raised in the year by category and route, those resolved in the year by
    the level that resolved them, the working days they took, and Cafcass referrals."""
    start, end = year_start(year), year_end(year)
    raised = Dispute.objects.filter(raised_on__range=(start, end))
    counts = raised.aggregate(
        raised=Count("pk"),
        went_formal=Count("pk", filter=Q(formal_due_on__isnull=False)),
        **{c: Count("pk", filter=Q(category=c)) for c in DisputeCategory.values},
    )
    resolved = Dispute.objects.filter(
        status=DisputeStatus.RESOLVED, resolved_on__range=(start, end)
    )
    by_level = resolved.aggregate(
        informal=Count("pk", filter=Q(resolved_at_level__isnull=True)),
        **{
            f"level_{level.rank}": Count("pk", filter=Q(resolved_at_level=level))
            for level in DisputeLevel.objects.all()
        },
    )
    names = dict(DisputeLevel.objects.values_list("rank", "name"))
    calendar = default_calendar()
    # One row per resolved challenge: working days are a calendar rule, not SQL.
    durations = sorted(
        working_days_between(raised_on, resolved_on, calendar)
        for raised_on, resolved_on in resolved.values_list("raised_on", "resolved_on")
    )
    return {
        "raised": counts["raised"],
        "informal_only": counts["raised"] - counts["went_formal"],
        "formal": counts["went_formal"],
        "by_category": {c: counts[c] for c in DisputeCategory.values},
        "resolved": len(durations),
        "resolved_at": {"informal": by_level.pop("informal")}
        | {names[int(k.split("_")[1])]: v for k, v in by_level.items()},
        "median_working_days_to_resolve": durations[len(durations) // 2] if durations else None,
        "resolved_within_20_working_days": sum(1 for d in durations if d <= 20),
        "cafcass_referrals": Dispute.objects.filter(
            cafcass_referred_on__range=(start, end)
        ).count(),
    }
