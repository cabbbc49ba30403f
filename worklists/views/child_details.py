"""Correct a child's own details (names, date of birth or the birth itself, sex,
ethnicity, UPN, disability) from the "Change" links on their record, saying why."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.dates import long_date
from core.forms import form_page, posted
from core.permissions import require_object_perm, role_required
from iro.forms import ChildDetailsCorrectForm, LegalHoldForm
from iro.models import Child
from iro.selectors import child_details_history, detail_shown
from iro.services import CHILD_DETAILS, child_details_correct, child_legal_hold_set

# Who may correct a child's details, and put a child on legal hold (iro/permissions.py).
CORRECT_DETAILS = "iro.correct_child_details"
SET_LEGAL_HOLD = "iro.set_legal_hold"


def legal_hold_shown(child: Child) -> str:
    if not child.legal_hold:
        return "No"
    since = f" since {long_date(child.legal_hold_set_on)}" if child.legal_hold_set_on else ""
    return f"On legal hold{since}: {child.legal_hold_reason}"


def _details_rows(child: Child) -> list[tuple[str, str, str]]:
    """(what, value, the form field its "Change" link goes to, or "" for none)."""
    if child.date_of_birth is not None:
        born = [
            ("Date of birth", detail_shown("date_of_birth", child.date_of_birth), "date_of_birth_0")
        ]
    else:
        born = [
            (
                "Expected date of birth",
                detail_shown("expected_date_of_birth", child.expected_date_of_birth),
                "expected_date_of_birth_0",
            ),
            ("Date of birth", "Not born yet", "date_of_birth_0"),
        ]
    return [
        ("Name", child.full_name, "first_name"),
        *born,
        ("Sex", detail_shown("sex", child.sex), "sex_1"),
        (
            "Ethnicity",
            f"{detail_shown('ethnicity', child.ethnicity)} ({child.ethnicity})",
            "ethnicity",
        ),
        ("UPN", detail_shown("upn", child.upn), "upn"),
        ("Disability", detail_shown("disability", child.disability), "disability_1"),
        ("Council child ID", child.child_id, ""),
        ("Family", str(child.family) if child.family else "None", ""),
        ("Legal hold", legal_hold_shown(child), ""),
        *(
            [("Anonymised", f"On {long_date(child.anonymised_on)} (the retention schedule)", "")]
            if child.anonymised_on
            else []
        ),
    ]


def details_on_record(*, user, child: Child) -> dict:
    """The record page's part: the child's details, may this person correct them, and the
    corrections made."""
    return {
        "details_rows": _details_rows(child),
        "can_correct_details": user.has_perm(CORRECT_DETAILS, child),
        "can_set_legal_hold": user.has_perm(SET_LEGAL_HOLD, child),
        "details_history": child_details_history(child=child, fields=CHILD_DETAILS),
    }


@role_required()
def child_details_correct_view(request, child_id: str):
    """The child's details as held, to correct with a reason; the old values are kept."""
    child = get_object_or_404(Child, child_id=child_id)
    require_object_perm(request, CORRECT_DETAILS, child)
    form = ChildDetailsCorrectForm(
        posted(request), child=child, current={f: getattr(child, f) for f in CHILD_DETAILS}
    )
    record = reverse("children:child_detail", args=[child.child_id])

    def save(data):
        details = {f: data[f] for f in CHILD_DETAILS}
        return child_details_correct(
            child=child,
            **details,
            reason=data["reason"],
            different_child=bool(data.get("different_child")),
            by=request.user,
        )

    return form_page(
        request,
        form,
        heading=f"Correct {child.full_name}'s details",
        caption=f"Child {child.child_id}",
        intro="The child's history keeps what the details were before, who corrected them and why.",
        back_url=record,
        save=save,
        success_url=f"{record}#child-details",
        success_message=lambda c: f"{c.full_name}'s details corrected",
    )


@role_required()
def child_legal_hold_view(request, child_id: str):
    """Put the child on legal hold (kept from the retention job), or take them off it,
    with a reason kept in the child's history."""
    child = get_object_or_404(Child, child_id=child_id)
    require_object_perm(request, SET_LEGAL_HOLD, child)
    on = not child.legal_hold
    form = LegalHoldForm(posted(request), on=on)
    record = reverse("children:child_detail", args=[child.child_id])

    def save(data):
        return child_legal_hold_set(child=child, on=on, reason=data["reason"], by=request.user)

    return form_page(
        request,
        form,
        heading=(
            f"Put {child.full_name} on legal hold"
            if on
            else f"Take {child.full_name} off legal hold"
        ),
        caption=f"Child {child.child_id}",
        intro=(
            "A child on legal hold is never anonymised, however old their records are."
            if on
            else "Off legal hold, the child's records are anonymised once their keeping "
            "period is over."
        ),
        back_url=record,
        save=save,
        success_url=f"{record}#child-details",
        success_message=lambda c: (
            f"{c.full_name} is on legal hold"
            if c.legal_hold
            else f"{c.full_name} is off legal hold"
        ),
    )
