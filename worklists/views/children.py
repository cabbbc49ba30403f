import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.dates import long_date
from core.deadlines import deadline_state
from core.forms import form_page, posted
from core.permissions import role_required
from core.record import record_sections_for
from core.roles import Role, user_roles
from core.services import today
from iro.forms import EVERYONE, NOBODY, CaseloadFilterForm, ReallocationForm
from iro.models import Child, IndependentReviewingOfficer, PlannedMove
from iro.rules import RESTRICTED_RECORD
from iro.selectors import (
    child_allocations,
    child_by_id,
    children_mask,
    restricted_hidden_from,
)
from iro.services import family_allocate, iro_allocate
from iro.services import planned_move_cancel as planned_move_cancel_service
from protection.selectors import child_conferences, child_enquiries
from reviews.models import ReviewStatus
from reviews.selectors import child_contacts, child_episodes, child_reviews
from worklists.selectors import (
    NEVER,
    EveryoneByDue,
    EveryoneByName,
    caseload_children,
    caseloads_kept,
    child_timeline,
    children_of,
    in_area,
    next_due_of,
    unallocated_count,
    unallocated_listed,
)
from worklists.views.child_details import details_on_record

# "Overdue or due in 28 days" (the filter's "soon").
SOON = dt.timedelta(days=28)

SORTS = {
    "due": (("next_due",), "Next statutory date"),
    "name": (("name_shown", "first_name_shown"), "Name"),
    "contact": (("last_contact",), "Last IRO contact"),
}


def _caseload_form(request) -> CaseloadFilterForm:
    """The filters as asked for; an IRO who chose no IRO sees (and is shown) their own."""
    data = request.GET.copy()
    form = CaseloadFilterForm(data, user_id=request.user.pk)
    if "iro" not in data and Role.IRO in user_roles(request.user):
        # The form has loaded the active IROs already: no query for the user's own.
        mine = form.iro_of(request.user.pk)
        if mine is not None:
            data["iro"] = mine
    form.is_valid()
    return form


@role_required()
def caseload(request):
    """The children an IRO holds, with what is due next and why; sortable and filterable.

    The IRO filter is the one the list was drawn with: an IRO's own caseload unless they
    choose another, "Everyone" (every child held by an IRO or needing one) or "No IRO".
    """
    form = _caseload_form(request)
    data = form.cleaned_data
    choice = data.get("iro", EVERYONE)
    if "iro" in form.errors:  # an IRO who has left, or a made-up value: say so, show all
        shown = form.data.copy()
        shown["iro"] = EVERYONE
        form.data = shown
    iro = choice if isinstance(choice, IndependentReviewingOfficer) else None
    who = "unallocated" if choice == NOBODY else "held" if iro else "all"
    as_of = today()
    children = caseload_children(iro=iro, who=who)
    if q := data.get("q"):
        # A restricted record hidden from this person is found by its ID, never its name
        # (as in the search), or the masked row would say whose it is.
        by_name = Q(first_name__icontains=q) | Q(last_name__icontains=q)
        hidden = restricted_hidden_from(request.user).values("pk")
        children = children.filter(Q(child_id__icontains=q) | (by_name & ~Q(pk__in=hidden)))
    area = data.get("area") or None
    if area:
        children = children.filter(in_area(area))
    # The status filter as a bound on the next date: overdue, or due within 28 days.
    due_by = {"overdue": ("lt", as_of), "soon": ("lte", as_of + SOON)}.get(data.get("status"))
    if due_by is not None:
        children = children.filter(**{f"next_due__{due_by[0]}": due_by[1]})
    sort = request.GET.get("sort", "due")
    sort = sort if sort in SORTS else "due"
    descending = request.GET.get("dir") == "desc"
    order = [
        F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True)
        for f in SORTS[sort][0]
    ]
    hidden = restricted_hidden_from(request.user).values("pk")

    def in_order(rows: QuerySet[Child]) -> QuerySet[Child]:
        # Sorted by the names shown: a restricted record masked for this person sorts as
        # "Restricted record", not where the child's surname would put it.
        return rows.annotate(
            name_shown=Case(
                When(pk__in=hidden, then=Value(RESTRICTED_RECORD)), default=F("last_name")
            ),
            first_name_shown=Case(When(pk__in=hidden, then=Value("")), default=F("first_name")),
        ).order_by(*order, "name_shown", "child_id")

    children = in_order(children)
    listed: Sequence[Child] | QuerySet[Child] = children

    def of(pks):
        return in_order(children_of(pks))

    # The whole unit is paged by indexes, not sorted: soonest first by the dates' (and so
    # the overdue or due soon, and an area), by name by the names'; a page's few children
    # are then read by their pks. Searched, or by last contact, it is sorted whole.
    if who == "all" and not q:
        if sort == "due" and not descending:
            listed = EveryoneByDue(children, kept_as=who, of=of, due_by=due_by, area=area)
        elif sort == "name" and due_by is None and area is None:
            listed = EveryoneByName(
                children, kept_as=who, hidden=hidden, descending=descending, of=of
            )
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    rows = []
    for child in children_mask(page.object_list, user=request.user):
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
            "form": form,
            "rows": rows,
            "page": page,
            "headers": headers,
            "iro": iro,
            "who": who,
            "query": query.urlencode(),
            "never": NEVER,
        },
    )


