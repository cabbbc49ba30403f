"""Foster carer households and their annual reviews in the browser.

Everyone in the unit may read; recording a review needs `fostering.add_fostercarerreview`
(business support and administrators, core.roles).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.dates import long_date
from core.deadlines import deadline_state
from core.forms import form_page, posted
from core.permissions import role_required
from core.services import today
from fostering.forms import CarerReviewForm, HouseholdFilterForm
from fostering.models import FosterCarerHousehold
from fostering.selectors import children_placed, is_first_review, reviewing_officer_conflicts
from fostering.services import carer_review_record


def _due_state(due: dt.date | None, as_of: dt.date) -> str:
    """The state's word for the templates' tags: overdue, soon, or nothing."""
    state = deadline_state(due, as_of=as_of)
    if state is None:
        return ""
    if state.overdue:
        return "overdue"
    return "soon" if state.soon else ""


@role_required()
def household_list(request):
    """Approved carers with their next review and why, the most pressing first."""
    form = HouseholdFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    as_of = today()
    households = FosterCarerHousehold.objects.select_related("reviewing_officer")
    approval = data.get("approval", "")
    if approval == "ended":
        households = households.filter(approval_ended_on__isnull=False)
    elif approval != "all":
        households = households.filter(approval_ended_on__isnull=True)
    if q := data.get("q"):
        households = households.filter(Q(reference__icontains=q) | Q(name__icontains=q))
    due = data.get("due", "")
    if due == "overdue":
        households = households.filter(next_review_due__lt=as_of)
    elif due.isdigit():
        households = households.filter(next_review_due__lte=as_of + dt.timedelta(days=int(due)))
    households = households.order_by(F("next_review_due").asc(nulls_last=True), "name", "reference")
    page = Paginator(households, 25).get_page(request.GET.get("page"))
    rows = [
        {"household": h, "state": _due_state(h.next_review_due, as_of)} for h in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fostering/household_list.html",
        {"form": form, "rows": rows, "page": page, "query": query.urlencode()},
    )


@role_required()
def household_detail(request, reference: str):
    """A household: approval, children placed now, reviews held and the next one due."""
    household = get_object_or_404(
        FosterCarerHousehold.objects.select_related("reviewing_officer"), reference=reference
    )
    as_of = today()
    placed = list(
        children_placed(household=household, on=as_of).order_by("last_name", "first_name")
    )
    reviews = list(
        household.reviews.filter(held_on__isnull=False)
        .select_related("reviewing_officer")
        .order_by("-held_on")
    )
    return render(
        request,
        "fostering/household_detail.html",
        {
            "household": household,
            "placed": placed,
            "reviews": reviews,
            "state": _due_state(household.next_review_due, as_of),
            "first_due": not reviews and household.approval_ended_on is None,
            "can_record": request.user.has_perm("fostering.add_fostercarerreview"),
        },
    )


def _conflict_text(officer, child) -> str:
    return (
        f"{officer} is the IRO of {child.full_name} ({child.child_id}), who is placed with "
        "these carers. The unit keeps carer reviews apart from the IROs of children placed "
        "there, so choose another reviewing officer if you can."
    )


@role_required()
def carer_review_create(request, reference: str):
    """Record a review meeting; warn before saving if the officer is a placed child's IRO."""
    if not request.user.has_perm("fostering.add_fostercarerreview"):
        raise PermissionDenied
    household = get_object_or_404(FosterCarerHousehold, reference=reference)
    first = is_first_review(household=household)
    form = CarerReviewForm(
        posted(request),
        household=household,
        first=first,
        initial={"held_on": today(), "reviewing_officer": household.reviewing_officer_id},
    )
    context = {
        "heading": "Record a review",
        "caption": f"{household.name} ({household.reference})",
        "back_url": reverse("fostering:household", args=[household.reference]),
    }
    if household.next_review_due:
        context["intro"] = (
            f"The next review is due by {long_date(household.next_review_due)}: "
            f"{household.next_review_reason}."
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        conflicts = list(
            reviewing_officer_conflicts(
                household=household, officer=data["reviewing_officer"], on=data["held_on"]
            )
        )
        if conflicts:
            form.ask_to_confirm(data["reviewing_officer"])
            context["warnings"] = [_conflict_text(data["reviewing_officer"], c) for c in conflicts]
            if not data["confirm_conflict"]:
                return render(request, "form_page.html", {"form": form, **context})

    def save(data):
        review, warnings = carer_review_record(
            household=household,
            held_on=data["held_on"],
            reviewing_officer=data["reviewing_officer"],
            referred_to_panel=data["referred_to_panel"],
            panel_on=data["panel_on"],
            recommendation=data["recommendation"],
        )
        household.refresh_from_db(fields=["next_review_due"])
        text = f"Review of {long_date(review.held_on)} recorded."
        if household.next_review_due:
            text += f" The next review is due by {long_date(household.next_review_due)}."
        messages.success(request, text)
        for warning in warnings:
            messages.warning(request, warning)
        return review

    return form_page(
        request,
        form,
        save=save,
        success_url=reverse("fostering:household", args=[household.reference]),
        **context,
    )
