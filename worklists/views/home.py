from collections import Counter

from django.core.paginator import Paginator
from django.shortcuts import render

from core.permissions import role_required
from core.roles import Role, user_roles
from core.services import today
from worklists.alerts import digest_for
from worklists.deadlines import KIND_LABELS, DeadlineKind, open_deadlines
from worklists.models import DeadlineDigest


@role_required()
def home(request):
    """Tonight's digest for the signed-in person, the same as their email, with reasons."""
    as_of = today()
    items = digest_for(request.user, as_of=as_of)
    counts = Counter(i.status for i in items)
    unsent = None
    if Role.ADMINISTRATOR in user_roles(request.user):
        unsent = DeadlineDigest.objects.filter(sent_at__isnull=True, for_date__lt=as_of).count()
    return render(
        request,
        "worklists/home.html",
        {
            "items": items,
            "overdue": counts["overdue"],
            "due_soon": counts["due"],
            "notices": counts["notice"],
            "as_of": as_of,
            "unsent": unsent,
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
        "worklists/deadline_list.html",
        {
            "page": page,
            "kinds": [(k.value, KIND_LABELS[k]) for k in DeadlineKind],
            "kind": kind,
            "status": status,
            "total": len(items),
        },
    )
