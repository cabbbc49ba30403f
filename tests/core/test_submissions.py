"""Nothing doubled: every form carries a one-time token, and two posts with one token save
once (issue 10: two quick clicks made a duplicate contact and a duplicate challenge).
Nothing lost: a form sent after the session ended is kept for the same person, and only
for them, until they sign in again (docs/adr/0011-nothing-lost-nothing-doubled.md)."""

import datetime as dt
import re
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import FormSubmission, KeptSubmission
from core.services import today
from core.submissions import (
    KEPT_DISCARDED,
    KEPT_FIELD,
    KEPT_FOR,
    KEPT_ON_SIGN_IN,
    LAST_USER_COOKIE,
    SENT_TWICE,
    STILL_SAVING_HEADING,
    SUBMISSION_FIELD,
)
from iro.services import iro_allocate
from reviews.models import IROContact
from tests.core.submission_urls import ENTERED
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_INPUT = re.compile(rf'name="{SUBMISSION_FIELD}" value="([A-Za-z0-9_-]+)"')


def saved_count() -> int:
    return Group.objects.filter(name__startswith="saved ").count()


def token_on(page) -> str:
    found = TOKEN_INPUT.findall(page.content.decode())
    assert found, "the page's form carries no one-time token"
    return found[-1]


@pytest.fixture
def child_of(iro):
    child = ChildFactory(child_id="S1")
    iro_allocate(child=child, iro=iro, started_on=today() - dt.timedelta(days=30))
    return child


def contact_post(token: str | None) -> dict[str, str]:
    day = today()
    data = {"occurred_on_0": str(day.day), "occurred_on_1": str(day.month)}
    data |= {"occurred_on_2": str(day.year), "kind": "visit", "note": "Saw S at school"}
    if token:
        data[SUBMISSION_FIELD] = token
    return data


# Nothing doubled ------------------------------------------------------------------------


