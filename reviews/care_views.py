"""Start, change and end a period of care in the browser: GOV.UK question pages, one
question a page, then a check-your-answers page that saves through reviews.services.

Each journey's answers are kept in the session (as the browser sent them) until saved,
and every page asks the same DfE rules again when the answers are saved.

An episode entered wrongly is corrected, or withdrawn as entered in error, on a page of
its own (reviews.services.episode_correct, episode_withdraw), with the same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.dates import long_date
from core.decisions import WithdrawForm
from core.forms import form_page, posted
from core.journeys import Answers, Journey, Step
from core.permissions import require_object_perm, require_perm, role_required
from core.roles import Role
from iro.models import Child
from reviews.forms import (
    CHANGE_BOTH,
    CHANGE_LEGAL_STATUS,
    CHANGE_PLACEMENT,
    CareEndedForm,
    CareQuestion,
    CareStartedForm,
    CategoryOfNeedForm,
    ChangePlacementForm,
    ChangeWhatForm,
    EpisodeCorrectForm,
    LegalStatusForm,
    PlacementForm,
)
from reviews.models import Episode, PeriodOfCare
from reviews.services import (
    ALREADY_LOOKED_AFTER,
    EPISODE_VALUES,
    EPISODE_WITHDRAWN,
    NOT_LOOKED_AFTER,
    EpisodeChange,
    care_change,
    care_end,
    care_start,
    current_episode,
    due_message,
)
from reviews.services import (
    episode_correct as episode_correct_save,
)
from reviews.services import (
    episode_withdraw as episode_withdraw_save,
)


@dataclass(frozen=True)
class Question:
    slug: str
    form_class: type[CareQuestion]
    heading: str  # {child} is the child's name
    asked: Callable[[Answers], bool] = lambda answers: True
    # (label, answer) rows for the check page, from the form's cleaned data.
    rows: Callable[[CareQuestion], list[tuple[str, str]]] = lambda form: []


@dataclass(frozen=True)
class CareJourney:
    slug: str
    title: str  # {child} is the child's name
    questions: tuple[Question, ...]
    needs_open_episode: bool
    save: Callable[..., PeriodOfCare]
    # Which question page each service error belongs on.
    field_questions: dict[str, str] = field(default_factory=dict)


def _choice(form: CareQuestion, name: str) -> str:
    value = form.cleaned_data.get(name)
    choices = dict(getattr(form.fields[name], "choices", []))
    return str(choices.get(value, value or "Not given"))


def _date(form: CareQuestion, name: str) -> str:
    return long_date(form.cleaned_data[name])


def _placement_rows(form: CareQuestion) -> list[tuple[str, str]]:
    return [
        ("Type of placement", _choice(form, "placement")),
        ("Placement provider", _choice(form, "placement_provider")),
        ("Postcode of the placement", form.cleaned_data.get("placement_postcode") or "Not given"),
    ]


def _changes(answers: Answers, *kinds: str) -> bool:
    return answers.get("changes") in kinds


def _save_start(*, child: Child, answers: Answers, user) -> PeriodOfCare:
    return care_start(
        child=child,
        started_on=answers["started_on"],
        legal_status=answers["legal_status"],
        category_of_need=answers["category_of_need"],
        placement=answers["placement"],
        placement_provider=answers["placement_provider"],
        placement_postcode=answers.get("placement_postcode", ""),
    )


def _save_change(*, child: Child, answers: Answers, user) -> PeriodOfCare:
    current = current_episode(child)
    if current is None:
        raise ValidationError({"changed_on": NOT_LOOKED_AFTER.format(child=child.full_name)})
    placement_changes = _changes(answers, CHANGE_PLACEMENT, CHANGE_BOTH)
    legal_changes = _changes(answers, CHANGE_LEGAL_STATUS, CHANGE_BOTH)
    return care_change(
        child=child,
        changed_on=answers["changed_on"],
        legal_status=answers["legal_status"] if legal_changes else current.legal_status,
        placement=answers["placement"] if placement_changes else current.placement,
        placement_provider=answers["placement_provider"]
        if placement_changes
        else current.placement_provider,
        placement_postcode=answers.get("placement_postcode", "")
        if placement_changes
        else current.placement_postcode,
        same_carer=answers.get("same_carer", False),
        reason_place_change=answers.get("reason_place_change", ""),
    )


def _save_end(*, child: Child, answers: Answers, user) -> PeriodOfCare:
    return care_end(
        child=child,
        ended_on=answers["ended_on"],
        reason_ceased=answers["reason_ceased"],
        by=user,
    )


JOURNEYS = {
    journey.slug: journey
    for journey in [
        CareJourney(
            slug="start",
            title="{child} starts to be looked after",
            needs_open_episode=False,
            save=_save_start,
            questions=(
                Question(
                    "date",
                    CareStartedForm,
                    "When did {child} start to be looked after?",
                    rows=lambda f: [("Started to be looked after", _date(f, "started_on"))],
                ),
                Question(
                    "legal-status",
                    LegalStatusForm,
                    "What is {child}'s legal status?",
                    rows=lambda f: [("Legal status", _choice(f, "legal_status"))],
                ),
                Question(
                    "need",
                    CategoryOfNeedForm,
                    "What is {child}'s category of need?",
                    rows=lambda f: [("Category of need", _choice(f, "category_of_need"))],
                ),
                Question(
                    "placement", PlacementForm, "Where is {child} placed?", rows=_placement_rows
                ),
            ),
            field_questions={
                "started_on": "date",
                "reason_new_episode": "date",
                "legal_status": "legal-status",
                "category_of_need": "need",
                "placement": "placement",
                "placement_provider": "placement",
            },
        ),
        CareJourney(
            slug="change",
            title="A change of placement or legal status for {child}",
            needs_open_episode=True,
            save=_save_change,
            questions=(
                Question(
                    "what",
                    ChangeWhatForm,
                    "What has changed for {child}?",
                    rows=lambda f: [
                        ("What has changed", _choice(f, "changes")),
                        ("Date of the change", _date(f, "changed_on")),
                    ],
                ),
                Question(
                    "legal-status",
                    LegalStatusForm,
                    "What is {child}'s new legal status?",
                    asked=lambda a: _changes(a, CHANGE_LEGAL_STATUS, CHANGE_BOTH),
                    rows=lambda f: [("New legal status", _choice(f, "legal_status"))],
                ),
                Question(
                    "placement",
                    ChangePlacementForm,
                    "Where is {child} placed now?",
                    asked=lambda a: _changes(a, CHANGE_PLACEMENT, CHANGE_BOTH),
                    rows=lambda f: [
                        *_placement_rows(f),
                        ("Same carer", "Yes" if f.cleaned_data["same_carer"] else "No"),
                        (
                            "Reason the placement changed",
                            _choice(f, "reason_place_change"),
                        ),
                    ],
                ),
            ),
            field_questions={
                "changed_on": "what",
                "reason_new_episode": "what",
                "legal_status": "legal-status",
                "placement": "placement",
                "placement_provider": "placement",
                "reason_place_change": "placement",
            },
        ),
        CareJourney(
            slug="end",
            title="{child} stops being looked after",
            needs_open_episode=True,
            save=_save_end,
            questions=(
                Question(
                    "end",
                    CareEndedForm,
                    "When and why did {child} stop being looked after?",
                    rows=lambda f: [
                        ("Stopped being looked after", _date(f, "ended_on")),
                        ("Reason", _choice(f, "reason_ceased")),
                    ],
                ),
            ),
            field_questions={"ended_on": "end", "reason_ceased": "end"},
        ),
    ]
}


def _answers_journey(child: Child, care: CareJourney, current: Episode | None) -> Journey:
    """The journey's pages for this child, each form told the child and their episode."""

    def page(question: Question):
        return lambda data, answers: question.form_class(
            data, child=child, current=current, answers=answers
        )

    return Journey(
        f"care:{child.child_id}:{care.slug}",
        tuple(Step(q.slug, page(q), asked=q.asked) for q in care.questions),
    )


