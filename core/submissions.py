"""Nothing lost, nothing doubled (docs/adr/0011-nothing-lost-nothing-doubled.md).

Every form Oversight draws carries a one-time token (`{% submission_token %}`, drawn by
crispy forms beside the CSRF token). `OneSubmissionMiddleware` claims it, as a unique
row, before the view runs: a second click on Save does not run the view again but goes
where the first went, or, while the first is still saving, says so.

A form sent after the person's sign-in had ended (the idle timeout) is kept by
`KeepingLoginRequiredMiddleware` for the person who last held the session, and offered
back to them, and only them, once they sign in again ("Your answers were kept").
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from core.models import FormSubmission, KeptSubmission

# The hidden fields: the one-time token, and (on the page that sends kept answers again)
# which kept submission the post is.
SUBMISSION_FIELD = "submission_token"
KEPT_FIELD = "kept_submission"
_NOT_KEPT = {SUBMISSION_FIELD, KEPT_FIELD, "csrfmiddlewaretoken"}
_TOKEN = re.compile(r"\A[A-Za-z0-9_-]{16,64}\Z")

# A token and a kept form are wanted for minutes; a day is the most either is kept.
KEPT_FOR = dt.timedelta(days=1)
# How long a second click waits for the first to finish before saying it is still saving.
WAIT_FOR_FIRST_SECONDS = 3.0

# The signed cookie naming who last held the session in this browser, so a form sent
# after the session ended can be kept for that person. Removed when they sign out.
LAST_USER_COOKIE = "oversight_last_user"
_LAST_USER_SALT = "core.submissions.last_user"

# Messages (tests import these).
SENT_TWICE = "You sent this form twice. It was saved once."
STILL_SAVING_HEADING = "You have already sent this form"
KEPT_ON_SIGN_IN = (
    "You were signed out because you had not done anything for a while. Your answers "
    "have been kept: sign in again to save them."
)
KEPT_GONE = "Those answers are no longer kept. Answers are kept for a day."
KEPT_DISCARDED = "Your kept answers have been deleted."


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)


def _token(request: HttpRequest) -> str | None:
    token = request.POST.get(SUBMISSION_FIELD, "")
    return token if _TOKEN.match(token) else None


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class OneSubmissionMiddleware:
    """Run a form's view once per one-time token.

    The token is claimed (a unique row) after the CSRF and sign-in checks and before
    the view: of two posts with one token, only the first runs the view. A redirect
    (a save) is remembered for the second; any other answer (the form shown again with
    errors, a download) releases the token, so sending the same page again is harmless.
    A post with no token (an API client) runs as it always did.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        claimed: FormSubmission | None = getattr(request, "_form_submission", None)
        if claimed is not None:
            if isinstance(response, HttpResponseRedirect):
                claimed.redirect_to = response["Location"]
                claimed.finished_at = timezone.now()
                claimed.save(update_fields=["redirect_to", "finished_at"])
            else:
                claimed.delete()
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.method != "POST" or (token := _token(request)) is None:
            return None
        deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
        while True:
            try:
                with transaction.atomic():
                    claimed = FormSubmission.objects.create(
                        token=token, user_id=_user_id(request), path=request.path[:500]
                    )
            except IntegrityError:
                first = FormSubmission.objects.filter(token=token).first()
                if first is not None and first.finished_at is not None:
                    return self._sent_twice(request, first)
                if time.monotonic() >= deadline:
                    return self._still_saving(request)
                if first is not None:  # the first is still running: wait for it
                    time.sleep(0.1)
                continue  # (or it was released, having saved nothing: claim it again)
            request._form_submission = claimed  # type: ignore[attr-defined]
            FormSubmission.objects.filter(claimed_at__lt=timezone.now() - KEPT_FOR).delete()
            return None

    def _sent_twice(self, request: HttpRequest, first: FormSubmission) -> HttpResponseBase:
        if first.user_id != _user_id(request):
            return self._still_saving(request)
        messages.info(request, SENT_TWICE)
        return HttpResponseRedirect(first.redirect_to)

    def _still_saving(self, request: HttpRequest) -> HttpResponseBase:
        return TemplateResponse(
            request,
            "core/submission_still_saving.html",
            {"heading": STILL_SAVING_HEADING, "path": request.path},
            status=409,
        ).render()


# Signing in again keeps a form ------------------------------------------------------


def _last_user(request: HttpRequest) -> Any | None:
    """The active person who last held a session in this browser, within KEPT_FOR."""
    value = request.COOKIES.get(LAST_USER_COOKIE)
    if not value:
        return None
    try:
        pk = signing.loads(value, salt=_LAST_USER_SALT, max_age=KEPT_FOR)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


class LastUserCookieMiddleware:
    """Remember, in a signed cookie, who holds the session in this browser; forget it
    when they sign out (a deliberate sign-out keeps nothing for later)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        before = _user_id(request)
        response = self.get_response(request)
        after = _user_id(request)
        if after is not None:
            response.set_cookie(
                LAST_USER_COOKIE,
                signing.dumps(after, salt=_LAST_USER_SALT),
                max_age=int(KEPT_FOR.total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif before is not None:
            response.delete_cookie(LAST_USER_COOKIE, samesite="Lax")
        return response


def kept_submission_keep(*, request: HttpRequest, user: Any) -> KeptSubmission:
    """Keep a post sent after its session ended, for `user` to send again."""
    KeptSubmission.objects.filter(kept_at__lt=timezone.now() - KEPT_FOR).delete()
    data = [
        [name, value]
        for name, values in request.POST.lists()
        # A password (an export's lock) is never written down: it is asked for again.
        if name not in _NOT_KEPT and not name.endswith("password")
        for value in values
    ]
    return KeptSubmission.objects.create(
        key=secrets.token_urlsafe(32),
        user=user,
        path=request.get_full_path()[:500],
        data=data,
    )


class KeepingLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except that a form sent after the sign-in ended
    is kept for the person who last held the session, and offered back after they sign
    in. (A file upload is not kept: the file is not held server-side.)"""

    def handle_no_permission(
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponseRedirect:
        user = _last_user(request) if request.method == "POST" and not request.FILES else None
        if user is None:
            return super().handle_no_permission(request, view_func)
        kept = kept_submission_keep(request=request, user=user)
        messages.info(request, KEPT_ON_SIGN_IN)
        return redirect_to_login(
            reverse("kept_submission", args=[kept.key]),
            self.get_login_url(view_func),
            self.get_redirect_field_name(view_func),
        )


class KeptSubmissionSentMiddleware:
    """Once kept answers have been sent again (and the view has answered), they are no
    longer kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method == "POST" and (key := request.POST.get(KEPT_FIELD)):
            user_id = _user_id(request)
            if user_id is not None and response.status_code < 500:
                KeptSubmission.objects.filter(key=key, user_id=user_id).delete()
        return response


def kept_submission_for(*, key: str, user: Any) -> KeptSubmission | None:
    """The kept answers `key`, if they are this person's and not too old."""
    return KeptSubmission.objects.filter(
        key=key, user=user, kept_at__gte=timezone.now() - KEPT_FOR
    ).first()
