from collections import Counter

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from .deadlines import KIND_LABELS, DeadlineKind, open_deadlines
from .permissions import role_required
from .roles import Role, user_roles
from .services import today

SOON_DAYS = 28


@role_required()
def home(request):
    """What needs the signed-in person: their own items for an IRO, the unit's otherwise."""
    as_of = today()
    mine = Role.IRO in user_roles(request.user) and hasattr(request.user, "iro_profile")
    items = open_deadlines(
        as_of=as_of,
        within_days=SOON_DAYS,
        iro_user_id=request.user.pk if mine else None,
    )
    counts = Counter(d.status for d in items)
    return render(
        request,
        "core/home.html",
        {
            "items": items[:50],
            "more": max(len(items) - 50, 0),
            "overdue": counts["overdue"],
            "due_soon": counts["due"],
            "mine": mine,
            "soon_days": SOON_DAYS,
            "as_of": as_of,
        },
    )


@role_required()
def deadline_list(request):
    """Every open statutory deadline in the unit, filterable by kind and status."""
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    items = open_deadlines(as_of=today())
    if kind in DeadlineKind.__members__.values():
        items = [d for d in items if d.kind == kind]
    if status in {"overdue", "due"}:
        items = [d for d in items if d.status == status]
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/deadline_list.html",
        {
            "page": page,
            "kinds": [(k.value, KIND_LABELS[k]) for k in DeadlineKind],
            "kind": kind,
            "status": status,
            "total": len(items),
        },
    )


@login_not_required
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request):
    return render(request, "500.html", status=500)
