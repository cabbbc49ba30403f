"""Business support add a child, born or unborn, one GOV.UK question a page, then check
their answers; a child who may already be held is shown before anything is saved."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.codes import Ethnicity, Sex
from core.forms import error_summary_items, posted
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
STEPS = {
    "name": NewChildNameForm,
    "born": NewChildBornForm,
    "date": NewChildDateForm,
    "sex": NewChildSexForm,
    "ethnicity": NewChildEthnicityForm,
    "identifiers": NewChildIdentifiersForm,
    "family": NewChildFamilyForm,
}
ADDING = (Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR)


def _answers(request) -> dict:
    return dict(request.session.get(SESSION_KEY, {}))


def _unborn(answers: dict) -> bool:
    return answers.get("born") == "no"


def _steps(answers: dict) -> list[str]:
    """The questions to ask: an unborn child's sex is recorded as U (DfE rules 1570/1580)."""
    return [s for s in STEPS if not (s == "sex" and _unborn(answers))]


def _stored(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _loaded(step: str, answers: dict) -> dict:
    initial = {name: answers.get(name) for name in STEPS[step].base_fields}
    if step == "date" and answers.get("date"):
        initial["date"] = dt.date.fromisoformat(answers["date"])
    return initial


def _form(step: str, data, answers: dict):
    kwargs = {"unborn": _unborn(answers)} if step == "date" else {}
    return STEPS[step](data, initial=_loaded(step, answers), **kwargs)


@role_required(*ADDING)
def new_child(request, step: str | None = None):
    """One question of the new child's; on an answer, the next (or back to the check).

    The first address (no step) starts afresh; each step's own address keeps the answers.
    """
    require_perm(request, "iro.add_child")
    if step is None:
        step = "name"
        if request.method == "GET":
            request.session[SESSION_KEY] = {}
    if step not in STEPS:
        raise Http404
    answers = _answers(request)
    form = _form(step, posted(request), answers)
    if request.method == "POST" and form.is_valid():
        before = answers.get("born")
        answers.update({k: _stored(v) for k, v in form.cleaned_data.items()})
        if step == "born" and before and before != answers["born"]:
            answers.pop("date", None)  # a date of birth is not an expected date
        request.session[SESSION_KEY] = answers
        steps = _steps(answers)
        following = steps[steps.index(step) + 1 :] if step in steps else []
        missing = [s for s in following if not _answered(s, answers)]
        if "change" in request.GET and not missing:
            return redirect("children:new_check")
        if following:
            return redirect("children:new_step", step=missing[0] if missing else following[0])
        return redirect("children:new_check")
    steps = _steps(answers)
    back = steps[steps.index(step) - 1] if step in steps and steps.index(step) > 0 else None
    return render(
        request,
        "worklists/new_child_question.html",
        {
            "form": form,
            "heading": form.heading,
            "caption": "Add a child",
            "back_url": reverse("children:new_step", args=[back]) if back else "",
            "error_list": error_summary_items(form) if form.is_bound else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _answered(step: str, answers: dict) -> bool:
    return all(answers.get(name) not in (None, "") for name in _required(step))


def _required(step: str) -> list[str]:
    return {
        "name": ["first_name", "last_name"],
        "born": ["born"],
        "date": ["date"],
        "sex": ["sex"],
        "ethnicity": ["ethnicity"],
        "identifiers": ["child_id"],
        "family": ["family"],
    }[step]


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
            dt.date.fromisoformat(date).strftime("%-d %B %Y") if date else "",
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
    day = dt.date.fromisoformat(answers["date"])
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
    answers = _answers(request)
    missing = [s for s in _steps(answers) if not _answered(s, answers)]
    found = {"child_id": [], "upn": [], "name_and_birth": []}
    if not missing:
        found = child_possible_duplicates(
            first_name=answers["first_name"],
            last_name=answers["last_name"],
            born_on=dt.date.fromisoformat(answers["date"]),
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
            request.session.pop(SESSION_KEY, None)
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
