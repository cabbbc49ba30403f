"""Returns in and out in the browser, and the data-quality page.

Uploading and reading uploads is for the roles that hold core.import_returns (business
support and administrators); the data-quality page is for every member of the unit, as
the fixes are made by whoever holds the record.
"""

from __future__ import annotations

import csv
import io
from typing import cast

from celery import current_app
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.decisions import CORRECTION_REASON_LENGTH
from core.forms import ServiceForm, error_summary_items, form_page, gds_date, posted
from core.permissions import require_perm, role_required
from core.protected import ExportPassword, LockedDownloadForm, download
from core.roles import Role, user_roles
from core.services import today
from core.spreadsheet import csv_row
from iro.selectors import child_mask, restricted_ids_hidden_from
from returns.annex_a import TITLES as ANNEX_A_TITLES
from returns.annex_a import annex_a_csv, annex_a_list, annex_a_xlsx
from returns.data_quality import data_quality_dispatch, live_years
from returns.imports import (
    CHOOSE_DECISION,
    CHOOSE_FILES,
    CHOOSE_KIND,
    MAX_FILES,
    REMOVALS_HELD,
    Removals,
    cin_census_xml,
    import_run_decide,
    import_run_retry,
    import_run_start,
    import_runs_recent,
    ssda903_zip,
)
from returns.models import (
    DataQualityCheck,
    DataQualityIssue,
    DisagreementResolution,
    ImportDisagreement,
    ImportKind,
    ImportRun,
    ReturnName,
)
from returns.selectors import open_disagreements
from returns.services import CHOOSE_SIDE, import_disagreement_resolve
from returns.ssda903.reading import year_label
from returns.uploads import upload_refusals
from reviews.records_begin import records_begin_get

IMPORTERS = (Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR)
PERMISSION = "core.import_returns"
PROBLEMS_SHOWN = 500
CHILDREN_SHOWN = 500
CHILDREN_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_COLUMNS = [
    "Return",
    "Year",
    "Child ID",
    "Rule",
    "Type",
    "Description",
    "Fields",
    "Table",
    "Values",
    "First found",
]


# Uploading -------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type="file" multiple>, cleaned into a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
            if not files and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return files
        return [single(data, initial)] if data or self.required else []


def _year_choices() -> list[tuple[str, str]]:
    current = live_years(today())[0]
    return [("", "Work it out from the dates in the files")] + [
        (str(y), year_label(y)) for y in range(current, current - 6, -1)
    ]


