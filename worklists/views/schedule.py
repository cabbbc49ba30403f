"""Business support's scheduling: the booking board, the week, and calendar feeds."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.deadlines import deadline_state
from core.forms import query_date
from core.models import User
from core.permissions import role_required
from core.services import calendar_token_for, today
from iro.selectors import child_name_shown, restricted_ids_hidden_from
from worklists.schedule import booking_board, local_midnight, meetings_between, week_start


@role_required()
def board(request):
    """Reviews and conferences that need a date: due within N weeks, not yet booked."""
    try:
        weeks = max(1, min(int(request.GET.get("weeks", 6)), 26))
    except ValueError:
        weeks = 6
    as_of = today()
    hidden = restricted_ids_hidden_from(request.user)
    needs = [
        dataclasses.replace(n, child_name=child_name_shown(n.child_id, n.child_name, hidden=hidden))
        for n in booking_board(as_of=as_of, weeks=weeks)
    ]
    if child := request.GET.get("child"):
        needs = [n for n in needs if n.child_id == child]
    page = Paginator(needs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "worklists/schedule_board.html",
        {
            "page": page,
            "rows": [(need, deadline_state(need.due, as_of=as_of)) for need in page],
            "weeks": weeks,
            "as_of": as_of,
            "query": f"weeks={weeks}",
            "can_book": request.user.has_perm("reviews.add_lookedafterreview")
            or request.user.has_perm("protection.add_childprotectionconference"),
        },
    )


@role_required()
def week(request):
    """Everything booked in one week, day by day.

    A `start` that is not a date, or is outside the years Oversight keeps (9999-12-31,
    whose week would run past the last date Python has), shows this week instead.
    """
    monday = week_start(query_date(request.GET.get("start"), default=today()))
    hidden = restricted_ids_hidden_from(request.user)
    meetings = [
        dataclasses.replace(
            m,
            children=[
                (cid, child_name_shown(cid, name, hidden=hidden)) for cid, name in m.children
            ],
        )
        for m in meetings_between(
            local_midnight(monday), local_midnight(monday + dt.timedelta(days=7))
        )
    ]
    days = []
    for offset in range(7):
        date = monday + dt.timedelta(days=offset)
        todays = [m for m in meetings if timezone.localtime(m.starts_at).date() == date]
        if offset < 5 or todays:
            days.append((date, todays))
    return render(
        request,
        "worklists/schedule_week.html",
        {
            "monday": monday,
            "days": days,
            "previous": (monday - dt.timedelta(days=7)).isoformat(),
            "next": (monday + dt.timedelta(days=7)).isoformat(),
            "feed_url": request.build_absolute_uri(
                reverse("calendar_feed", args=[calendar_token_for(request.user)])
            ),
        },
    )


@login_not_required
def calendar_feed(request, token: str):
    """A person's bookings as iCalendar, for their calendar app (the token is the key).

    Events carry child IDs only: a calendar leaves the council's systems.
    """
    from icalendar import Calendar, Event

    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or not token:
        raise Http404
    profile = getattr(user, "iro_profile", None)
    start = local_midnight(today() - dt.timedelta(days=30))
    meetings = meetings_between(
        start, start + dt.timedelta(days=400), chair_id=profile.pk if profile else -1
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Oversight//Children's Safeguarding Unit//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Oversight bookings")
    for meeting in meetings:
        event = Event()
        ids = ", ".join(child_id for child_id, _ in meeting.children)
        event.add("uid", f"{meeting.kind}-{meeting.pk}@oversight")
        event.add("summary", f"{meeting.label}: {ids}")
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("dtstamp", timezone.now())
        event.add("location", meeting.venue)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="oversight.ics"'
    return response