def _journey(request, child_id: str, slug: str) -> tuple[Child, CareJourney]:
    journey = JOURNEYS.get(slug)
    if journey is None:
        raise Http404
    require_perm(request, "reviews.add_episode")
    child = get_object_or_404(Child, child_id=child_id)
    require_object_perm(request, "reviews.record_care", child)
    return child, journey


def _does_not_apply(child: Child, journey: CareJourney, current: Episode | None) -> str | None:
    if journey.needs_open_episode and current is None:
        return NOT_LOOKED_AFTER.format(child=child.full_name)
    if not journey.needs_open_episode and current is not None:
        start = current.period.started_on if current.period else None
        return ALREADY_LOOKED_AFTER.format(
            child=child.full_name, start=long_date(start or current.started_on)
        )
    return None


def _not_applicable_page(request, child: Child, journey: CareJourney, why: str):
    return render(
        request,
        "reviews/care_not_applicable.html",
        {"child": child, "heading": journey.title.format(child=child.full_name), "why": why},
    )


def _caption(child: Child, journey: CareJourney) -> str:
    return f"{journey.title.format(child=child.full_name)}, child {child.child_id}"


def _question_url(child: Child, journey: CareJourney, question: Question) -> str:
    return reverse("reviews:care_question", args=[child.child_id, journey.slug, question.slug])


