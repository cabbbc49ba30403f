"""A question journey: GOV.UK question pages one after another, then check your answers.

Every journey (a new child, a period of care, a referral, a transfer in, a new foster
household) keeps its answers in the session, one entry per question page, as the
browser sent them: only the page form's own fields, never the CSRF or one-time
submission tokens. Each page shows its answers again to change, and the check page binds
every page's form again, so an answer that has stopped being valid since (a reference
another record took meanwhile) is found before anything is saved. Saving, or starting
again, forgets the answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.forms import Form
from django.http import Http404, HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

# A page's answers as sent: field name to the values the browser posted.
Posted = dict[str, list[str]]
# The cleaned answers of the pages answered so far, all pages together.
Answers = dict[str, Any]
# Builds a page's form: bound to the data given (None: unbound) and told the answers
# to the pages before it (an unborn child is asked an expected date, not a birth date).
FormFactory = Callable[[QueryDict | None, Answers], Form]

# The most a page keeps, so a crafted post cannot fill the session.
_MOST_VALUES = 20
_LONGEST_VALUE = 5000


def _always(answers: Answers) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    """One question page: its slug in the address, its form, and whether it is asked."""

    slug: str
    form: FormFactory
    asked: Callable[[Answers], bool] = _always


@dataclass(frozen=True)
class Walk:
    """The journey as answered so far: each page asked, with its valid form or None."""

    answers: Answers
    forms: tuple[tuple[Step, Form | None], ...]

    @property
    def unanswered(self) -> list[Step]:
        return [step for step, form in self.forms if form is None]

    @property
    def complete(self) -> bool:
        return not self.unanswered

    @property
    def asked(self) -> list[str]:
        return [step.slug for step, _form in self.forms]

    def form(self, slug: str) -> Form | None:
        return next((form for step, form in self.forms if step.slug == slug), None)


def _bound(posted: Mapping[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in posted.items():
        data.setlist(key, values)
    return data


def _own_fields(form: Form) -> Posted:
    """The posted values that belong to the form's fields (a date's parts are name_0...)."""
    names = set(form.fields)
    data = form.data
    pairs = data.lists() if isinstance(data, MultiValueDict) else data.items()
    kept: Posted = {}
    for key, values in pairs:
        if key in names or key.rpartition("_")[0] in names:
            listed = values if isinstance(values, list) else [values]
            kept[key] = [str(value)[:_LONGEST_VALUE] for value in listed[:_MOST_VALUES]]
    return kept


@dataclass(frozen=True)
class Journey:
    """A journey's question pages in order, and its answers in the session under `key`."""

    key: str
    steps: tuple[Step, ...]
    _by_slug: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", {step.slug: step for step in self.steps})

    def step(self, slug: str) -> Step:
        """The page with this slug; any other address is not found."""
        try:
            return self._by_slug[slug]
        except KeyError:
            raise Http404 from None

    # The session --------------------------------------------------------------------

    def stored(self, request: HttpRequest) -> dict[str, Posted]:
        kept = request.session.get(self.key)
        if not isinstance(kept, dict):
            return {}
        return {
            slug: posted
            for slug, posted in kept.items()
            if slug in self._by_slug and isinstance(posted, dict)
        }

    def keep(self, request: HttpRequest, slug: str, form: Form) -> None:
        """Keep a page's valid answers as posted (its own fields only)."""
        stored = self.stored(request)
        stored[slug] = _own_fields(form)
        request.session[self.key] = stored

    def forget(self, request: HttpRequest, *slugs: str) -> None:
        """Forget some pages' answers (an earlier answer made them mean something else)."""
        stored = self.stored(request)
        for slug in slugs:
            stored.pop(slug, None)
        request.session[self.key] = stored

    def clear(self, request: HttpRequest) -> None:
        """Forget every answer: the journey was saved, or starts again."""
        request.session.pop(self.key, None)

    # The pages ----------------------------------------------------------------------

    def walk(self, request: HttpRequest) -> Walk:
        """Bind each asked page's kept answers again, in order."""
        stored = self.stored(request)
        answers: Answers = {}
        walked: list[tuple[Step, Form | None]] = []
        for step in self.steps:
            if not step.asked(answers):
                continue
            form = None
            if step.slug in stored:
                candidate = step.form(_bound(stored[step.slug]), dict(answers))
                if candidate.is_valid():
                    form = candidate
                    answers.update(candidate.cleaned_data)
            walked.append((step, form))
        return Walk(answers, tuple(walked))

    def page_form(self, request: HttpRequest, slug: str) -> Form:
        """A page's form: bound to what was posted, else to its kept answers (checked
        again, so a problem the check page found shows), else unbound."""
        step = self.step(slug)
        answers = self.walk(request).answers
        if request.method == "POST":
            return step.form(request.POST, answers)
        stored = self.stored(request)
        if slug in stored:
            form = step.form(_bound(stored[slug]), answers)
            form.is_valid()
            return form
        return step.form(None, answers)

    def following(self, request: HttpRequest, slug: str, *, skip_answered: bool) -> str | None:
        """The page after this one, or None for the check page.

        An unanswered page after this one comes first. Otherwise, skipping answered
        pages (a change from the check page, or a journey that always does) goes to any
        page still unanswered, else the check page; not skipping, to the next page.
        """
        walk = self.walk(request)
        asked = walk.asked
        later = asked[asked.index(slug) + 1 :] if slug in asked else []
        unanswered = [step.slug for step in walk.unanswered]
        missing = [s for s in later if s in unanswered]
        if missing:
            return missing[0]
        if skip_answered:
            return unanswered[0] if unanswered else None
        return later[0] if later else None

    def previous(self, request: HttpRequest, slug: str) -> str | None:
        """The page before this one (None on the first), for its back link."""
        asked = self.walk(request).asked
        if slug not in asked:
            asked = [step.slug for step in self.steps]
        at = asked.index(slug)
        return asked[at - 1] if at > 0 else None
