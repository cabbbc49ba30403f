"""The header's search: a child by name, council child ID or UPN."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import render

from core.permissions import require_perm, role_required
from iro.models import IROAllocation
from iro.selectors import children_matching

# Shorter than this finds too many to read; longer is not a name or an ID.
SHORTEST_SEARCH = 2
LONGEST_SEARCH = 100
SEARCH_TOO_SHORT = f"Enter at least {SHORTEST_SEARCH} characters of a name, child ID or UPN"
SEARCH_TOO_LONG = f"Enter no more than {LONGEST_SEARCH} characters"


@role_required()
def search(request):
    """Children whose name, council child ID or UPN matches, 25 a page (every role may
    read every child's record, as iro.permissions grants)."""
    require_perm(request, "iro.view_child")
    query = request.GET.get("q", "").strip()
    problem = ""
    if request.GET.get("q") is not None and len(query) < SHORTEST_SEARCH:
        problem = SEARCH_TOO_SHORT
    elif len(query) > LONGEST_SEARCH:
        problem = SEARCH_TOO_LONG
    page = None
    if query and not problem:
        # One open allocation a child: unordered (the model's order joins the child).
        held = IROAllocation.objects.filter(child=OuterRef("pk"), ended_on__isnull=True).order_by()
        children = (
            children_matching(query, user=request.user)
            .annotate(
                iro_first=Subquery(held.values("iro__user__first_name")[:1]),
                iro_last=Subquery(held.values("iro__user__last_name")[:1]),
            )
            .order_by("last_name", "first_name", "child_id")
        )
        page = Paginator(children, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "worklists/search.html",
        {
            "q": query,
            "problem": problem,
            "page": page,
            "query": urlencode({"q": query}) if query else "",
        },
        status=400 if problem else 200,
    )
