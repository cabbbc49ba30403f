"""Business support add a child, born or unborn, one GOV.UK question a page, then check
their answers; a child who may already be held is shown before anything is saved."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from core.codes import Ethnicity, Sex
from core.dates import long_date
from core.forms import error_summary_items, posted
from core.journeys import Answers, Journey, Step
from core.permissions import require_perm, role_required
from core.roles import Role
from iro.forms import (
    NewChildBornForm,
    NewChildConfirmForm,
    NewChildDateForm,
    NewChildEthnicityForm,
    NewChildFamilyForm,
    NewChildIdentifiersForm,
    NewChildNameForm,
    NewChildSexForm,
)
from iro.models import Family
from iro.selectors import child_possible_duplicates
from iro.services import child_register

SESSION_KEY = "new_child"
ADDING = (Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR)


def _unborn(answers: Answers) -> bool:
    return answers.get("born") == "no"


def _date_form(data, answers: Answers) -> NewChildDateForm:
    return NewChildDateForm(data, unborn=_unborn(answers))


# An unborn child's sex is recorded as U (DfE rules 1570/1580), so it is not asked.
JOURNEY = Journey(
    SESSION_KEY,
    (
        Step("name", lambda data, answers: NewChildNameForm(data)),
        Step("born", lambda data, answers: NewChildBornForm(data)),
        Step("date", _date_form),
        Step("sex", lambda data, answers: NewChildSexForm(data), asked=lambda a: not _unborn(a)),
        Step("ethnicity", lambda data, answers: NewChildEthnicityForm(data)),
        Step("identifiers", lambda data, answers: NewChildIdentifiersForm(data)),
        Step("family", lambda data, answers: NewChildFamilyForm(data)),
    ),
)


@role_required(*ADDING)
def new_child(request, step: str | None = None):
    """One question of the new child's; on an answer, the next (or back to the check).

    The first address (no step) starts afresh; each step's own address keeps the answers.
    """
    require_perm(request, "iro.add_child")
    if step is None:
        step = "name"
        if request.method == "GET":
            JOURNEY.clear(request)
    JOURNEY.step(step)
    before = JOURNEY.walk(request).answers.get("born")
    form = JOURNEY.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        JOURNEY.keep(request, step, form)
        if step == "born" and before and before != form.cleaned_data["born"]:
            JOURNEY.forget(request, "date")  # a date of birth is not an expected date
        following = JOURNEY.following(request, step, skip_answered="change" in request.GET)
        if following is None:
            return redirect("children:new_check")
        return redirect("children:new_step", step=following)
    back = JOURNEY.previous(request, step)
    return render(
        request,
        "worklists/new_child_question.html",
        {
            "form": form,
            "heading": getattr(form, "heading", ""),
            "caption": "Add a child",
            "back_url": reverse("children:new_step", args=[back]) if back else "",
            "error_list": error_summary_items(form) if form.is_bound else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def _summary(answers: dict) -> list[tuple[str, str, str]]:
    """(question, answer, step to change it) for the check-your-answers page."""
    unborn = _unborn(answers)
    family = {
        "existing": f"Family {answers.get('existing_reference', '')}",
        "new": f"New: {answers.get('new_name', '')} family ({answers.get('new_reference', '')})",
        "none": "No family",
    }.get(answers.get("family", ""), "")
    date = answers.get("date")
    rows = [
        ("Name", f"{answers.get('first_name', '')} {answers.get('last_name', '')}".strip(), "name"),
        ("Born", {"yes": "Yes", "no": "No, unborn"}.get(answers.get("born", ""), ""), "born"),
        (
            "Expected date of birth" if unborn else "Date of birth",
            long_date(date) if date else "",
            "date",
        ),
    ]
    if not unborn:
        rows.append(("Sex", dict(Sex.choices).get(answers.get("sex", ""), ""), "sex"))
    rows += [
        ("Ethnicity", dict(Ethnicity.choices).get(answers.get("ethnicity", ""), ""), "ethnicity"),
        ("Council child ID", answers.get("child_id", ""), "identifiers"),
        ("UPN", answers.get("upn", "") or "Not given", "identifiers"),
        ("Family", family, "family"),
    ]
    return rows


def _values(answers: dict) -> dict:
    day = answers["date"]
    unborn = _unborn(answers)
    values = {
        "first_name": answers["first_name"],
        "last_name": answers["last_name"],
        "date_of_birth": None if unborn else day,
        "expected_date_of_birth": day if unborn else None,
        "sex": Sex.UNKNOWN if unborn else answers["sex"],
        "ethnicity": answers["ethnicity"],
        "child_id": answers["child_id"],
        "upn": answers.get("upn", ""),
    }
    if answers["family"] == "existing":
        values["family"] = Family.objects.filter(reference=answers["existing_reference"]).first()
    elif answers["family"] == "new":
        values["new_family"] = (answers["new_name"], answers["new_reference"])
    return values


@role_required(*ADDING)
def new_child_check(request):
    """Check your answers; children who may be this one; then save and open the record."""
    require_perm(request, "iro.add_child")
    walk = JOURNEY.walk(request)
    answers = walk.answers
    missing = [step.slug for step in walk.unanswered]
    found = {"child_id": [], "upn": [], "name_and_birth": []}
    if not missing:
        found = child_possible_duplicates(
            first_name=answers["first_name"],
            last_name=answers["last_name"],
            born_on=answers["date"],
            upn=answers.get("upn", ""),
            child_id=answers["child_id"],
        )
    refused = bool(found["child_id"] or found["upn"])
    form = NewChildConfirmForm(posted(request), ask_different=bool(found["name_and_birth"]))
    if request.method == "POST" and not missing and not refused and form.is_valid():
        try:
            child = child_register(
                **_values(answers), different_child=form.cleaned_data.get("different_child", False)
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            JOURNEY.clear(request)
            messages.success(request, f"Added {child.full_name} ({child.child_id})")
            return redirect("children:child_detail", child_id=child.child_id)
    status = 400 if form.is_bound and (form.errors or missing or refused) else 200
    return render(
        request,
        "worklists/new_child_check.html",
        {
            "rows": _summary(answers),
            "missing": missing,
            "found": found,
            "refused": refused,
            "form": form,
            "error_list": error_summary_items(form) if form.is_bound else [],
        },
        status=status,
    )
