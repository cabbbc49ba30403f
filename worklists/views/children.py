import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.deadlines import deadline_state
from core.forms import form_page, posted
from core.permissions import role_required
from core.record import record_sections_for
from core.roles import Role, user_roles
from core.services import today
from iro.forms import CaseloadFilterForm, ReallocationForm
from iro.models import Child
from iro.services import family_allocate, iro_allocate
from reviews.models import ReviewStatus
from worklists.selectors import NEVER, caseload_children, caseloads, child_timeline, next_due_of

SORTS = {
    "due": (("next_due",), "Next statutory date"),
    "name": (("last_name", "first_name"), "Name"),
    "contact": (("last_contact",), "Last IRO contact"),
}


@role_required()
def caseload(request):
    """The children an IRO holds, with what is due next and why; sortable and filterable."""
    form = CaseloadFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    mine = getattr(request.user, "iro_profile", None)
    iro = data.get("iro") or (mine if Role.IRO in user_roles(request.user) else None)
    if "iro" in request.GET and not data.get("iro"):
        iro = None  # "Everyone" chosen explicitly
    as_of = today()
    children = caseload_children(iro=iro)
    if q := data.get("q"):
        children = children.filter(
            Q(child_id__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    if data.get("area") == "looked_after":
        children = children.filter(lac_due__isnull=False)
    elif data.get("area") == "protection":
        children = children.filter(Q(rcpc_due__isnull=False) | Q(icpc_due__isnull=False))
    if data.get("status") == "overdue":
        children = children.filter(next_due__lt=as_of)
    elif data.get("status") == "soon":
        children = children.filter(next_due__lte=as_of + dt.timedelta(days=28))
    sort = request.GET.get("sort", "due")
    sort = sort if sort in SORTS else "due"
    descending = request.GET.get("dir") == "desc"
    order = [
        F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True)
        for f in SORTS[sort][0]
    ]
    children = children.order_by(*order, "last_name", "child_id")
    page = Paginator(children, 25).get_page(request.GET.get("page"))
    rows = []
    for child in page.object_list:
        due = next_due_of(child)
        state = deadline_state(due.on if due else None, as_of=as_of)
        rows.append(
            {
                "child": child,
                "due": due,
                "state": state,
                "overdue": state is not None and state.overdue,
                "soon": state is not None and state.soon and not state.overdue,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    headers = []
    for key, (_, label) in SORTS.items():
        link = query.copy()
        link["sort"] = key
        link["dir"] = "desc" if key == sort and not descending else "asc"
        current = "descending" if descending else "ascending"
        headers.append(
            {"label": label, "url": link.urlencode(), "aria": current if key == sort else "none"}
        )
    return render(
        request,
        "worklists/caseload.html",
        {
            "form": form if form.is_bound else CaseloadFilterForm(initial={"iro": iro}),
            "rows": rows,
            "page": page,
            "headers": headers,
            "iro": iro,
            "query": query.urlencode(),
            "never": NEVER,
        },
    )


# The area's rule for recording a review (reviews/permissions.py).
RECORD_REVIEW = "reviews.record_review"


@role_required()
def child_detail(request, child_id: str):
    """A child's record: identity, what is due next and why, and a timeline of events."""
    child = get_object_or_404(Child.objects.select_related("family"), child_id=child_id)
    allocation = child.allocations.filter(ended_on__isnull=True).select_related("iro__user").first()
    periods = list(child.periods_of_care.order_by("-first_recorded_on"))
    reviews = list(
        child.lac_reviews.exclude(status=ReviewStatus.CANCELLED)
        .select_related("chair__user")
        .prefetch_related("decisions")
        .order_by("-held_on")
    )
    plans = list(child.cp_plans.order_by("-started_on"))
    enquiries = list(child.section47_enquiries.order_by("-strategy_discussion_on"))
    conferences = list(
        child.conferences.select_related("conference").order_by("-conference__held_on")
    )
    disputes = list(
        child.disputes.select_related("resolved_at_level").prefetch_related("stages__level")
    )
    contacts = list(child.iro_contacts.select_related("iro__user"))
    booked = [r for r in reviews if r.status == ReviewStatus.SCHEDULED]
    as_of = today()
    user = request.user
    open_period = next((p for p in periods if p.is_open), None)
    open_plan = next((p for p in plans if p.ended_on is None), None)
    open_enquiry = next(
        (e for e in enquiries if e.concluded_on is None and not e.icpc_not_required), None
    )
    held = [r for r in reviews if r.status == ReviewStatus.HELD]
    return render(
        request,
        "worklists/child_detail.html",
        {
            "child": child,
            "age": child.age_on(today()),
            "today": today(),
            "allocation": allocation,
            "open_period": open_period,
            "open_plan": open_plan,
            "open_enquiry": open_enquiry,
            "states": {
                "lac": deadline_state(open_period and open_period.next_review_due, as_of=as_of),
                "icpc": deadline_state(open_enquiry and open_enquiry.icpc_due, as_of=as_of),
                "rcpc": deadline_state(open_plan and open_plan.next_review_due, as_of=as_of),
            },
            "booked": booked,
            "booked_rows": [(r, user.has_perm(RECORD_REVIEW, r)) for r in booked],
            "can_record_review": user.has_perm(RECORD_REVIEW, child),
            "can_record_contact": hasattr(user, "iro_profile")
            and user.has_perm("reviews.record_contact", child),
            "latest_review": held[0] if held else None,
            "disputes": disputes,
            "record_sections": record_sections_for(child=child, as_of=today()),
            "timeline": child_timeline(
                periods=periods,
                episodes=child.episodes.all(),
                reviews=held,
                plans=plans,
                enquiries=enquiries,
                conferences=conferences,
                disputes=disputes,
                contacts=contacts,
            ),
        },
    )


@role_required(Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR, Role.BUSINESS_SUPPORT, Role.IRO)
def allocation(request):
    """Each IRO's caseload per full-time post against the Handbook's range."""
    low, high = settings.OVERSIGHT_CASELOAD_RANGE
    loads = sorted(caseloads(), key=lambda c: c.per_fte, reverse=True)
    return render(
        request,
        "worklists/allocation.html",
        {
            "loads": loads,
            "low": low,
            "high": high,
            "can_reallocate": request.user.has_perm("iro.change_iroallocation"),
            "total": sum(c.children for c in loads),
            "fte": sum(c.iro.fte for c in loads),
        },
    )


@role_required(Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def reallocate(request, child_id: str):
    """Move a child (and, by default, their siblings) to another IRO, recording why."""
    child = get_object_or_404(Child.objects.select_related("family"), child_id=child_id)
    form = ReallocationForm(posted(request), child=child, initial={"started_on": today()})

    def save(data):
        if data.get("with_siblings") and child.family is not None:
            return family_allocate(
                family=child.family,
                iro=data["iro"],
                started_on=data["started_on"],
                reason=data["reason"],
            )
        return [iro_allocate(child=child, **{k: data[k] for k in ("iro", "started_on", "reason")})]

    return form_page(
        request,
        form,
        heading=f"Move {child.full_name} to another IRO",
        caption=f"Child {child.child_id}",
        back_url=reverse("children:child_detail", args=[child.child_id]),
        save=save,
        success_url=reverse("children:allocation"),
        success_message=lambda moved: (
            f"Moved {', '.join(a.child.full_name for a in moved)} to {form.cleaned_data['iro']}"
        ),
    )