def _record_contents(sections, *, has_disputes: bool):
    """The record's sections with their anchors, and its contents list: the page's own
    sections, and each registered section that gives a heading (its `heading`, or
    `context["heading"]`)."""
    anchored = [(f"record-section-{n}", s) for n, s in enumerate(sections, start=1)]
    contents = [("child-details", "Details"), ("due-next", "What is due next")]
    if has_disputes:
        contents.append(("challenges", "Challenges"))
    for anchor, section in anchored:
        title = getattr(section, "heading", "") or section.context.get("heading", "")
        if title:
            contents.append((anchor, title))
    contents += [("iro-allocation", "IRO allocation"), ("timeline", "Timeline")]
    return anchored, contents


# The area's rule for recording a review (reviews/permissions.py).
RECORD_REVIEW = "reviews.record_review"


@role_required()
def child_detail(request, child_id: str):
    """A child's record: identity, what is due next and why, and a timeline of events."""
    child = child_by_id(child_id)  # read once a request: the restricted check read it first
    if child is None:
        raise Http404
    allocations = child_allocations(child)
    allocation = next((a for a in allocations if a.ended_on is None), None)
    planned = PlannedMove.objects.filter(child=child).select_related("iro__user").first()
    periods = list(child.periods_of_care.order_by("-first_recorded_on"))
    # Read once a request, and shared with the areas' sections of the record below.
    reviews = [r for r in child_reviews(child) if r.status != ReviewStatus.CANCELLED]
    plans = list(child.cp_plans.order_by("-started_on"))
    enquiries = [e for e in child_enquiries(child) if e.withdrawn_at is None]
    conferences = child_conferences(child)
    disputes = list(
        # The timeline names who raised each (str of the IRO is their user's name).
        child.disputes.select_related("resolved_at_level", "raised_by__user").prefetch_related(
            "stages__level"
        )
    )
    contacts = [c for c in child_contacts(child) if c.withdrawn_at is None]
    booked = [r for r in reviews if r.status == ReviewStatus.SCHEDULED]
    as_of = today()
    user = request.user
    open_period = next((p for p in periods if p.is_open), None)
    open_plan = next((p for p in plans if p.ended_on is None), None)
    open_enquiry = next(
        (e for e in enquiries if e.concluded_on is None and not e.icpc_not_required), None
    )
    held = [r for r in reviews if r.status == ReviewStatus.HELD]
    registered = record_sections_for(child=child, as_of=as_of)
    sections, contents = _record_contents(
        [s for s in registered if not s.banner], has_disputes=bool(disputes)
    )
    return render(
        request,
        "worklists/child_detail.html",
        {
            "child": child,
            "age": child.age_on(today()),
            "today": today(),
            "allocation": allocation,
            "allocations": allocations,
            "planned": planned,
            "can_allocate": _may_allocate(user, allocation),
            "can_restrict": user.has_perm("iro.restrict_child", child),
            "open_period": open_period,
            "open_plan": open_plan,
            "open_enquiry": open_enquiry,
            "states": {
                "lac": deadline_state(
                    open_period.next_review_due if open_period else None, as_of=as_of
                ),
                "icpc": deadline_state(
                    open_enquiry.icpc_due if open_enquiry else None, as_of=as_of
                ),
                "rcpc": deadline_state(
                    open_plan.next_review_due if open_plan else None, as_of=as_of
                ),
            },
            "booked": booked,
            "booked_rows": [(r, user.has_perm(RECORD_REVIEW, r)) for r in booked],
            "can_record_review": user.has_perm(RECORD_REVIEW, child),
            "can_record_contact": hasattr(user, "iro_profile")
            and user.has_perm("reviews.record_contact", child),
            "can_book_review": user.has_perm("reviews.add_lookedafterreview")
            and user.has_perm("reviews.book_review", child),
            "can_raise_challenge": hasattr(user, "iro_profile")
            and user.has_perm("disputes.add_dispute")
            and user.has_perm("disputes.raise_dispute", child),
            "latest_review": held[0] if held else None,
            "disputes": disputes,
            **details_on_record(user=user, child=child),
            "record_sections": sections,
            "record_banners": [s for s in registered if s.banner],
            "contents": contents,
            "timeline": child_timeline(
                periods=periods,
                episodes=[e for e in child_episodes(child) if e.withdrawn_at is None],
                reviews=held,
                plans=plans,
                enquiries=enquiries,
                conferences=conferences,
                disputes=disputes,
                contacts=contacts,
            ),
        },
    )