def _check_url(child: Child, journey: CareJourney) -> str:
    return reverse("reviews:care_check", args=[child.child_id, journey.slug])


@role_required(Role.BUSINESS_SUPPORT, Role.IRO, Role.ADMINISTRATOR)
def care_question(request, child_id: str, journey: str, question: str):
    """One question of a care journey; on an answer, the next unanswered question, or
    the check-your-answers page."""
    child, care = _journey(request, child_id, journey)
    current = current_episode(child)
    why = _does_not_apply(child, care, current)
    if why:
        return _not_applicable_page(request, child, care, why)
    asked = _by_slug(care, question)
    pages = _answers_journey(child, care, current)
    form = cast(CareQuestion, pages.page_form(request, question))

    def keep(_data) -> str:
        pages.keep(request, asked.slug, form)
        following = pages.following(request, asked.slug, skip_answered=True)
        return (
            _question_url(child, care, _by_slug(care, following))
            if following
            else _check_url(child, care)
        )

    before = pages.previous(request, asked.slug)
    back = (
        _question_url(child, care, _by_slug(care, before))
        if before
        else reverse("children:child_detail", args=[child.child_id])
    )
    return form_page(
        request,
        form,
        heading=asked.heading.format(child=child.full_name),
        caption=_caption(child, care),
        back_url=back,
        save=keep,
        success_url=lambda url: url,
    )


@role_required(Role.BUSINESS_SUPPORT, Role.IRO, Role.ADMINISTRATOR)
def care_check(request, child_id: str, journey: str):
    """Check your answers, then save them: the service checks the DfE rules again, and
    the page after shows the review due date that the change started, and why."""
    child, care = _journey(request, child_id, journey)
    current = current_episode(child)
    why = _does_not_apply(child, care, current)
    if why:
        return _not_applicable_page(request, child, care, why)
    pages = _answers_journey(child, care, current)
    walk = pages.walk(request)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and walk.unanswered:
        return redirect(_question_url(child, care, _by_slug(care, walk.unanswered[0].slug)))
    if request.method == "POST":
        try:
            period = care.save(child=child, answers=walk.answers, user=request.user)
        except ValidationError as error:
            messages_by_field = (
                error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            )
            first = care.questions[0].slug
            for name, texts in messages_by_field.items():
                slug = care.field_questions.get(name, first)
                errors += [(_question_url(child, care, _by_slug(care, slug)), t) for t in texts]
        else:
            pages.clear(request)
            messages.success(request, due_message(period))
            return redirect("children:child_detail", child_id=child.child_id)
    sections = []
    for step, form in walk.forms:
        question = _by_slug(care, step.slug)
        rows = (
            question.rows(cast(CareQuestion, form))
            if form
            else [(question.heading.format(child=child.full_name), "")]
        )
        sections.append((_question_url(child, care, question), rows, form is not None))
    return render(
        request,
        "reviews/care_check.html",
        {
            "child": child,
            "heading": "Check your answers",
            "caption": _caption(child, care),
            "sections": sections,
            "errors": errors,
            "back_url": sections[-1][0] if sections else "",
            "complete": not walk.unanswered,
        },
        status=400 if errors else 200,
    )


