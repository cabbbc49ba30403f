"""Pages every deployment has: the health check, the error pages, and staying signed in."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.models import KeptSubmission
from core.submissions import KEPT_DISCARDED, KEPT_GONE, kept_submission_for


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


# Signed in for as long as someone is working (core.submissions, docs/adr/0011) ----------


@login_not_required  # signed out: say so, rather than keep this post for later
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": the session runs for the idle timeout again from now."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "expires_in": 0}, status=401)
    request.session.modified = True
    return JsonResponse({"signed_in": True, "expires_in": request.session.get_expiry_age()})


def kept_submission(request: HttpRequest, key: str) -> HttpResponse:
    """Answers kept when a form was sent after sign-in had ended: send them again, or
    delete them. Anyone but the person who sent them is taken to their home page."""
    kept = kept_submission_for(key=key, user=request.user)
    if kept is None:
        if KeptSubmission.objects.filter(key=key, user_id=int(request.user.pk or 0)).exists():
            messages.info(request, KEPT_GONE)
        return redirect(settings.LOGIN_REDIRECT_URL)
    if request.method == "POST":
        kept.delete()
        messages.info(request, KEPT_DISCARDED)
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "core/kept_submission.html", {"kept": kept})
