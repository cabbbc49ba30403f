from django.shortcuts import get_object_or_404, render

from core.permissions import role_required
from reviews.models import ReviewStatus

from .models import Child


@role_required()
def child_detail(request, child_id: str):
    """A child's record: who holds them, and what is due next and why."""
    child = get_object_or_404(Child.objects.select_related("family"), child_id=child_id)
    allocation = child.allocations.filter(ended_on__isnull=True).select_related("iro__user").first()
    periods = list(child.periods_of_care.order_by("-first_recorded_on"))
    reviews = list(
        child.lac_reviews.filter(status=ReviewStatus.HELD)
        .select_related("chair__user")
        .order_by("-held_on")[:10]
    )
    plans = list(child.cp_plans.order_by("-started_on"))
    enquiries = list(child.section47_enquiries.order_by("-strategy_discussion_on"))
    disputes = list(
        child.disputes.select_related("resolved_at_level").prefetch_related("stages__level")
    )
    contacts = list(child.iro_contacts.select_related("iro__user")[:5])
    return render(
        request,
        "iro/child_detail.html",
        {
            "child": child,
            "allocation": allocation,
            "periods": periods,
            "reviews": reviews,
            "plans": plans,
            "enquiries": enquiries,
            "disputes": disputes,
            "contacts": contacts,
        },
    )