class ImportUploadForm(ServiceForm):
    submit_label = "Upload and load"

    kind = forms.ChoiceField(
        label="Which return are the files?",
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_KIND},
    )
    year = forms.TypedChoiceField(
        label="Collection year (SSDA903 only)",
        help_text="The CIN census gives its own year.",
        required=False,
        coerce=int,
        empty_value=None,
    )
    files = MultipleFileField(
        label="Files",
        help_text=(
            f"SSDA903: all of one year's CSV files at once (header, episodes, reviews and the "
            f"other tables, at most {MAX_FILES[ImportKind.SSDA903]}). CIN census: the XML "
            f"file, or several years' files (at most {MAX_FILES[ImportKind.CIN_CENSUS]}). "
            f"SSD extract: every table's CSV file at once (ssd_person.csv, "
            f"ssd_cla_episodes.csv and the others, at most {MAX_FILES[ImportKind.SSD_EXTRACT]})."
        ),
        error_messages={"required": CHOOSE_FILES},
        widget=MultipleFileInput(attrs={"class": "govuk-file-upload"}),
    )

    def __init__(self, *args, refused=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["files"].help_text += (
            f" Each file at most {settings.OVERSIGHT_IMPORT_MAX_FILE_MB} MB, "
            f"{settings.OVERSIGHT_IMPORT_MAX_UPLOAD_MB} MB together."
        )
        self.refused = refused or []

    def layout_fields(self) -> list:
        return [Field.radios("kind", legend_size=Size.SMALL), Field.select("year"), "files"]

    def clean(self):
        data = super().clean()
        if self.refused:  # files too large were not taken (returns.uploads): say which
            self.errors.pop("files", None)
            for message in self.refused:
                self.add_error("files", message)
        return data


@role_required(*IMPORTERS)
def import_upload(request):
    """Upload a return's files; the load runs in the background and its page shows how."""
    require_perm(request, PERMISSION)
    form = ImportUploadForm(
        posted(request), request.FILES or None, refused=upload_refusals(request)
    )

    def save(data):
        return import_run_start(
            user=request.user, kind=data["kind"], files=data["files"], year=data["year"]
        )

    return form_page(
        request,
        form,
        heading="Upload a return",
        save=save,
        success_url=lambda run: reverse("imports:detail", args=[run.pk]),
        template="returns/import_upload.html",
        back_url=reverse("imports:list"),
    )


@role_required(*IMPORTERS)
def import_list(request):
    """The latest uploads, newest first, with how each went."""
    require_perm(request, PERMISSION)
    return render(
        request,
        "returns/import_list.html",
        {"runs": list(import_runs_recent()), "records_begin": records_begin_get()},
    )


@role_required(*IMPORTERS)
def import_detail(request, pk: int):
    """One upload: how far it has got, or what it loaded, or why nothing was saved."""
    require_perm(request, PERMISSION)
    run = get_object_or_404(
        ImportRun.objects.select_related("uploaded_by").prefetch_related("files"), pk=pk
    )
    counts = [
        (kind, c["added"], c["changed"], c["unchanged"], c["removed"])
        for kind, c in run.summary.get("counts", {}).items()
    ]
    retried = run.retries.order_by("pk").first() if run.stopped else None
    removals = _removals(run)
    return render(
        request,
        "returns/import_detail.html",
        {
            "run": run,
            "year_label": year_label(run.year) if run.year else "",
            "files": list(run.files.all()),
            "counts": counts,
            "any_removed": any(row[4] for row in counts),
            "problems": run.problems[:PROBLEMS_SHOWN],
            "more_problems": max(len(run.problems) - PROBLEMS_SHOWN, 0),
            "show_error": bool(run.error) and Role.ADMINISTRATOR in user_roles(request.user),
            "removals": removals,
            "children": list(removals.children.items())[:CHILDREN_SHOWN],
            "more_children": max(len(removals.children) - CHILDREN_SHOWN, 0),
            "retried": retried,
        },
    )


def _removals(run: ImportRun) -> Removals:
    return Removals.from_json(run.removals)


DECISIONS = {
    "apply": "Yes, load the return and remove these records",
    "discard": "No, discard this upload: nothing is loaded",
}


class ImportDecisionForm(ServiceForm):
    submit_label = "Continue"

    decision = forms.ChoiceField(
        label="Load this return and remove these records?",
        choices=list(DECISIONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DECISION},
    )

    def layout_fields(self) -> list:
        return [Field.radios("decision", legend_size=Size.MEDIUM)]


@role_required(*IMPORTERS)
def import_decide(request, pk: int):
    """Confirm the removals of a return held for them (then it loads), or discard it."""
    require_perm(request, PERMISSION)
    run = get_object_or_404(ImportRun, pk=pk)
    if not run.is_awaiting_confirmation and request.method != "POST":
        return redirect("imports:detail", pk=run.pk)
    removals = _removals(run)
    return form_page(
        request,
        ImportDecisionForm(posted(request)),
        heading="Confirm the records this return removes",
        caption=f"Upload {run.pk}",
        save=lambda data: import_run_decide(
            run=run, user=request.user, apply=data["decision"] == "apply"
        ),
        success_url=lambda decided: reverse("imports:detail", args=[decided.pk]),
        template="returns/import_decide.html",
        back_url=reverse("imports:detail", args=[run.pk]),
        run=run,
        removals=removals,
        held=REMOVALS_HELD.format(removals=removals.describe()),
        children=list(removals.children.items())[:CHILDREN_SHOWN],
        more_children=max(len(removals.children) - CHILDREN_SHOWN, 0),
    )


class ImportRetryForm(ServiceForm):
    submit_label = "Try again"


@role_required(*IMPORTERS)
def import_retry(request, pk: int):
    """Load a stopped upload's kept files again, as a new upload."""
    require_perm(request, PERMISSION)
    run = get_object_or_404(ImportRun, pk=pk)
    if not run.stopped and request.method != "POST":
        return redirect("imports:detail", pk=run.pk)
    return form_page(
        request,
        ImportRetryForm(posted(request)),
        heading=f"Try loading upload {run.pk} again",
        intro=(
            "The files kept from this upload are loaded again, as a new upload. Nothing "
            "was saved by the load that stopped, so loading them again is safe."
        ),
        save=lambda _: import_run_retry(run=run, user=request.user),
        success_url=lambda again: reverse("imports:detail", args=[again.pk]),
        back_url=reverse("imports:detail", args=[run.pk]),
    )


@role_required(*IMPORTERS)
def import_status(request, pk: int):
    """The run's progress for the page's own script (the page works without it)."""
    require_perm(request, PERMISSION)
    run = get_object_or_404(ImportRun, pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": run.progress,
            "percent": run.progress_percent,
            "waiting": run.waiting_reason,
            # The page reloads once the worker no longer has the run.
            "finished": not run.is_moving,
        }
    )


