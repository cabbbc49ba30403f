"""Restricted records: the page that asks why before a restricted record opens, and the
managers' page that restricts a record or lifts it (iro.restricted)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.forms import form_page, posted
from core.permissions import require_object_perm, role_required
from core.two_factor import safe_next
from iro.forms import ChildRestrictionForm, RestrictedRecordOpenForm
from iro.models import Child
from iro.restricted import grant, grant_minutes
from iro.services import child_restriction_set

OPEN_UNASKED = "iro.open_child_unasked"
RESTRICT = "iro.restrict_child"


def _onward(request, child: Child) -> str:
    return safe_next(request, reverse("children:child_detail", args=[child.child_id]))


@role_required()
def restricted_open(request, child_id: str):
    """Someone who may not open the restricted record unasked gives their reason; the
    record then opens for them for a while, every page of it audited with the reason."""
    child = get_object_or_404(Child, child_id=child_id)
    if request.user.has_perm(OPEN_UNASKED, child):
        return redirect(_onward(request, child))
    form = RestrictedRecordOpenForm(posted(request), minutes=grant_minutes())

    def save(data):
        grant(request, child, data["reason"])
        return child

    return form_page(
        request,
        form,
        heading="This record is restricted",
        save=save,
        success_url=lambda _: _onward(request, child),
        caption=f"Child ID {child.child_id}",
        intro="Only the child's IRO and managers open this record without giving a reason. "
        "If your work needs you to open it, say why.",
    )


@role_required()
def child_restriction(request, child_id: str):
    """Restrict the record or lift the restriction, with the reason kept in its history."""
    child = get_object_or_404(Child, child_id=child_id)
    require_object_perm(request, RESTRICT, child)
    initial = {"restricted": "no" if child.restricted else "yes"}
    form = ChildRestrictionForm(posted(request), initial=initial)
    record = reverse("children:child_detail", args=[child.child_id])
    return form_page(
        request,
        form,
        heading=f"Who may open {child.full_name}'s record",
        save=lambda data: child_restriction_set(
            child=child, restricted=data["restricted"], reason=data["reason"], by=request.user
        ),
        success_url=record,
        success_message=lambda c: (
            "The record is restricted" if c.restricted else "The record is no longer restricted"
        ),
        back_url=record,
    )
