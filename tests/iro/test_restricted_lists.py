"""Restricted records in the unit-wide lists: someone who may not open a restricted
record unasked sees its row (the work is still the unit's: the date and what is due
stay) as "Restricted record", without its name, birth date or UPN, linked to the record
(which asks why); the child's IRO and the Head of Service see the child as before."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from core.models import User
from core.roles import Role
from core.services import calendar_token_for, today
from disputes.services import dispute_raise
from iro.models import Child
from iro.rules import RESTRICTED_RECORD
from iro.selectors import children_mask
from iro.services import child_restriction_set, iro_allocate
from reporting.views import reporting_year
from returns.models import DataQualityIssue, ReturnName
from returns.views import _data_quality_filters
from reviews.services import lac_review_book
from tests.factories import ChildFactory, IROFactory, UserFactory
from tests.reviews.test_services import enter_care
from worklists.alerts import digest_for, digests_build

pytestmark = pytest.mark.django_db

# What would tell who the records are about.
D2024 = dt.date(2024, 1, 5)
WHO = ["Sealed", "Person", "Hidden", "04/03/2012", "A123456789012"]


def _looked_after(child, *, since_days: int) -> None:
    enter_care(child, today() - dt.timedelta(days=since_days))


@pytest.fixture
def other_iro(db):
    profile = IROFactory(user=UserFactory(username="other-iro"))
    profile.user.groups.add(Group.objects.get(name=Role.IRO.label))
    return profile


@pytest.fixture
def restricted(iro, head_of_service):
    """R100, held by `iro`, looked after with a review booked today and a challenge; and
    R101, looked after for a few days with no IRO and no review booked. Both restricted."""
    held = ChildFactory(
        child_id="R100",
        first_name="Sealed",
        last_name="Person",
        date_of_birth=dt.date(2012, 3, 4),
        upn="A123456789012",
    )
    iro_allocate(child=held, iro=iro, started_on=today() - dt.timedelta(days=200))
    _looked_after(held, since_days=200)
    lac_review_book(
        child=held,
        scheduled_for=timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0),
        venue="Civic Centre",
        chair=iro,
        warnings_accepted=["*"],
    )
    dispute_raise(child=held, raised_by=iro, raised_on=today(), category="drift", summary="Drift")
    unheld = ChildFactory(child_id="R101", first_name="Hidden", last_name="Child")
    _looked_after(unheld, since_days=3)
    for child in (held, unheld):
        child_restriction_set(
            child=child, restricted=True, reason="A member of staff's child", by=head_of_service
        )
    return held, unheld


LISTS = [
    "/children/?iro=",  # everyone
    "/children/?iro=&sort=name",  # everyone by name (paged by the name index)
    "/children/?iro=&sort=name&dir=desc",
    "/children/?iro=&status=soon",  # everyone due within the month (paged by the dates)
    "/children/unallocated/",
    "/schedule/",
    "/schedule/week/",
    "/challenges/?iro=",
    "/deadlines/",
    "/",
]


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _unnamed(html: str) -> list[str]:
    return [word for word in WHO if word in html]


@pytest.mark.parametrize("url", LISTS)
def test_a_unit_wide_list_does_not_name_a_restricted_record_to_anyone_else(
    client, other_iro, business_support, restricted, url
):
    # An IRO allocates nobody: the children with no IRO are the allocators' list.
    readers = [business_support] if "unallocated" in url else [other_iro.user, business_support]
    for user in readers:
        html = _page(client, user, url)
        assert _unnamed(html) == [], (user.username, url)


@pytest.mark.parametrize(
    "url",
    [
        "/children/?iro=",
        "/children/?iro=&sort=name",
        "/children/?iro=&sort=name&dir=desc",
        "/children/?iro=&status=soon",
        "/children/unallocated/",
        "/schedule/",
        "/schedule/week/",
        "/challenges/?iro=",
    ],
)
def test_a_unit_wide_list_keeps_the_restricted_records_row_linked_to_the_record(
    client, business_support, restricted, url
):
    html = _page(client, business_support, url)
    assert RESTRICTED_RECORD in html
    assert any(f'href="/children/{c.child_id}/"' in html for c in restricted)


@pytest.mark.parametrize(
    "url",
    [
        "/children/?iro=",
        "/children/unallocated/",
        "/schedule/",
        "/schedule/week/",
        "/challenges/?iro=",
    ],
)
def test_a_unit_wide_list_names_a_restricted_record_to_the_head_of_service(
    client, head_of_service, restricted, url
):
    html = _page(client, head_of_service, url)
    assert "Sealed Person" in html or "Hidden Child" in html
    assert RESTRICTED_RECORD not in html


def test_the_childs_iro_sees_their_restricted_child_by_name(client, iro, restricted):
    assert "Sealed Person" in _page(client, iro.user, "/children/")
    assert "Sealed Person" in _page(client, iro.user, "/schedule/week/")


def test_a_caseload_search_finds_a_restricted_record_by_its_id_but_never_by_its_name(
    client, other_iro, restricted
):
    assert "R100" not in _page(client, other_iro.user, "/children/?iro=&q=Sealed")
    assert "R100" in _page(client, other_iro.user, "/children/?iro=&q=R100")


def test_the_home_page_digest_shows_a_restricted_record_by_its_id_alone(
    client, business_support, head_of_service, restricted
):
    items = digest_for(business_support, as_of=today())
    booking = [i for i in items if "R101" in i.child_ids]
    assert booking and {i.subject for i in booking} == {f"R101 ({RESTRICTED_RECORD})"}
    assert "(HC)" not in _page(client, business_support, "/")


def test_the_nightly_alert_emails_show_a_restricted_record_by_its_id_alone(
    business_support, iro, restricted
):
    users = User.objects.filter(pk__in=[business_support.pk, iro.user.pk])
    digests = digests_build(as_of=today(), users=users)
    _, support_items = digests[business_support]
    subjects = {i.subject for i in support_items if "R101" in i.child_ids}
    assert subjects == {f"R101 ({RESTRICTED_RECORD})"}
    _, iro_items = digests[iro.user]
    assert {i.subject for i in iro_items if "R100" in i.child_ids} <= {"R100 (SP)"}


def test_the_calendar_feed_and_the_deadlines_api_carry_no_restricted_name(
    client, iro, business_support, restricted
):
    feed = client.get(f"/calendar/{calendar_token_for(iro.user)}.ics").content.decode()
    assert "R100" in feed and _unnamed(feed) == []
    client.force_login(business_support)
    for url in ("/api/deadlines/", "/api/v1/deadlines/"):
        body = client.get(url).content.decode()
        assert "R100" in body and _unnamed(body) == [], url


def test_data_quality_and_its_csv_leave_out_who_a_restricted_record_is(
    client, rf, other_iro, head_of_service, restricted
):
    request = rf.get("/data-quality/")
    request.user = head_of_service
    year = _data_quality_filters(request)[2]
    DataQualityIssue.objects.create(
        return_name=ReturnName.SSDA903,
        year=year,
        child=restricted[0],
        child_ref="R100",
        rule="103",
        description="The date of birth is not valid",
        values="DOB 04/03/2012, UPN A123456789012",
        found_at=timezone.now(),
    )
    for url in ("/data-quality/", "/data-quality/issues.csv"):
        other = _page(client, other_iro.user, url)
        assert "R100" in other and _unnamed(other) == [], url
        head = _page(client, head_of_service, url)
        assert "A123456789012" in head, url
    assert RESTRICTED_RECORD in _page(client, other_iro.user, "/data-quality/")


def test_a_drill_down_and_its_csv_leave_out_who_a_restricted_record_is(
    client, business_support, head_of_service, restricted
):
    analyst = business_support
    analyst.user_permissions.add(Permission.objects.get(codename="view_unit_dashboards"))
    url = f"/dashboard/{reporting_year(today())}/looked-after/at-year-end/"
    for fmt in ("", "?format=csv"):
        html = _page(client, analyst, url + fmt)
        assert "R100" in html and _unnamed(html) == [], fmt
        assert RESTRICTED_RECORD in html, fmt
        assert "Sealed Person" in _page(client, head_of_service, url + fmt), fmt


def test_a_masked_record_is_never_saved(other_iro, restricted):
    (child,) = children_mask([Child.objects.get(child_id="R100")], user=other_iro.user)
    assert child.full_name == RESTRICTED_RECORD
    with pytest.raises(ValueError, match="never saved"):
        child.save()
    assert Child.objects.get(child_id="R100").first_name == "Sealed"


def test_a_foster_households_page_does_not_name_a_restricted_child_placed_there(
    client, business_support, head_of_service
):
    from fostering.services import household_approve

    household = household_approve(reference="FCR1", name="R household", approved_on=D2024)
    child = ChildFactory(child_id="R300", first_name="Sealed", last_name="Person")
    enter_care(child, today() - dt.timedelta(days=10), foster_household=household)
    child_restriction_set(child=child, restricted=True, reason="Sealed", by=head_of_service)

    masked = _page(client, business_support, "/fostering/FCR1/")
    assert "R300" in masked and RESTRICTED_RECORD in masked and _unnamed(masked) == []
    assert "Sealed Person" in _page(client, head_of_service, "/fostering/FCR1/")


def test_a_caseload_sorted_by_name_places_a_masked_row_by_what_it_shows(
    client, iro, other_iro, restricted
):
    """Were it sorted by the real surname, where the row sat would tell whose it is."""
    for last_name, child_id in [("Aaron", "N001"), ("Quinn", "N002"), ("Zed", "N003")]:
        child = ChildFactory(child_id=child_id, first_name="Open", last_name=last_name)
        iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=5))

    def order(user):
        html = _page(client, user, "/children/?iro=&sort=name")
        return sorted(["N001", "N002", "N003", "R100"], key=html.index)

    # The child's IRO sees Person, between Aaron and Quinn; anyone else "Restricted
    # record", between Quinn and Zed.
    assert order(iro.user) == ["N001", "R100", "N002", "N003"]
    assert order(other_iro.user) == ["N001", "N002", "R100", "N003"]