def test_two_clicks_on_save_record_one_contact(client, iro, child_of):
    client.force_login(iro.user)
    url = reverse("reviews:contact_record", args=[child_of.child_id])
    page = client.get(url)
    assert page.status_code == 200
    token = token_on(page)
    first = client.post(url, contact_post(token))
    second = client.post(url, contact_post(token), follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert IROContact.objects.filter(child=child_of).count() == 1
    assert SENT_TWICE in [str(m) for m in second.context["messages"]]


def test_every_drawing_of_a_form_has_its_own_token(client, iro, child_of):
    client.force_login(iro.user)
    url = reverse("reviews:contact_record", args=[child_of.child_id])
    assert token_on(client.get(url)) != token_on(client.get(url))


def test_a_post_without_a_token_is_let_through(client, iro, child_of):
    """API clients and older scripts send no token: each post saves as it always did."""
    client.force_login(iro.user)
    url = reverse("reviews:contact_record", args=[child_of.child_id])
    client.post(url, contact_post(None))
    client.post(url, contact_post(None))
    assert IROContact.objects.filter(child=child_of).count() == 2


@pytest.mark.urls("tests.core.submission_urls")
def test_two_posts_with_one_token_save_once(client, iro):
    client.force_login(iro.user)
    first = client.post("/save/", {SUBMISSION_FIELD: "t" * 32})
    second = client.post("/save/", {SUBMISSION_FIELD: "t" * 32})
    assert saved_count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"] == "/saved/"


@pytest.mark.urls("tests.core.submission_urls")
def test_a_refused_form_releases_its_token_so_sending_it_again_runs_again(client, iro):
    client.force_login(iro.user)
    assert client.post("/refuse/", {SUBMISSION_FIELD: "r" * 32}).status_code == 400
    assert client.post("/refuse/", {SUBMISSION_FIELD: "r" * 32}).status_code == 400
    assert not FormSubmission.objects.exists()


@pytest.mark.urls("tests.core.submission_urls")
def test_a_malformed_token_is_treated_as_none(client, iro):
    client.force_login(iro.user)
    client.post("/save/", {SUBMISSION_FIELD: "short"})
    client.post("/save/", {SUBMISSION_FIELD: "short"})
    assert saved_count() == 2


@pytest.mark.urls("tests.core.submission_urls")
def test_someone_else_sending_a_used_token_is_not_sent_where_it_went(client, iro, no_role):
    client.force_login(iro.user)
    client.post("/save/", {SUBMISSION_FIELD: "u" * 32})
    other = Client()
    other.force_login(no_role)
    response = other.post("/save/", {SUBMISSION_FIELD: "u" * 32})
    assert response.status_code == 409
    assert saved_count() == 1


@pytest.mark.urls("tests.core.submission_urls")
def test_tokens_are_forgotten_after_a_day(client, iro):
    FormSubmission.objects.create(
        token="o" * 32, path="/save/", claimed_at=timezone.now() - KEPT_FOR - dt.timedelta(1)
    )
    client.force_login(iro.user)
    client.post("/save/", {SUBMISSION_FIELD: "n" * 32})
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["n" * 32]


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.core.submission_urls")
def test_a_second_click_while_the_first_is_saving_saves_nothing(iro, settings):
    """The second post waits for the first, then goes where it went; if the first takes
    longer than the wait, the second says it is still being saved (never an error)."""
    settings.ALLOWED_HOSTS = ["testserver"]
    results: dict[str, object] = {}

    def send(name: str, wait: str) -> None:
        c = Client()
        c.force_login(iro.user)
        results[name] = c.post(f"/save/?wait={wait}", {SUBMISSION_FIELD: "c" * 32})
        connection.close()

    first = threading.Thread(target=send, args=("first", "1"))
    ENTERED.clear()
    first.start()
    assert ENTERED.wait(10)
    send("second", "0")
    first.join()
    assert saved_count() == 1
    assert results["first"].status_code == 302
    assert results["second"].status_code == 302
    assert results["second"]["Location"] == "/saved/"


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.core.submission_urls")
def test_a_second_click_on_a_slow_save_says_it_is_still_saving(iro, monkeypatch):
    monkeypatch.setattr("core.submissions.WAIT_FOR_FIRST_SECONDS", 0.2)
    results: dict[str, object] = {}

    def send(name: str, wait: str) -> None:
        c = Client()
        c.force_login(iro.user)
        results[name] = c.post(f"/save/?wait={wait}", {SUBMISSION_FIELD: "s" * 32})
        connection.close()

    first = threading.Thread(target=send, args=("first", "1.5"))
    ENTERED.clear()
    first.start()
    assert ENTERED.wait(10)
    send("second", "0")
    first.join()
    assert saved_count() == 1
    assert results["second"].status_code == 409
    assert STILL_SAVING_HEADING in results["second"].content.decode()


def test_hand_written_forms_carry_the_token(client, iro):
    """The account page's own <form method="post"> (the sign-in form needs none)."""
    client.force_login(iro.user)
    assert token_on(client.get("/accounts/"))


# Nothing lost: answers sent after the session ended ------------------------------------


@pytest.fixture
def expired(client, iro, child_of):
    """The IRO opened the contact form, then the session ended before they saved."""
    client.force_login(iro.user)
    url = reverse("reviews:contact_record", args=[child_of.child_id])
    token = token_on(client.get(url))
    assert LAST_USER_COOKIE in client.cookies
    client.session.flush()
    client.cookies.pop("sessionid", None)
    return url, token


def _sign_in(client, user):
    client.force_login(user)


def test_answers_sent_after_the_session_ended_are_kept_for_the_same_person(
    client, iro, child_of, expired
):
    url, token = expired
    response = client.post(url, contact_post(token), follow=True)
    kept = KeptSubmission.objects.get()
    assert kept.user == iro.user
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=/session/kept/")
    assert KEPT_ON_SIGN_IN in response.content.decode().replace("&#x27;", "'")
    assert not IROContact.objects.exists()

    _sign_in(client, iro.user)
    page = client.get(f"/session/kept/{kept.key}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Your answers were kept" in body
    assert f'action="{url}"' in body
    assert "Saw S at school" in body
    fresh = token_on(page)
    assert fresh != token

    saved = client.post(url, {**dict(kept.data), SUBMISSION_FIELD: fresh, KEPT_FIELD: kept.key})
    assert saved.status_code == 302
    assert IROContact.objects.get().note == "Saw S at school"
    assert not KeptSubmission.objects.exists()


def test_a_password_sent_after_the_session_ended_is_never_kept(client, iro, child_of, expired):
    url, token = expired
    client.post(url, {**contact_post(token), "annex-password": "a long passphrase"})
    kept = KeptSubmission.objects.get()
    assert "annex-password" not in dict(kept.data)
    assert "a long passphrase" not in str(kept.data)


def test_kept_answers_are_never_shown_to_anyone_else(client, iro, child_of, expired):
    url, token = expired
    client.post(url, contact_post(token))
    kept = KeptSubmission.objects.get()
    someone_else = UserFactory(username="other")
    _sign_in(client, someone_else)
    page = client.get(f"/session/kept/{kept.key}/", follow=True)
    assert "Your answers were kept" not in page.content.decode()
    assert "Saw S at school" not in page.content.decode()
    assert page.redirect_chain[0][0] == "/"
    # Nor can they send them as the IRO's: the post is theirs, and is not kept's.
    assert KeptSubmission.objects.filter(key=kept.key).exists()


def test_kept_answers_are_not_kept_for_someone_who_signed_out(client, iro, child_of):
    client.force_login(iro.user)
    url = reverse("reviews:contact_record", args=[child_of.child_id])
    token = token_on(client.get(url))
    response = client.post("/accounts/logout/")
    assert response.cookies[LAST_USER_COOKIE].value == ""
    client.post(url, contact_post(token))
    assert not KeptSubmission.objects.exists()


def test_a_forged_last_user_cookie_keeps_nothing(client, iro, child_of):
    client.cookies[LAST_USER_COOKIE] = str(iro.user.pk)
    client.post(reverse("reviews:contact_record", args=[child_of.child_id]), contact_post("x" * 32))
    assert not KeptSubmission.objects.exists()


def test_kept_answers_can_be_deleted(client, iro, child_of, expired):
    url, token = expired
    client.post(url, contact_post(token))
    kept = KeptSubmission.objects.get()
    _sign_in(client, iro.user)
    response = client.post(f"/session/kept/{kept.key}/", follow=True)
    assert KEPT_DISCARDED in [str(m) for m in response.context["messages"]]
    assert not KeptSubmission.objects.exists()


def test_kept_answers_expire_after_a_day(client, iro, child_of, expired, time_machine):
    url, token = expired
    client.post(url, contact_post(token))
    kept = KeptSubmission.objects.get()
    time_machine.move_to(timezone.now() + KEPT_FOR + dt.timedelta(minutes=1))
    _sign_in(client, iro.user)
    response = client.get(f"/session/kept/{kept.key}/")
    assert response.status_code == 302
    assert "Saw S at school" not in client.get(response["Location"]).content.decode()


def test_the_kept_page_needs_sign_in(client, iro, child_of, expired):
    url, token = expired
    client.post(url, contact_post(token))
    kept = KeptSubmission.objects.get()
    response = client.get(f"/session/kept/{kept.key}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
