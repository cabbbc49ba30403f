"""Correct a child's own details (names, date of birth or the birth itself, sex,
ethnicity, UPN, disability) from the "Change" links on their record, saying why."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.forms import form_page, posted
from core.permissions import require_object_perm, role_required
from iro.forms import ChildDetailsCorrectForm
from iro.models import Child
from iro.selectors import child_details_history, detail_shown
from iro.services import CHILD_DETAILS, child_details_correct

# Who may correct a child's details (iro/permissions.py).
CORRECT_DETAILS = "iro.correct_child_details"


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
    ]


def details_on_record(*, user, child: Child) -> dict:
    """The record page's part: the child's details, may this person correct them, and the
    corrections made."""
    return {
        "details_rows": _details_rows(child),
        "can_correct_details": user.has_perm(CORRECT_DETAILS, child),
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
