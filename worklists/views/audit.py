"""Who has looked at a child's record: the access events core.audit keeps, for managers."""

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.dates import long_datetime
from core.models import AccessEvent
from core.permissions import role_required
from core.roles import Role
from core.spreadsheet import csv_row
from iro.models import Child

PER_PAGE = 50
MANAGERS = (Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)

# What each audited page is, in words; any other is shown by its address.
PAGE_NAMES = {
    "children:child_detail": "The child's record",
    "children:access": "Who has looked at the record",
    "disputes:raise": "Raise a challenge",
    "reviews:review_record": "Record a review",
    "reviews:review_record_booked": "Record a review",
    "reviews:contact_record": "Record a contact",
    "reviews:review_book": "Book a review",
    "children:reallocate": "Move to another IRO",
}


def _who(event: AccessEvent) -> str:
    name = event.user.get_full_name() if event.user else ""
    return f"{name} ({event.username})" if name else event.username


def _what(event: AccessEvent) -> str:
    page = PAGE_NAMES.get(event.url_name, event.path)
    if event.detail:
        page += f" (using {event.detail.replace(',', ', ')})"
    return f"{event.get_kind_display()}: {page}"


def _row(event: AccessEvent) -> dict[str, str]:
    return {
        "who": _who(event),
        "when": long_datetime(event.at),
        "at": timezone.localtime(event.at).isoformat(timespec="seconds"),
        "what": _what(event),
        "path": event.path,
        "where": event.ip_address or "Not known",
        "why": event.reason,
    }


@role_required(*MANAGERS)
def child_access(request, child_id: str):
    """Every recorded read of a child's record, newest first; or all of them as CSV."""
    child = Child.objects.filter(child_id=child_id).first()
    events = (
        AccessEvent.objects.filter(child_ref=child_id).select_related("user").order_by("-at", "-pk")
    )
    if child is None and not events.exists():
        raise Http404("No such child")
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="access-{child_id}.csv"'
        writer = csv.writer(response)
        writer.writerow(csv_row(["Who", "When", "What", "Address", "From where", "Why"]))
        for event in events.iterator(chunk_size=2000):
            row = _row(event)
            writer.writerow(
                csv_row([row["who"], row["at"], row["what"], row["path"], row["where"], row["why"]])
            )
        return response
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "worklists/child_access.html",
        {
            "child": child,
            "child_id": child_id,
            "page": page,
            "rows": [_row(e) for e in page.object_list],
        },
    )