def _may_allocate(user, current) -> bool:
    """Business support give a child with no IRO their first; the Head of Service moves."""
    return user.has_perm("iro.change_iroallocation" if current else "iro.add_iroallocation")


ALLOCATION_PAGE_SIZE = 50


@role_required(Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR, Role.BUSINESS_SUPPORT, Role.IRO)
def allocation(request):
    """Each IRO's caseload per full-time post against the Handbook's range, and how many
    children looked after or on a plan have no IRO at all."""
    low, high = settings.OVERSIGHT_CASELOAD_RANGE
    ranked, counted_at = caseloads_kept()
    # Most loaded first; a page at a time (a unit has tens of IROs, a big one hundreds).
    page = Paginator(ranked.rows, ALLOCATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "worklists/allocation.html",
        {
            "loads": ranked.page(list(page.object_list)),
            "page": page,
            "low": low,
            "high": high,
            "can_reallocate": request.user.has_perm("iro.change_iroallocation"),
            "can_see_unallocated": may_see_unallocated(request.user),
            "unallocated": unallocated_count(),
            "counted_at": counted_at,
            "total": ranked.children,
            "fte": ranked.fte,
        },
    )


UNALLOCATED_ROLES = (Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR, Role.BUSINESS_SUPPORT)


def may_see_unallocated(user) -> bool:
    return bool(set(user_roles(user)) & set(UNALLOCATED_ROLES))


@role_required(*UNALLOCATED_ROLES)
def unallocated_list(request):
    """Children looked after or on a plan with no IRO, soonest statutory date first, each
    with a link to allocate them."""
    as_of = today()
    children = unallocated_listed().order_by(
        F("next_due").asc(nulls_last=True), "last_name", "child_id"
    )
    page = Paginator(children, 50).get_page(request.GET.get("page"))
    rows = []
    for child in children_mask(page.object_list, user=request.user):
        due = next_due_of(child)
        state = deadline_state(due.on if due else None, as_of=as_of)
        rows.append({"child": child, "due": due, "state": state})
    return render(
        request,
        "worklists/unallocated.html",
        {
            "page": page,
            "rows": rows,
            "can_allocate": request.user.has_perm("iro.add_iroallocation"),
        },
    )


@role_required(Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR, Role.BUSINESS_SUPPORT)
def reallocate(request, child_id: str):
    """Move a child (and, by default, their siblings) to another IRO, recording why; or
    give a child with no IRO their first. A later date waits for its day, and a move
    waiting can be corrected here."""
    child = get_object_or_404(Child.objects.select_related("family"), child_id=child_id)
    current = child.allocations.filter(ended_on__isnull=True).select_related("iro__user").first()
    if not _may_allocate(request.user, current):
        raise PermissionDenied
    planned = PlannedMove.objects.filter(child=child).select_related("iro__user").first()
    initial: dict[str, object] = {"started_on": today()}
    if planned is not None:
        initial = {"iro": planned.iro, "started_on": planned.starts_on, "reason": planned.reason}
    form = ReallocationForm(posted(request), child=child, current=current, initial=initial)

    def save(data):
        args = {k: data[k] for k in ("iro", "started_on", "reason")}
        if data.get("with_siblings") and child.family is not None:
            return family_allocate(family=child.family, **args)
        return [iro_allocate(child=child, **args)]

    def said(done):
        names = ", ".join(a.child.full_name for a in done)
        iro = form.cleaned_data["iro"]
        if done and isinstance(done[0], PlannedMove):
            return f"{names} will move to {iro} on {long_date(done[0].starts_on)}"
        return f"{'Moved' if current else 'Allocated'} {names} to {iro}"

    heading = (
        f"Move {child.full_name} to another IRO"
        if current
        else (f"Allocate an IRO to {child.full_name}")
    )
    return form_page(
        request,
        form,
        heading=heading,
        caption=f"Child {child.child_id}",
        back_url=reverse("children:child_detail", args=[child.child_id]),
        save=save,
        success_url=reverse("children:child_detail", args=[child.child_id])
        if not current
        else reverse("children:allocation"),
        success_message=said,
        template="worklists/reallocate.html",
        current=current,
        planned=planned,
        child=child,
    )


@role_required(Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR, Role.BUSINESS_SUPPORT)
def planned_move_cancel(request, child_id: str):
    """Cancel a move to another IRO that is waiting for its day (asks first)."""
    child = get_object_or_404(Child, child_id=child_id)
    planned = get_object_or_404(PlannedMove.objects.select_related("iro__user"), child=child)
    current = child.allocations.filter(ended_on__isnull=True).select_related("iro__user").first()
    if not _may_allocate(request.user, current):
        raise PermissionDenied
    if request.method == "POST":
        planned_move_cancel_service(child=child)
        messages.success(request, f"Cancelled {child.full_name}'s move to {planned.iro}")
        return redirect("children:child_detail", child_id=child.child_id)
    return render(
        request,
        "worklists/planned_move_cancel.html",
        {"child": child, "planned": planned, "current": current},
    )