def _by_slug(journey: CareJourney, slug: str) -> Question:
    question = next((q for q in journey.questions if q.slug == slug), None)
    if question is None:
        raise Http404
    return question


# Correcting or withdrawing an episode entered wrongly ----------------------------------


def _episode(request, episode_pk: int) -> Episode:
    """The episode a page changes (its child's: business support, the child's IRO or a
    manager), withdrawn or not."""
    require_perm(request, "reviews.change_episode")
    episode = get_object_or_404(Episode.all_objects.select_related("child"), pk=episode_pk)
    require_object_perm(request, "reviews.record_care", episode.child)
    return episode


def _episode_withdrawn(request, episode: Episode):
    return render(
        request,
        "reviews/care_not_applicable.html",
        {
            "child": episode.child,
            "heading": "This episode cannot be changed",
            "why": EPISODE_WITHDRAWN.format(reason=episode.withdrawn_reason),
        },
        status=409,
    )


def _episode_caption(episode: Episode) -> str:
    child = episode.child
    end = f" to {long_date(episode.ended_on)}" if episode.ended_on else ", still open"
    return f"{child.full_name}, episode from {long_date(episode.started_on)}{end}"


@role_required(Role.BUSINESS_SUPPORT, Role.IRO, Role.ADMINISTRATOR)
def episode_correct(request, episode_pk: int):
    """Correct an episode's dates and codes, saying why; the page after says when the
    next review is now due, and why."""
    episode = _episode(request, episode_pk)
    if episode.is_withdrawn:
        return _episode_withdrawn(request, episode)
    child = episode.child
    form = EpisodeCorrectForm(
        posted(request),
        child=child,
        initial={name: getattr(episode, name) for name in EPISODE_VALUES},
    )

    def save(data) -> EpisodeChange:
        return episode_correct_save(episode=episode, by=request.user, **data)

    return form_page(
        request,
        form,
        heading="Correct an episode of care",
        caption=_episode_caption(episode),
        intro="Correct what was entered wrongly. If this episode began with a change, "
        "moving its start moves the end of the episode before; likewise its end.",
        back_url=reverse("children:child_detail", args=[child.child_id]),
        save=save,
        success_url=reverse("children:child_detail", args=[child.child_id]),
        success_message=lambda change: f"Episode corrected. {change.message}",
    )


@role_required(Role.BUSINESS_SUPPORT, Role.IRO, Role.ADMINISTRATOR)
def episode_withdraw(request, episode_pk: int):
    """Withdraw an episode entered in error: kept with the reason, read nowhere; the page
    after says when the next review is now due, and why."""
    episode = _episode(request, episode_pk)
    if episode.is_withdrawn:
        return _episode_withdrawn(request, episode)
    child = episode.child
    return form_page(
        request,
        WithdrawForm(posted(request)),
        heading="Withdraw an episode entered in error",
        caption=_episode_caption(episode),
        intro=f"{episode.get_legal_status_display()}; {episode.get_placement_display()}. "
        "If it began with a change, the episode before gets its end back.",
        back_url=reverse("children:child_detail", args=[child.child_id]),
        save=lambda data: episode_withdraw_save(
            episode=episode, reason=data["reason"], by=request.user
        ),
        success_url=reverse("children:child_detail", args=[child.child_id]),
        success_message=lambda change: f"Episode withdrawn. {change.message}",
    )