# Writing returns out ---------------------------------------------------------------------


class ReturnExportForm(ExportPassword, ServiceForm):
    submit_label = "Download the return"
    prefix = "return"

    return_name = forms.ChoiceField(
        label="Which return?",
        choices=[
            (ReturnName.SSDA903, "SSDA903 return (CSV files in a zip)"),
            (ReturnName.CIN, "CIN census, child protection parts (XML)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select which return to download"},
    )
    year = forms.TypedChoiceField(
        label="Collection year",
        coerce=int,
        error_messages={"required": "Select the collection year"},
    )
    la_code = forms.CharField(
        label="LA code (CIN census only)",
        required=False,
        max_length=3,
        help_text="3 digits. Only needed before a CIN census has been uploaded.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()[1:]
        self.helper.form_action = reverse("imports:export_return")

    def layout_fields(self) -> list:
        return [
            Field.radios("return_name", legend_size=Size.SMALL),
            "year",
            "la_code",
            "password",
        ]


class AnnexAExportForm(ExportPassword, ServiceForm):
    submit_label = "Download the list"
    prefix = "annex"

    number = forms.TypedChoiceField(
        label="Which list?",
        coerce=int,
        choices=[(str(n), title) for n, title in ANNEX_A_TITLES.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select which Annex A list to download"},
    )
    as_of = gds_date(
        "Date of the list",
        help_text="The list is as at this date. For example, 31 3 2025",
        not_in_future=True,  # a list as at a day not yet lived through would be a guess
    )
    file_format = forms.ChoiceField(
        label="Format",
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")],
        initial="xlsx",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the format"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_action = reverse("imports:export_annex_a")

    def layout_fields(self) -> list:
        return [
            Field.radios("number", legend_size=Size.SMALL),
            Field("as_of"),
            Field.radios("file_format", legend_size=Size.SMALL, inline=True),
            "password",
        ]


def _export_page(request, *, return_form=None, annex_form=None):
    return_form = return_form or ReturnExportForm(initial={"year": live_years(today())[0] - 1})
    annex_form = annex_form or AnnexAExportForm(initial={"as_of": today()})
    bound = [f for f in (return_form, annex_form) if f.is_bound and f.errors]
    return render(
        request,
        "returns/import_export.html",
        {
            "return_form": return_form,
            "annex_form": annex_form,
            "error_list": error_summary_items(bound[0]) if bound else [],
        },
        status=400 if bound else 200,
    )


@role_required(*IMPORTERS)
def export(request):
    """Write a return or an Ofsted Annex A list from Oversight's records."""
    require_perm(request, PERMISSION)
    return _export_page(request)


@require_POST
@role_required(*IMPORTERS)
def export_return(request):
    require_perm(request, PERMISSION)
    form = ReturnExportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        label = year_label(data["year"])
        try:
            if data["return_name"] == ReturnName.SSDA903:
                content = ssda903_zip(year=data["year"])
                return download(
                    content, f"ssda903-{label}.zip", "application/zip", password=data["password"]
                )
            content = cin_census_xml(year=data["year"], la_code=data["la_code"])
            return download(
                content, f"cin-census-{label}.xml", "application/xml", password=data["password"]
            )
        except ValidationError as error:
            form.apply_errors(error)
    return _export_page(request, return_form=form)


@require_POST
@role_required(*IMPORTERS)
def export_annex_a(request):
    require_perm(request, PERMISSION)
    form = AnnexAExportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        annex = annex_a_list(number=data["number"], as_of=data["as_of"])
        name = f"annex-a-list-{annex.number}-{annex.as_of:%Y-%m-%d}"
        if data["file_format"] == "csv":
            content, name, kind = annex_a_csv(annex), f"{name}.csv", "text/csv; charset=utf-8"
        else:
            content, name, kind = annex_a_xlsx(annex), f"{name}.xlsx", XLSX
        return download(content, name, kind, password=data["password"])
    return _export_page(request, annex_form=form)


# Data quality ----------------------------------------------------------------------------


class DataQualityFilterForm(forms.Form):
    return_name = forms.ChoiceField(
        label="Return", required=False, choices=[("", "Both returns"), *ReturnName.choices]
    )
    year = forms.TypedChoiceField(label="Collection year", required=False, coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), year_label(y)) for y in years]


def _data_quality_filters(request):
    """The chosen return and year; the year defaults to the latest one still returned."""
    checks = list(DataQualityCheck.objects.order_by("-year", "return_name"))
    live = live_years(today())
    found = DataQualityIssue.objects.values_list("year", flat=True).order_by().distinct()
    years = sorted({c.year for c in checks} | set(live) | set(found), reverse=True)
    form = DataQualityFilterForm(request.GET or None, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or live[0]
    return form, data.get("return_name") or "", year, checks


def _restricted_blank(issue: DataQualityIssue, hidden: frozenset[str]) -> None:
    """Show an issue of a restricted record hidden from the reader without who it is
    about: the child masked (iro.selectors.child_mask) and the row's values (a birth
    date, a UPN) left out; the rule and the field to fix stay."""
    if issue.child_ref in hidden:
        issue.values = ""
        if issue.child is not None:
            child_mask(issue.child)


def _disagreements_masked(hidden: frozenset[str]) -> list:
    """The first open disagreements, a restricted record hidden from the reader masked
    and its values left out (they could be a birth date or a UPN)."""
    shown = list(open_disagreements()[:DISAGREEMENTS_SHOWN])
    for disagreement in shown:
        if disagreement.child.child_id in hidden:
            child_mask(disagreement.child)
            disagreement.ours_text = disagreement.theirs_text = ""
    return shown


def _issues(return_name: str, year: int):
    issues = DataQualityIssue.objects.filter(year=year).select_related("child")
    if return_name:
        issues = issues.filter(return_name=return_name)
    return issues.order_by("child_ref", "return_name", "rule", "pk")


@role_required()
def data_quality(request):
    """Each child's current problems by the DfE's return rules, to fix in the records."""
    form, return_name, year, checks = _data_quality_filters(request)
    # The issues as CSV locked with a password (core.protected), posted from this page.
    locked = LockedDownloadForm(posted(request), formats=[("csv", "CSV")])
    if request.method == "POST" and locked.is_valid():
        return _data_quality_download(request, password=locked.cleaned_data["password"])
    hidden = restricted_ids_hidden_from(request.user)
    issues = _issues(return_name, year)
    # Paged by child in the database: the page's children, then their issues (issue 14).
    refs = issues.order_by("child_ref").values_list("child_ref", flat=True).distinct()
    page = Paginator(refs, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    groups: list[dict] = []
    for issue in issues.filter(child_ref__in=list(page.object_list)):
        _restricted_blank(issue, hidden)
        if not groups or groups[-1]["ref"] != issue.child_ref:
            groups.append({"ref": issue.child_ref, "child": issue.child, "issues": []})
        groups[-1]["issues"].append(issue)
    counted = issues.order_by().aggregate(
        total=Count("pk"), children=Count("child_ref", distinct=True, filter=~Q(child_ref=""))
    )
    shown = [
        c for c in checks if c.year == year and c.return_name in (return_name or c.return_name)
    ]
    query = f"return_name={return_name}&year={year}"
    return render(
        request,
        "returns/data_quality.html",
        {
            "form": form,
            "page": page,
            "year": year,
            "year_label": year_label(year),
            "return_name": return_name,
            "checks": shown,
            "unchecked": [
                ReturnName(r).label
                for r in ([return_name] if return_name else ReturnName.values)
                if not any(c.return_name == r for c in shown)
            ],
            "groups": groups,
            "total": counted["total"],
            "children": counted["children"],
            "query": query,
            "can_check": request.user.has_perm(PERMISSION),
            "locked": locked,
            "disagreements": _disagreements_masked(hidden),
            "disagreements_total": open_disagreements().count(),
        },
        status=400 if locked.errors else 200,
    )


@role_required()
def data_quality_csv(request):
    """The issues on the page, every page, as a spreadsheet."""
    return _data_quality_download(request)


def _data_quality_download(request, *, password: str = ""):
    """The issues chosen as CSV; locked in a zip when a `password` is given."""
    _, return_name, year, _ = _data_quality_filters(request)
    name = f"data-quality-{return_name or 'returns'}-{year_label(year)}.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(CSV_COLUMNS))
    hidden = restricted_ids_hidden_from(request.user)
    for issue in _issues(return_name, year):
        _restricted_blank(issue, hidden)
        writer.writerow(
            csv_row(
                [
                    issue.get_return_name_display(),
                    year_label(issue.year),
                    issue.child_ref,
                    issue.rule,
                    issue.get_severity_display(),
                    issue.description,
                    issue.fields_text,
                    issue.table,
                    issue.values,
                    timezone.localtime(issue.found_at).strftime("%Y-%m-%d %H:%M"),
                ]
            )
        )
    return download(out.getvalue(), name, "text/csv; charset=utf-8", password=password)


@require_POST
@role_required(*IMPORTERS)
def data_quality_check_now(request):
    """Run the DfE rules now on the chosen year, rather than waiting for the night."""
    require_perm(request, PERMISSION)
    _, return_name, year, _ = _data_quality_filters(request)
    if data_quality_dispatch(years=[year]):
        if current_app.conf.task_always_eager:  # no broker (development): it has run
            messages.success(request, f"The DfE rules have run on {year_label(year)}.")
        else:
            messages.success(
                request,
                f"The DfE rules are running on {year_label(year)}. Refresh this page in a "
                "minute to see what they find.",
            )
    else:
        messages.warning(
            request,
            "The background worker cannot be reached just now, so the rules cannot run. "
            "They run every night; try again later.",
        )
    return redirect(f"{reverse('data_quality:list')}?return_name={return_name}&year={year}")


# Where an import disagrees with what people recorded -------------------------------------

RESOLVE = "returns.resolve_import_disagreement"
DISAGREEMENTS_SHOWN = 200
DECIDED_MESSAGE: dict[str, str] = {
    DisagreementResolution.KEPT_OURS: "Oversight's value is kept. The import will not ask again.",
    DisagreementResolution.TOOK_THEIRS: "The import's value is taken and kept in the history.",
}
ALREADY_DECIDED_MESSAGE = "This difference has already been decided."


class DisagreementDecisionForm(ServiceForm):
    submit_label = "Save the decision"

    resolution = forms.ChoiceField(
        label="Which is right?",
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_SIDE},
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the decision; taking the import's value also keeps it in the "
        "record's history.",
        max_length=CORRECTION_REASON_LENGTH,
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, disagreement: ImportDisagreement, **kwargs):
        super().__init__(*args, **kwargs)
        resolution = cast(forms.ChoiceField, self.fields["resolution"])
        resolution.choices = [
            (DisagreementResolution.KEPT_OURS, f"Keep Oversight's: {disagreement.ours_text}"),
            (DisagreementResolution.TOOK_THEIRS, f"Take the import's: {disagreement.theirs_text}"),
        ]

    def layout_fields(self) -> list:
        return [Field.radios("resolution", legend_size=Size.SMALL), "reason"]


@role_required()
def disagreement_decide(request, pk: int):
    """Keep Oversight's value, or take the import's, where the two disagree."""
    require_perm(request, RESOLVE)
    disagreement = get_object_or_404(ImportDisagreement.objects.select_related("child"), pk=pk)
    child_url = reverse("children:child_detail", args=[disagreement.child.child_id])
    if not disagreement.is_open and request.method != "POST":
        messages.info(request, ALREADY_DECIDED_MESSAGE)
        return redirect(child_url)
    return form_page(
        request,
        DisagreementDecisionForm(posted(request), disagreement=disagreement),
        heading="An import disagrees with Oversight",
        caption=f"{disagreement.child.full_name}, child {disagreement.child.child_id}",
        save=lambda data: import_disagreement_resolve(
            disagreement=disagreement, by=request.user, **data
        ),
        success_url=child_url,
        success_message=lambda decided: DECIDED_MESSAGE[decided.resolution],
        template="returns/import_disagreement_decide.html",
        back_url=child_url,
        disagreement=disagreement,
    )
