"""Foster carer households and their annual reviews in the browser.

Everyone in the unit may read; recording a review needs `fostering.add_fostercarerreview`
(business support and administrators, core.roles).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.dates import long_date
from core.deadlines import deadline_state
from core.forms import error_summary_items, form_page, posted
from core.history import corrections_of
from core.journeys import Journey, Step
from core.permissions import require_object_perm, require_perm, role_required
from core.services import today
from core.timescales import default_timescales
from fostering.forms import (
    ApprovalEndForm,
    CarerReviewCorrectForm,
    CarerReviewForm,
    CarerReviewWithdrawForm,
    HouseholdCorrectForm,
    HouseholdDetailsForm,
    HouseholdFilterForm,
    TermsChangeForm,
    TermsForm,
)
from fostering.models import CareType, FosterCarerHousehold, FosterCarerReview
from fostering.rules import carer_review_schedule
from fostering.selectors import (
    children_placed,
    household_formerly,
    is_first_review,
    reviewing_officer_conflicts,
    withdrawn_reviews,
)
from fostering.services import (
    CORRECTABLE,
    HOUSEHOLD_DETAILS,
    carer_review_correct,
    carer_review_record,
    carer_review_withdraw,
    household_approval_end,
    household_approve,
    household_details_correct,
    household_terms_change,
)
from iro.selectors import children_mask

# Who may correct or withdraw a recorded review (fostering/permissions.py).
CORRECT_REVIEW = "fostering.correct_carer_review"
# Who may correct a household's reference or names: those who record households.
CORRECT_DETAILS = "fostering.change_fostercarerhousehold"
# Shown when an old reference leads to the household (tests import it).
MOVED = "The household's reference is now {new} (it was {old})"


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
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("fostering.add_fostercarerhousehold"),
        },
    )


@role_required()
def household_detail(request, reference: str):
    """A household: approval, children placed now, reviews held and the next one due."""
    household = (
        FosterCarerHousehold.objects.select_related("reviewing_officer")
        .filter(reference=reference)
        .first()
    )
    if household is None:
        # A reference since corrected (an old bookmark or link) leads to the household.
        if (moved := household_formerly(reference)) is not None:
            messages.info(request, MOVED.format(old=reference, new=moved.reference))
            return redirect("fostering:household", moved.reference)
        raise Http404("No household has this reference")
    as_of = today()
    placed = children_mask(
        children_placed(household=household, on=as_of).order_by("last_name", "first_name"),
        user=request.user,
    )
    reviews = list(
        household.reviews.filter(held_on__isnull=False)
        .select_related("reviewing_officer")
        .prefetch_related("corrections__corrected_by")
        .order_by("-held_on")
    )
    user = request.user
    labels = {name: CarerReviewCorrectForm.base_fields[name].label for name in CORRECTABLE}
    rows = [
        {
            "review": review,
            "can_correct": user.has_perm(CORRECT_REVIEW, review),
            "corrections": [
                {
                    "correction": c,
                    "changes": [
                        (labels.get(name, name), _shown(before), _shown(after))
                        for name, (before, after) in c.changes.items()
                    ],
                }
                for c in review.corrections.all()
            ],
        }
        for review in reviews
    ]
    open_approval = household.approval_ended_on is None
    can_change = open_approval and user.has_perm("fostering.change_fostercarerhousehold")
    return render(
        request,
        "fostering/household_detail.html",
        {
            "household": household,
            "placed": placed,
            "reviews": rows,
            "withdrawn": list(withdrawn_reviews(household=household)),
            "terms_changes": list(household.terms_changes.select_related("recorded_by")),
            "state": _due_state(household.next_review_due, as_of),
            "first_due": not reviews and open_approval,
            "can_record": open_approval and user.has_perm("fostering.add_fostercarerreview"),
            "can_change": can_change,
            "any_correctable": any(row["can_correct"] for row in rows),
            "details_rows": [
                ("Reference", household.reference, "reference"),
                ("Carers' names", household.name, "name"),
            ],
            "can_correct_details": user.has_perm(CORRECT_DETAILS),
            "details_history": corrections_of(household, fields=HOUSEHOLD_DETAILS),
        },
    )


def _on(day: dt.date | None) -> str:
    return long_date(day) if day else "a date not recorded"


def _shown(value) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return value or "Not recorded"


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
    context: dict[str, Any] = {
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
            recorded_by=request.user,
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


# Adding a household: two question pages, then check your answers, then save. The answers
# are kept in the session as they were typed, so each page shows them again to change.
NEW_HOUSEHOLD = "fostering.new_household"
ADD_URLS = {"household": "fostering:add", "terms": "fostering:add_terms"}
ADD_JOURNEY = Journey(
    NEW_HOUSEHOLD,
    (
        Step("household", lambda data, answers: HouseholdDetailsForm(data)),
        Step("terms", lambda data, answers: TermsForm(data)),
    ),
)


def _can_add(request) -> None:
    require_perm(request, "fostering.add_fostercarerhousehold")


def _add_step(request, step: str, *, heading: str, intro=""):
    _can_add(request)
    form = ADD_JOURNEY.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        ADD_JOURNEY.keep(request, step, form)
        following = ADD_JOURNEY.following(request, step, skip_answered=False)
        return redirect(ADD_URLS[following] if following else "fostering:add_check")
    before = ADD_JOURNEY.previous(request, step)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": heading,
            "caption": "Add a foster household",
            "intro": intro,
            "back_url": reverse(ADD_URLS[before]) if before else reverse("fostering:list"),
            "error_list": error_summary_items(form) if request.method == "POST" else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required()
def household_add(request):
    """Question page 1 of adding a household: reference, names, approval date."""
    return _add_step(
        request,
        "household",
        heading="The household and its approval",
        intro="The first review will be due within a year of the date of approval, and its "
        "report must go to the fostering panel.",
    )


@role_required()
def household_add_terms(request):
    """Question page 2 of adding a household: the terms of approval."""
    return _add_step(
        request,
        "terms",
        heading="Terms of approval",
        intro="What the household is approved for: the number of children, their ages and "
        "the kinds of care.",
    )


def _summary_rows(details: dict, terms: dict) -> list[dict]:
    labels = dict(CareType.choices)
    ages = (
        f"{terms['age_from']} to {terms['age_to']}"
        if terms.get("age_from") is not None
        else "Any age"
    )
    return [
        {"key": "Household reference", "value": details["reference"], "step": "household"},
        {"key": "Carers' names", "value": details["name"], "step": "household"},
        {
            "key": "Date of approval",
            "value": long_date(details["approved_on"]),
            "step": "household",
        },
        {
            "key": "Reviewing officer",
            "value": str(details["reviewing_officer"] or "Not chosen yet"),
            "step": "household",
        },
        {"key": "Number of children", "value": str(terms["places"]), "step": "terms"},
        {"key": "Ages", "value": ages, "step": "terms"},
        {
            "key": "Kinds of care",
            "value": ", ".join(labels[k] for k in CareType.values if k in terms["care_types"]),
            "step": "terms",
        },
        {
            "key": "Other conditions",
            "value": terms.get("conditions") or "None",
            "step": "terms",
        },
    ]


@role_required()
def household_add_check(request):
    """Check your answers, then approve: the household and its first review due date."""
    _can_add(request)
    walk = ADD_JOURNEY.walk(request)
    if walk.unanswered:
        # Not answered yet, or no longer valid (another household took the reference):
        # the page to go back to shows the problem again.
        return render(
            request,
            "fostering/household_check.html",
            {"unfinished": reverse(ADD_URLS[walk.unanswered[0].slug])},
        )
    forms_ = {step.slug: form for step, form in walk.forms if form is not None}
    details, terms = forms_["household"].cleaned_data, forms_["terms"].cleaned_data
    errors: list[tuple[str, str]] = []
    first_due = carer_review_schedule(
        approved_on=details["approved_on"],
        held_reviews=[],
        approval_ended_on=None,
        timescales=default_timescales(),
    ).next_due
    if request.method == "POST":
        try:
            household = household_approve(
                reference=details["reference"],
                name=details["name"],
                approved_on=details["approved_on"],
                reviewing_officer=details["reviewing_officer"],
                places=terms["places"],
                age_from=terms["age_from"],
                age_to=terms["age_to"],
                care_types=terms["care_types"],
                terms_of_approval=terms["conditions"],
            )
        except ValidationError as error:
            step_of = {name: step for step, form in forms_.items() for name in form.fields}
            for field, texts in error.message_dict.items():
                step = step_of.get(field, "household")
                errors += [(reverse(ADD_URLS[step]), text) for text in texts]
        else:
            ADD_JOURNEY.clear(request)
            messages.success(request, _approved_message(household))
            return redirect("fostering:household", household.reference)
    return render(
        request,
        "fostering/household_check.html",
        {
            "rows": _summary_rows(details, terms),
            "change_urls": {step: reverse(url) for step, url in ADD_URLS.items()},
            "errors": errors,
            "first_due": first_due,
            "first_overdue": first_due is not None and first_due.on < today(),
        },
        status=400 if errors else 200,
    )


def _approved_message(household: FosterCarerHousehold) -> str:
    text = f"{household.name} ({household.reference}) added."
    if household.next_review_due:
        text += (
            f" First review due by {long_date(household.next_review_due)}: to panel within a "
            f"year of approval on {long_date(household.approved_on)}."
        )
    return text


def _changeable_household(request, reference: str) -> FosterCarerHousehold:
    require_perm(request, "fostering.change_fostercarerhousehold")
    household = get_object_or_404(FosterCarerHousehold, reference=reference)
    if household.approval_ended_on is not None:
        raise Http404("The household's approval has ended")
    return household


def _household_url(household: FosterCarerHousehold) -> str:
    return reverse("fostering:household", args=[household.reference])


@role_required()
def household_details_correct_view(request, reference: str):
    """Correct the household's reference or carers' names, with a reason; the page then
    lives at the new reference."""
    require_perm(request, CORRECT_DETAILS)
    household = get_object_or_404(FosterCarerHousehold, reference=reference)
    form = HouseholdCorrectForm(
        posted(request),
        household=household,
        current={f: getattr(household, f) for f in HOUSEHOLD_DETAILS},
    )
    return form_page(
        request,
        form,
        heading="Correct the household's details",
        caption=f"{household.name} ({household.reference})",
        intro="The household's history keeps what the details were before, who corrected "
        "them and why. If the reference changes, the household's pages move to it.",
        back_url=_household_url(household),
        save=lambda data: household_details_correct(
            household=household,
            reference=data["reference"],
            name=data["name"],
            reason=data["reason"],
            by=request.user,
        ),
        success_url=_household_url,
        success_message=lambda h: f"{h.name} ({h.reference}) corrected",
    )


@role_required()
def household_terms_change_view(request, reference: str):
    """Record a change to the terms of approval; the next review stays where it was."""
    household = _changeable_household(request, reference)
    form = TermsChangeForm(
        posted(request),
        household=household,
        initial={
            "changed_on": today(),
            "places": household.places,
            "age_from": household.age_from,
            "age_to": household.age_to,
            "care_types": household.care_types,
            "conditions": household.terms_of_approval,
        },
    )
    intro = f"The terms now: {household.terms_summary or 'not recorded'}."
    if household.next_review_due:
        intro += (
            " A change of terms does not move the next review: it stays due by "
            f"{long_date(household.next_review_due)}."
        )

    def message(change) -> str:
        text = f"Terms of approval changed from {long_date(change.changed_on)}."
        if household.next_review_due:
            text += f" The next review is still due by {long_date(household.next_review_due)}."
        return text

    return form_page(
        request,
        form,
        heading="Change the terms of approval",
        caption=f"{household.name} ({household.reference})",
        intro=intro,
        back_url=_household_url(household),
        save=lambda data: household_terms_change(
            household=household,
            changed_on=data["changed_on"],
            reason=data["reason"],
            places=data["places"],
            age_from=data["age_from"],
            age_to=data["age_to"],
            care_types=data["care_types"],
            conditions=data["conditions"],
            changed_by=request.user,
        ),
        success_url=_household_url(household),
        success_message=message,
    )


@role_required()
def household_approval_end_view(request, reference: str):
    """End the approval (the carers resigned, or the service ended it), with the reason."""
    household = _changeable_household(request, reference)
    form = ApprovalEndForm(posted(request), household=household, initial={"ended_on": today()})
    return form_page(
        request,
        form,
        heading="End the approval",
        caption=f"{household.name} ({household.reference})",
        intro="No review is due once the approval has ended. The household and its reviews "
        "stay on record.",
        back_url=_household_url(household),
        save=lambda data: household_approval_end(
            household=household,
            ended_on=data["ended_on"],
            kind=data["kind"],
            reason=data["reason"],
        ),
        success_url=_household_url(household),
        success_message=lambda h: f"Approval ended on {_on(h.approval_ended_on)}.",
    )


def _review_to_correct(request, reference: str, pk: int) -> FosterCarerReview:
    review = get_object_or_404(
        FosterCarerReview.objects.select_related("household", "reviewing_officer"),
        pk=pk,
        household__reference=reference,
        held_on__isnull=False,
    )
    require_object_perm(request, CORRECT_REVIEW, review)
    return review


@role_required()
def carer_review_correct_view(request, reference: str, pk: int):
    """Correct a recorded review, with a reason; what it said before is kept."""
    review = _review_to_correct(request, reference, pk)
    household = review.household
    form = CarerReviewCorrectForm(
        posted(request),
        household=household,
        first=review.is_first,
        officer_id=review.reviewing_officer_id,
        initial={
            "held_on": review.held_on,
            "reviewing_officer": review.reviewing_officer_id,
            "referred_to_panel": review.referred_to_panel,
            "panel_on": review.panel_on,
            "recommendation": review.recommendation,
        },
    )

    def save(data):
        correction, warnings = carer_review_correct(
            review=review,
            corrected_by=request.user,
            reason=data["reason"],
            held_on=data["held_on"],
            reviewing_officer=data["reviewing_officer"],
            referred_to_panel=data["referred_to_panel"],
            panel_on=data["panel_on"],
            recommendation=data["recommendation"],
        )
        for warning in warnings:
            messages.warning(request, warning)
        return correction

    def message(correction) -> str:
        household.refresh_from_db(fields=["next_review_due"])
        text = f"Review of {long_date(correction.review.held_on)} corrected."
        if household.next_review_due:
            text += f" The next review is due by {long_date(household.next_review_due)}."
        return text

    return form_page(
        request,
        form,
        heading="Correct the review",
        caption=f"{household.name} ({household.reference})",
        intro=f"The review held on {_on(review.held_on)}.",
        back_url=_household_url(household),
        save=save,
        success_url=_household_url(household),
        success_message=message,
    )


@role_required()
def carer_review_withdraw_view(request, reference: str, pk: int):
    """Withdraw a review recorded in error: kept on record, no longer counted."""
    review = _review_to_correct(request, reference, pk)
    household = review.household

    def message(review) -> str:
        household.refresh_from_db(fields=["next_review_due", "next_review_reason"])
        text = f"Review of {long_date(review.held_on)} withdrawn."
        if household.next_review_due:
            text += (
                f" The next review is due by {long_date(household.next_review_due)}: "
                f"{household.next_review_reason}."
            )
        return text

    return form_page(
        request,
        CarerReviewWithdrawForm(posted(request)),
        heading="Withdraw the review",
        caption=f"{household.name} ({household.reference})",
        intro=f"The review held on {_on(review.held_on)}. It stays on the household's "
        "record, but leaves the review schedule and the figures, so the next review is worked "
        "out again without it.",
        back_url=_household_url(household),
        save=lambda data: carer_review_withdraw(
            review=review, withdrawn_by=request.user, reason=data["reason"]
        ),
        success_url=_household_url(household),
        success_message=message,
    )
