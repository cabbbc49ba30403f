"""Challenges (the IRO dispute resolution process) in the browser.

Every signed-in member of the unit may read; writing needs the model permission each
role holds (core.roles): IROs and administrators act, the others see.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.dates import default_calendar, long_date
from core.deadlines import deadline_state
from core.forms import form_page, posted
from core.permissions import require_object_perm, require_perm, role_required
from core.services import today
from core.timescales import default_timescales
from disputes.forms import (
    CafcassReferralForm,
    DisputeCorrectForm,
    DisputeEscalateForm,
    DisputeFilterForm,
    DisputeRaiseForm,
    DisputeResolveForm,
    DisputeWithdrawForm,
    StageCorrectForm,
    StageResponseForm,
)
from disputes.models import Dispute, DisputeCorrection, DisputeStatus, StageOutcome
from disputes.selectors import (
    awaiting_stage,
    clock,
    dispute_detail,
    dispute_list,
    formal_clock,
    last_stage,
    levels_to_escalate_to,
)
from disputes.services import (
    dispute_correct,
    dispute_escalate,
    dispute_raise,
    dispute_refer_to_cafcass,
    dispute_resolve,
    dispute_stage_correct,
    dispute_stage_respond,
    dispute_withdraw,
)
from iro.models import Child
from iro.selectors import children_mask

# Who may act on a challenge (disputes/permissions.py): its IRO, or a manager.
ACT_ON_DISPUTE = "disputes.act_on_dispute"
# A correction's fields in words, as its record on the challenge page shows them.
CORRECTED_LABELS = {
    "category": "What it is about",
    "summary": "The concern",
    "raised_on": "Date raised",
    "addressee": "Addressed to",
    "started_on": "Date of the escalation",
    "responded_on": "Date of the response",
    "response": "The response",
}


def _overdue(due, as_of) -> bool:
    state = deadline_state(due, as_of=as_of)
    return state is not None and state.overdue


def _open_dispute(request, pk: int, permission: str) -> Dispute:
    """The challenge to act on, if the person may act on it."""
    require_perm(request, permission)
    try:
        dispute = dispute_detail(pk=pk)
    except Dispute.DoesNotExist:
        raise Http404("No such challenge") from None
    require_object_perm(request, ACT_ON_DISPUTE, dispute)
    return dispute


def _back(dispute: Dispute) -> str:
    return reverse("disputes:detail", args=[dispute.pk])


def _caption(dispute: Dispute) -> str:
    return f"{dispute.child.full_name}, child {dispute.child.child_id}"


def _challenge_child(dispute):
    return dispute.child


@role_required()
def dispute_list_view(request):
    """Challenges, open ones first: the stage each has reached and both of its clocks."""
    params = request.GET.copy()
    mine = getattr(request.user, "iro_profile", None)
    if "iro" not in params and mine is not None:
        params["iro"] = str(mine.pk)  # an IRO starts with their own; "Any IRO" is a choice
    form = DisputeFilterForm(params)
    form.is_valid()
    data = form.cleaned_data
    iro = data.get("iro")
    disputes = dispute_list(
        status=data.get("status", ""), category=data.get("category", ""), raised_by=iro
    )
    page = Paginator(disputes, 25).get_page(request.GET.get("page"))
    as_of = today()
    calendar = default_calendar()
    rows = []
    for dispute in children_mask(page.object_list, user=request.user, child_of=_challenge_child):
        awaiting = dispute.is_open and dispute.stage_due_on and not dispute.stage_responded_on
        rows.append(
            {
                "dispute": dispute,
                "stage_clock": (
                    clock(dispute.stage_due_on, as_of=as_of, calendar=calendar)
                    if awaiting
                    else None
                ),
                "formal_clock": formal_clock(dispute, as_of=as_of),
            }
        )
    params.pop("page", None)
    return render(
        request,
        "disputes/dispute_list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "iro": iro,
            "query": params.urlencode(),
        },
    )


@role_required()
def dispute_detail_view(request, pk: int):
    """One challenge: the concern, every stage with its deadline, and the formal clock."""
    try:
        dispute = dispute_detail(pk=pk)
    except Dispute.DoesNotExist:
        raise Http404("No such challenge") from None
    as_of = today()
    calendar = default_calendar()
    stages = []
    for stage in dispute.stages.all():
        waiting = stage.responded_on is None and stage.outcome == StageOutcome.AWAITING
        stages.append(
            {
                "stage": stage,
                "reason": stage.response_due_reason,
                "clock": clock(stage.response_due_on, as_of=as_of, calendar=calendar)
                if waiting and dispute.is_open
                else None,
                "late": stage.responded_on is not None
                and stage.responded_on > stage.response_due_on,
            }
        )
    events = [{"kind": "raised", "on": dispute.raised_on, "order": (0, 0)}]
    for row in stages:
        stage = row["stage"]
        events.append(
            {"kind": "stage", "on": stage.started_on, "order": (1, stage.level.rank), **row}
        )
    if dispute.cafcass_referred_on:
        events.append({"kind": "cafcass", "on": dispute.cafcass_referred_on, "order": (2, 0)})
    if not dispute.is_open:
        events.append({"kind": dispute.status, "on": dispute.resolved_on, "order": (3, 0)})
    # Newest first, as the MoJ timeline shows events; a closing event without a date
    # (loaded from elsewhere) goes on top.
    events.sort(key=lambda e: (e["on"] or dt.date.max, e["order"]), reverse=True)
    user = request.user
    may_act = user.has_perm(ACT_ON_DISPUTE, dispute)
    is_open = dispute.is_open and may_act
    corrections = list(
        DisputeCorrection.objects.filter(dispute=dispute)
        .select_related("corrected_by", "stage__level")
        .order_by("-created_at", "-pk")
    )
    awaiting = awaiting_stage(dispute=dispute)
    return render(
        request,
        "disputes/dispute_detail.html",
        {
            "dispute": dispute,
            "events": events,
            "current": last_stage(dispute=dispute),
            "clock": formal_clock(dispute, as_of=as_of),
            "formal_reason": dispute.formal_due_reason,
            "awaiting": awaiting,
            "awaiting_overdue": awaiting is not None
            and is_open
            and _overdue(awaiting.response_due_on, as_of),
            "can_escalate": is_open
            and user.has_perm("disputes.add_disputestage")
            and levels_to_escalate_to(dispute=dispute).exists(),
            "can_respond": awaiting is not None
            and is_open
            and user.has_perm("disputes.change_disputestage"),
            "can_close": is_open and user.has_perm("disputes.change_dispute"),
            "can_refer": dispute.cafcass_referred_on is None
            and user.has_perm("disputes.change_dispute")
            and may_act,
            "can_correct": may_act,
            "corrections": [
                {
                    "correction": c,
                    "changes": [
                        (CORRECTED_LABELS.get(name, name), before or "Not recorded", after)
                        for name, (before, after) in c.changes.items()
                    ],
                }
                for c in corrections
            ],
        },
    )


@role_required()
def dispute_raise_view(request, child_id: str):
    """An IRO raises a challenge for a child. It starts informally (IRO Handbook 6.4)."""
    require_perm(request, "disputes.add_dispute")
    raised_by = getattr(request.user, "iro_profile", None)
    if raised_by is None:
        raise PermissionDenied  # the individual IRO raises a challenge, nobody else
    child = get_object_or_404(Child, child_id=child_id)
    require_object_perm(request, "disputes.raise_dispute", child)
    form = DisputeRaiseForm(posted(request), initial={"raised_on": today()})
    return form_page(
        request,
        form,
        heading="Raise a challenge",
        caption=f"{child.full_name}, child {child.child_id}",
        intro="A challenge starts informally. You can escalate it to a formal stage "
        "from its page if it is not resolved.",
        back_url=reverse("children:child_detail", args=[child.child_id]),
        save=lambda data: dispute_raise(child=child, raised_by=raised_by, **data),
        success_url=lambda dispute: reverse("disputes:detail", args=[dispute.pk]),
        success_message="Challenge raised",
    )


@role_required()
def dispute_escalate_view(request, pk: int):
    """Put the challenge to a formal level: skipping allowed, never back down."""
    dispute = _open_dispute(request, pk, "disputes.add_disputestage")
    levels = levels_to_escalate_to(dispute=dispute)
    form = DisputeEscalateForm(posted(request), levels=levels, initial={"started_on": today()})
    first = dispute.status == DisputeStatus.INFORMAL
    if first or dispute.formal_due_on is None:
        intro = (
            "This starts the formal process, which should end within "
            f"{default_timescales().dispute_formal_total_working_days} working days "
            "(IRO Handbook 6.2). Each stage's response is due within its level's working days."
        )
    else:
        intro = (
            f"The whole formal process should still end by {long_date(dispute.formal_due_on)}. "
            "Each stage's response is due within its level's working days."
        )
    return form_page(
        request,
        form,
        heading="Escalate the challenge",
        caption=_caption(dispute),
        intro=intro,
        back_url=_back(dispute),
        save=lambda data: dispute_escalate(dispute=dispute, **data),
        success_url=_back(dispute),
        success_message=lambda stage: (
            f"Escalated to {stage.level.name.lower()}: response due "
            f"{long_date(stage.response_due_on)}"
        ),
    )


@role_required()
def stage_respond_view(request, pk: int):
    """Record the response to the stage that is waiting for one."""
    dispute = _open_dispute(request, pk, "disputes.change_disputestage")
    stage = awaiting_stage(dispute=dispute)
    if stage is None:
        raise Http404("No stage is waiting for a response")
    form = StageResponseForm(posted(request), initial={"responded_on": today()})
    return form_page(
        request,
        form,
        heading=f"Record the response from {stage.level.name.lower()}",
        caption=_caption(dispute),
        intro=f"Escalated to {stage.addressee} on {long_date(stage.started_on)}. Their response "
        f"{'was' if _overdue(stage.response_due_on, today()) else 'is'} due by "
        f"{long_date(stage.response_due_on)}.",
        back_url=_back(dispute),
        save=lambda data: dispute_stage_respond(stage=stage, **data),
        success_url=_back(dispute),
        success_message="Response recorded",
    )


@role_required()
def dispute_resolve_view(request, pk: int):
    """Close the challenge as resolved, at the level it reached (or informally)."""
    dispute = _open_dispute(request, pk, "disputes.change_dispute")
    last = last_stage(dispute=dispute)
    kept = last is not None and last.responded_on is not None
    form = DisputeResolveForm(posted(request), response_kept=kept, initial={"resolved_on": today()})
    if last is None:
        heading, intro = "Resolve the challenge informally", ""
    else:
        heading = f"Record the resolution at {last.level.name.lower()}"
        intro = (
            f"The response from {last.addressee} on {long_date(last.responded_on)} "
            "is kept as the outcome."
            if kept
            else ""
        )

    def save(data):
        outcome = last.response if kept else data["outcome"]
        return dispute_resolve(dispute=dispute, resolved_on=data["resolved_on"], outcome=outcome)

    return form_page(
        request,
        form,
        heading=heading,
        caption=_caption(dispute),
        intro=intro,
        back_url=_back(dispute),
        save=save,
        success_url=_back(dispute),
        success_message="Challenge resolved",
    )


@role_required()
def dispute_cafcass_view(request, pk: int):
    """Record a referral to Cafcass, which may be made at any point (CPPCR reg 45)."""
    dispute = _open_dispute(request, pk, "disputes.change_dispute")
    form = CafcassReferralForm(posted(request), initial={"cafcass_referred_on": today()})
    return form_page(
        request,
        form,
        heading="Record a referral to Cafcass",
        caption=_caption(dispute),
        intro="An IRO may refer a child's case to Cafcass at any point, "
        "including while the challenge goes on.",
        back_url=_back(dispute),
        save=lambda data: dispute_refer_to_cafcass(
            dispute=dispute, referred_on=data["cafcass_referred_on"]
        ),
        success_url=_back(dispute),
        success_message="Referral to Cafcass recorded",
    )


@role_required()
def dispute_withdraw_view(request, pk: int):
    """Close the challenge without a resolution."""
    dispute = _open_dispute(request, pk, "disputes.change_dispute")
    form = DisputeWithdrawForm(posted(request), initial={"withdrawn_on": today()})
    return form_page(
        request,
        form,
        heading="Withdraw the challenge",
        caption=_caption(dispute),
        back_url=_back(dispute),
        save=lambda data: dispute_withdraw(dispute=dispute, **data),
        success_url=_back(dispute),
        success_message="Challenge withdrawn",
    )


def _correctable_dispute(request, pk: int) -> Dispute:
    """The challenge to correct, if the person may: its IRO, or a manager (open or closed)."""
    try:
        dispute = dispute_detail(pk=pk)
    except Dispute.DoesNotExist:
        raise Http404("No such challenge") from None
    require_object_perm(request, ACT_ON_DISPUTE, dispute)
    return dispute


@role_required()
def dispute_correct_view(request, pk: int):
    """Correct what the challenge is about, the concern or the date it was raised."""
    dispute = _correctable_dispute(request, pk)
    form = DisputeCorrectForm(
        posted(request),
        current={
            "category": dispute.category,
            "summary": dispute.summary,
            "raised_on": dispute.raised_on,
        },
    )
    return form_page(
        request,
        form,
        heading="Correct the challenge",
        caption=_caption(dispute),
        intro="The challenge's record keeps what it said before, and why it was corrected.",
        back_url=_back(dispute),
        save=lambda data: dispute_correct(
            dispute=dispute,
            corrected_by=request.user,
            reason=data["reason"],
            category=data["category"],
            summary=data["summary"],
            raised_on=data["raised_on"],
        ),
        success_url=_back(dispute),
        success_message="Challenge corrected",
    )


@role_required()
def stage_correct_view(request, pk: int, stage_pk: int):
    """Correct a stage: who it went to, when, and the response if there is one."""
    dispute = _correctable_dispute(request, pk)
    stage = next((s for s in dispute.stages.all() if s.pk == stage_pk), None)
    if stage is None:
        raise Http404("No such stage")
    form = StageCorrectForm(
        posted(request),
        stage=stage,
        raised_on=dispute.raised_on,
    )
    return form_page(
        request,
        form,
        heading=f"Correct the stage at {stage.level.name.lower()}",
        caption=_caption(dispute),
        intro="A corrected escalation date moves the response deadline with it. The "
        "challenge's record keeps what the stage said before, and why it was corrected.",
        back_url=_back(dispute),
        save=lambda data: dispute_stage_correct(
            stage=stage,
            corrected_by=request.user,
            reason=data["reason"],
            addressee=data["addressee"],
            started_on=data["started_on"],
            responded_on=data.get("responded_on"),
            response=data.get("response", ""),
        ),
        success_url=_back(dispute),
        success_message=_stage_corrected,
    )


def _stage_corrected(correction: DisputeCorrection) -> str:
    if correction.stage is None:
        return "Stage corrected"
    return f"Stage corrected: response due {long_date(correction.stage.response_due_on)}"
