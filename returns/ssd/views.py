"""The SSD extracts loaded, what each changed, and the rows awaiting a person's decision.

For the roles that load returns (core.import_returns): business support and
administrators. Deciding on a row also asks the row (returns.decide_ssd_row).
"""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.forms import ServiceForm, form_page, posted
from core.permissions import require_object_perm, require_perm, role_required
from core.roles import Role
from returns.models import SsdExtractRow, SsdImportRun, SsdRowState
from returns.ssd.kept import WHAT
from returns.ssd.services import CHOOSE_DECISION, KEEP, REASON_REQUIRED, REMOVE, ssd_row_decide

IMPORTERS = (Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR)
PERMISSION = "core.import_returns"
DECIDE = "returns.decide_ssd_row"
RUNS_SHOWN = 20
CHANGES_SHOWN = 500
REMOVED_MESSAGE = "Removed. The decision and its reason are kept in the record's history."
KEPT_MESSAGE = "Kept. It is carried into every load until the extract holds it again."


@role_required(*IMPORTERS)
def ssd_run_list(request):
    """The latest SSD loads, and every row missing from the extract."""
    require_perm(request, PERMISSION)
    missing = SsdExtractRow.objects.filter(
        state__in=[SsdRowState.MISSING, SsdRowState.KEPT]
    ).select_related("missing_since", "decided_by")
    rows = [
        {
            "row": r,
            "what": WHAT.get(r.table, r.table),
            "can_decide": request.user.has_perm(DECIDE, r),
        }
        for r in missing
    ]
    return render(
        request,
        "returns/ssd_run_list.html",
        {
            "runs": list(SsdImportRun.objects.all()[:RUNS_SHOWN]),
            "awaiting": [r for r in rows if r["row"].state == SsdRowState.MISSING],
            "kept": [r for r in rows if r["row"].state == SsdRowState.KEPT],
        },
    )


@role_required(*IMPORTERS)
def ssd_run_detail(request, pk: int):
    """One load: what it added, changed, ended and found missing, or why nothing was loaded."""
    require_perm(request, PERMISSION)
    run = get_object_or_404(SsdImportRun, pk=pk)
    counts: dict[str, dict[str, int]] = {}
    for c in run.changes:
        of_table = counts.setdefault(WHAT.get(c["table"], c["table"]), {})
        of_table[c["kind"]] = of_table.get(c["kind"], 0) + 1
    kinds = ["added", "changed", "ended", "missing", "removed"]
    return render(
        request,
        "returns/ssd_run_detail.html",
        {
            "run": run,
            "kinds": kinds,
            "counts": [(what, [n.get(k, 0) for k in kinds]) for what, n in sorted(counts.items())],
            "changes": run.changes[:CHANGES_SHOWN],
            "more_changes": max(len(run.changes) - CHANGES_SHOWN, 0),
        },
    )


DECISIONS = [
    (REMOVE, "Remove it: the council's case system no longer holds it"),
    (KEEP, "Keep it: it was left out of the extract by mistake"),
]


class SsdRowDecisionForm(ServiceForm):
    submit_label = "Save the decision"

    decision = forms.ChoiceField(
        label="What should happen to it?",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DECISION},
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the decision in the record's history.",
        max_length=2000,
        error_messages={"required": REASON_REQUIRED},
    )

    def layout_fields(self) -> list:
        return [Field.radios("decision", legend_size=Size.SMALL), "reason"]


@role_required(*IMPORTERS)
def ssd_row_decision(request, pk: int):
    """Confirm the removal of a row missing from the extract, or keep it."""
    require_perm(request, PERMISSION)
    row = get_object_or_404(SsdExtractRow.objects.select_related("missing_since"), pk=pk)
    require_object_perm(request, DECIDE, row)
    form = SsdRowDecisionForm(posted(request))
    if row.state == SsdRowState.KEPT:
        decision = cast(forms.ChoiceField, form.fields["decision"])
        decision.choices = DECISIONS[:1]
    what = WHAT.get(row.table, row.table)
    return form_page(
        request,
        form,
        heading=f"A {what} missing from the SSD extract",
        caption=f"{row.person_id or 'No child'}: {row.table} {row.row_id}",
        save=lambda data: ssd_row_decide(row=row, by=request.user, **data),
        success_url=reverse("imports:ssd_list"),
        success_message=lambda result: (
            REMOVED_MESSAGE if isinstance(result, SsdImportRun) else KEPT_MESSAGE
        ),
        template="returns/ssd_row_decision.html",
        back_url=reverse("imports:ssd_list"),
        row=row,
        what=what,
        values=sorted((k, v) for k, v in row.values.items() if v),
    )
