"""Reads are audited: who opened a child's record, searched, downloaded or read the API,
kept append-only, and shown to managers as "who has looked at this child"."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory

from core.audit import client_ip
from core.dates import long_datetime as when_text
from core.models import AccessEvent, AccessKind, AppendOnlyError
from core.services import today
from reporting.views import reporting_year
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child():
    return ChildFactory(child_id="A1234", first_name="Sam", last_name="Example")


def test_opening_a_childs_record_records_one_event_with_who_which_child_and_where(
    client, iro, child
):
    client.force_login(iro.user)
    response = client.get(f"/children/{child.child_id}/?sort=due", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert event.user == iro.user
    assert event.username == "iro"
    assert event.kind == AccessKind.VIEW
    assert event.url_name == "children:child_detail"
    assert event.path == f"/children/{child.child_id}/"  # never the query string
    assert event.child_ref == child.child_id
    assert event.ip_address == "10.1.2.3"
    assert event.status_code == 200
    assert event.detail == "sort"


def test_recording_a_read_is_one_insert_and_nothing_else(client, iro, child):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(iro.user)
    client.get(f"/children/{child.child_id}/")  # warm: session, roles
    with CaptureQueriesContext(connection) as with_audit:
        client.get(f"/children/{child.child_id}/")
    audit = [q["sql"] for q in with_audit if "core_accessevent" in q["sql"]]
    assert len(audit) == 1 and audit[0].startswith("INSERT")


def test_a_csv_export_records_an_export_and_a_figures_file_a_download(
    client, head_of_service, child
):
    client.force_login(head_of_service)
    assert client.get("/data-quality/issues.csv").status_code == 200
    event = AccessEvent.objects.get()
    assert event.kind == AccessKind.EXPORT
    assert event.url_name == "data_quality:csv"
    year = reporting_year(today())
    table = client.get(f"/dashboard/{year}/tables/lac-age.csv")
    assert table.status_code == 200
    assert table["Content-Disposition"].startswith("attachment")
    download = AccessEvent.objects.latest("pk")
    assert download.kind == AccessKind.DOWNLOAD
    assert download.url_name == "dashboard:table"


def test_a_search_records_the_parameter_name_and_never_what_was_searched_for(client, iro, child):
    client.force_login(iro.user)
    assert client.get("/children/", {"q": "Sam Example", "status": "overdue"}).status_code == 200
    event = AccessEvent.objects.get()
    assert event.kind == AccessKind.SEARCH
    assert event.detail == "q,status"
    assert event.path == "/children/"
    stored = " ".join(str(v) for v in AccessEvent.objects.values().get().values())
    assert "Sam" not in stored and "Example" not in stored and "overdue" not in stored


def test_the_header_search_is_recorded_as_a_search_without_the_words(client, iro, child):
    client.force_login(iro.user)
    assert client.get("/search/", {"q": child.last_name}).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.kind, event.url_name, event.detail) == (AccessKind.SEARCH, "search", "q")
    stored = " ".join(str(v) for v in AccessEvent.objects.values().get().values())
    assert child.last_name not in stored


def test_the_list_of_children_with_no_iro_is_recorded(client, business_support):
    client.force_login(business_support)
    assert client.get("/children/unallocated/").status_code == 200
    assert AccessEvent.objects.get().url_name == "children:unallocated"


def test_an_api_read_is_recorded(client, iro):
    client.force_login(iro.user)
    assert client.get("/api/deadlines/").status_code == 200
    assert AccessEvent.objects.get().kind == AccessKind.API


def test_pages_without_personal_data_and_refusals_are_not_recorded(client, iro, child):
    client.force_login(iro.user)
    assert client.get(f"/children/{child.child_id}/access/").status_code == 403
    assert client.get("/children/NOBODY/").status_code == 404
    assert client.get("/healthz").status_code == 200
    assert not AccessEvent.objects.exists()


def test_requests_from_anyone_not_signed_in_are_not_recorded(client, child):
    assert client.get(f"/children/{child.child_id}/").status_code == 302
    assert client.get("/data-quality/issues.csv").status_code == 302
    assert client.get("/api/deadlines/").status_code == 403
    assert not AccessEvent.objects.exists()


def test_forwarded_for_is_believed_only_behind_a_trusted_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7"
    )
    assert client_ip(request) == "10.0.0.1"
    settings.OVERSIGHT_AUDIT_TRUST_X_FORWARDED_FOR = True
    assert client_ip(request) == "192.0.2.7"  # what the proxy saw, not what the client said
    request.META["HTTP_X_FORWARDED_FOR"] = "not an address"
    assert client_ip(request) == "10.0.0.1"


# Who has looked at this child


def test_the_head_of_service_sees_who_looked_at_a_child(client, iro, head_of_service, child):
    client.force_login(iro.user)
    client.get(f"/children/{child.child_id}/", REMOTE_ADDR="10.9.8.7")
    client.force_login(head_of_service)
    record = client.get(f"/children/{child.child_id}/")
    assert f'href="/children/{child.child_id}/access/"'.encode() in record.content
    page = client.get(f"/children/{child.child_id}/access/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r["who"].rsplit(" ", 1)[-1] for r in rows] == ["(head)", "(iro)"]  # newest first
    body = page.content.decode()
    assert "Ada Reviewer (iro)" in body
    assert "10.9.8.7" in body
    assert "Viewed: The child&#x27;s record" in body
    # Opening the page is itself a look at the child.
    assert AccessEvent.objects.filter(url_name="children:access").count() == 1


def test_the_access_list_is_newest_first_and_paged_by_fifty(client, head_of_service, child):
    reader = UserFactory(username="reader")
    for n in range(51):
        AccessEvent.objects.create(
            user=reader,
            username="reader",
            kind=AccessKind.VIEW,
            path=f"/children/{child.child_id}/",
            url_name="children:child_detail",
            child_ref=child.child_id,
            status_code=200,
            at=dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC) + dt.timedelta(minutes=n),
        )
    client.force_login(head_of_service)
    first = client.get(f"/children/{child.child_id}/access/")
    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0]["when"] == "1 January 2026 at 9:50am"
    # Opening the first page was itself a look, newest of all: one more moves to page 2.
    second = client.get(f"/children/{child.child_id}/access/?page=2")
    assert [r["when"] for r in second.context["rows"]] == [
        "1 January 2026 at 9:01am",
        "1 January 2026 at 9am",
    ]


def test_the_access_list_downloads_as_csv_with_formula_cells_neutralised(
    client, administrator, child
):
    AccessEvent.objects.create(
        username="=cmd|' /C calc'!A0",
        kind=AccessKind.VIEW,
        path=f"/children/{child.child_id}/",
        child_ref=child.child_id,
        status_code=200,
        reason='=HYPERLINK("http://example.com")',
    )
    client.force_login(administrator)
    response = client.get(f"/children/{child.child_id}/access/?format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Who", "When", "What", "Address", "From where", "Why"]
    assert rows[1][0].startswith("'=") and rows[1][5].startswith("'=")
    assert AccessEvent.objects.filter(kind=AccessKind.EXPORT, child_ref=child.child_id).exists()


@pytest.mark.parametrize("persona", ["iro", "business_support"])
def test_the_access_list_is_refused_to_iros_and_business_support(request, client, persona, child):
    person = request.getfixturevalue(persona)
    client.force_login(person.user if persona == "iro" else person)
    assert client.get(f"/children/{child.child_id}/access/").status_code == 403
    record = client.get(f"/children/{child.child_id}/")
    assert b"/access/" not in record.content


def test_a_childs_access_list_is_not_found_when_there_is_no_such_child(client, head_of_service):
    client.force_login(head_of_service)
    assert client.get("/children/NOBODY/access/").status_code == 404


def test_gov_uk_times():
    london = zoneinfo.ZoneInfo("Europe/London")
    assert when_text(dt.datetime(2026, 12, 1, 14, 5, tzinfo=london)) == "1 December 2026 at 2:05pm"
    assert when_text(dt.datetime(2026, 12, 1, 12, 0, tzinfo=london)) == "1 December 2026 at midday"
    assert when_text(dt.datetime(2026, 12, 1, 0, 0, tzinfo=london)) == "1 December 2026 at midnight"
    assert when_text(dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)) == "1 July 2026 at 10am"


# Append-only


def test_an_access_event_cannot_be_changed_or_deleted(iro):
    event = AccessEvent.objects.create(
        user=iro.user, username="iro", kind=AccessKind.VIEW, path="/children/", status_code=200
    )
    event.path = "/elsewhere/"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(path="/elsewhere/")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get().path == "/children/"


def test_removing_a_user_keeps_their_events_by_username(iro):
    reader = UserFactory(username="leaver")
    AccessEvent.objects.create(
        user=reader, username="leaver", kind=AccessKind.VIEW, path="/children/", status_code=200
    )
    reader.delete()
    event = AccessEvent.objects.get()
    assert event.user is None and event.username == "leaver"


def test_the_admin_shows_access_events_read_only(rf, administrator):
    admin = admin_site._registry[AccessEvent]
    request = rf.get("/admin/core/accessevent/")
    request.user = administrator
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert admin.has_view_permission(request)
