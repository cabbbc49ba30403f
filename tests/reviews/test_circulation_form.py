"""Two people on the same circulation form: the second save of a stale page is refused
saying what changed; a date the browser did not send is kept; an empty post saves
nothing."""

import datetime as dt

import pytest

from core.forms import FORM_INCOMPLETE
from reviews.models import LookedAfterReview
from tests.core.test_every_url import url_for

pytestmark = pytest.mark.django_db


def _dates(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _page(client, url):
    page = client.get(url)
    return page.context["form"]["seen"].value()


def test_a_stale_page_is_refused_and_says_what_changed(client, iro, world):
    url = url_for("reviews:circulation", world)
    client.force_login(iro.user)
    review = LookedAfterReview.objects.get(pk=world["held"])
    seen = _page(client, url)  # two people open the page...
    first = client.post(url, {"seen": seen, **_dates("decisions_circulated_on", review.held_on)})
    assert first.status_code == 302

    second = client.post(  # ...and the second saves from the page drawn before the first
        url,
        {
            "seen": seen,
            **_dates("record_circulated_on", review.held_on + dt.timedelta(days=3)),
        },
    )

    assert second.status_code == 400
    assert "Someone else saved a change while you had this page open" in (
        second.content.decode().replace("&#x27;", "'")
    )
    review.refresh_from_db()
    assert review.decisions_circulated_on == review.held_on
    assert review.record_circulated_on is None


def test_a_date_the_browser_did_not_send_is_kept(client, iro, world):
    url = url_for("reviews:circulation", world)
    client.force_login(iro.user)
    review = LookedAfterReview.objects.get(pk=world["held"])
    client.post(
        url, {"seen": _page(client, url), **_dates("decisions_circulated_on", review.held_on)}
    )

    later = review.held_on + dt.timedelta(days=5)
    client.post(url, {"seen": _page(client, url), **_dates("record_circulated_on", later)})

    review.refresh_from_db()
    assert (review.decisions_circulated_on, review.record_circulated_on) == (
        review.held_on,
        later,
    )


def test_an_empty_post_saves_nothing_and_says_so(client, iro, world):
    url = url_for("reviews:circulation", world)
    client.force_login(iro.user)
    review = LookedAfterReview.objects.get(pk=world["held"])
    client.post(
        url, {"seen": _page(client, url), **_dates("decisions_circulated_on", review.held_on)}
    )

    response = client.post(url, {})

    assert response.status_code == 400
    assert FORM_INCOMPLETE in response.content.decode().replace("&#x27;", "'")
    review.refresh_from_db()
    assert review.decisions_circulated_on == review.held_on


def test_the_service_refuses_a_save_from_stale_values(world):
    from django.core.exceptions import ValidationError

    from reviews.services import CIRCULATION_CHANGED, lac_review_circulation_record

    review = LookedAfterReview.objects.get(pk=world["held"])
    lac_review_circulation_record(
        review=review, decisions_circulated_on=review.held_on, record_circulated_on=None
    )
    with pytest.raises(ValidationError) as refused:
        lac_review_circulation_record(
            review=review,
            decisions_circulated_on=None,
            record_circulated_on=review.held_on,
            unchanged_from={"decisions_circulated_on": None, "record_circulated_on": None},
        )
    assert CIRCULATION_CHANGED in refused.value.messages
