"""Accounts: anyone signed in changes their password, anyone signed out resets it by
email, and "sign out everywhere" ends every session of that person."""

import re

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import mail
from django.test import Client

from core.accounts import CURRENT_PASSWORD_WRONG, PASSWORDS_DIFFER, reset_link_lifetime
from core.models import User

pytestmark = pytest.mark.django_db

OLD = "correct horse battery staple"
NEW = "a lighthouse keeps the ferry"


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_an_iro_without_the_admin_changes_their_password_and_signs_in_with_it(client, iro):
    assert not iro.user.is_staff
    assert sign_in(client, "iro", OLD).status_code == 302
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'autocomplete="current-password"' in html
    assert html.count('autocomplete="new-password"') == 2
    assert '<label for="id_old_password"' in html and "Current password" in html

    response = client.post(
        "/accounts/password/",
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/changed/"
    # Still signed in here (Django keeps this session's hash up to date).
    assert client.get("/accounts/password/changed/").status_code == 200

    other = Client()
    assert sign_in(other, "iro", OLD).status_code == 200  # the old one no longer works
    assert sign_in(other, "iro", NEW).status_code == 302
    assert other.get("/").status_code == 200


def test_a_wrong_current_password_is_a_gov_uk_error_on_that_field(client, iro):
    client.force_login(iro.user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "not it", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 400
    assert response.context["error_list"] == [("id_old_password", CURRENT_PASSWORD_WRONG)]
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'<a href="#id_old_password">{CURRENT_PASSWORD_WRONG}</a>' in html
    assert "<title>Error: Change your password" in html
    iro.user.refresh_from_db()
    assert iro.user.check_password(OLD)


def test_the_new_password_must_pass_the_validators_and_match(client, iro):
    client.force_login(iro.user)
    short = client.post(
        "/accounts/password/",
        {"old_password": OLD, "new_password1": "1234", "new_password2": "1234"},
    )
    anchors = [anchor for anchor, _ in short.context["error_list"]]
    assert short.status_code == 400 and set(anchors) == {"id_new_password2"}
    assert any("too short" in message for _, message in short.context["error_list"])
    differ = client.post(
        "/accounts/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": "x"}
    )
    assert differ.context["error_list"] == [("id_new_password2", PASSWORDS_DIFFER)]


def reset_link(message):
    match = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_a_reset_email_has_a_working_link_that_sets_a_new_password(client, iro, settings):
    settings.OVERSIGHT_BASE_URL = "https://oversight.council.example"
    response = client.post("/accounts/password/reset/", {"email": "IRO@council.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert "Check your email" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["iro@council.example"]
    assert message.subject == "Reset your Oversight password"
    assert "Dear Ada Reviewer" in message.body
    assert f"for {reset_link_lifetime()}" in message.body
    link = reset_link(message)
    assert link.startswith("https://oversight.council.example/accounts/password/reset/")
    html, kind = message.alternatives[0]
    assert kind == "text/html" and f'href="{link}"' in html

    path = link.removeprefix("https://oversight.council.example")
    form = client.get(path, follow=True)  # Django swaps the token for set-password
    assert form.status_code == 200 and form.context["validlink"]
    page = form.content.decode()
    assert "Choose a new password" in page and 'autocomplete="new-password"' in page
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/accounts/password/reset/complete/"
    assert "Your password has been reset" in client.get(done["Location"]).content.decode()
    iro.user.refresh_from_db()
    assert iro.user.check_password(NEW)
    # The link works once.
    again = client.get(path, follow=True)
    assert not again.context["validlink"]
    assert "This link has expired" in again.content.decode()


def test_the_link_uses_the_request_host_when_no_base_url_is_set(client, iro, settings):
    settings.OVERSIGHT_BASE_URL = ""
    client.post("/accounts/password/reset/", {"email": "iro@council.example"})
    assert reset_link(mail.outbox[0]).startswith("http://testserver/accounts/password/reset/")


def test_an_unknown_address_gets_the_same_page_and_no_email(client, iro):
    known = client.post("/accounts/password/reset/", {"email": "iro@council.example"})
    mail.outbox.clear()
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@council.example"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert mail.outbox == []


def test_the_reset_form_asks_for_an_address_in_gov_uk_words(client):
    response = client.post("/accounts/password/reset/", {"email": ""})
    assert response.status_code == 400
    assert response.context["error_list"] == [("id_email", "Enter your email address")]


def test_the_reset_pages_are_open_when_signed_out(client):
    for url in (
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        "/accounts/password/reset/complete/",
        "/accounts/password/reset/MQ/not-a-token/",
    ):
        assert client.get(url).status_code == 200, url
    assert "Forgotten your password?" in client.get("/accounts/login/").content.decode()


def test_the_account_page_says_who_you_are_and_is_linked_from_the_header(client, iro):
    client.force_login(iro.user)
    html = client.get("/accounts/").content.decode()
    assert "Ada Reviewer" in html and "iro@council.example" in html
    assert "Independent reviewing officer" in html
    assert 'href="/accounts/password/"' in html
    assert "Sign out everywhere" in html
    assert 'href="/accounts/">Your account</a>' in client.get("/").content.decode()


def test_sign_out_everywhere_ends_the_sessions_on_other_devices(iro):
    laptop, phone = Client(), Client()
    assert sign_in(laptop, "iro", OLD).status_code == 302
    assert sign_in(phone, "iro", OLD).status_code == 302
    assert phone.get("/").status_code == 200

    response = laptop.post("/accounts/", follow=True)
    assert response.redirect_chain[0] == ("/accounts/login/", 302)
    assert "signed out of Oversight on every device" in response.content.decode()
    assert laptop.get("/")["Location"].startswith("/accounts/login/")

    later = phone.get("/")
    assert later.status_code == 302
    assert later["Location"].startswith("/accounts/login/")
    # Signing in again works, everywhere.
    assert sign_in(phone, "iro", OLD).status_code == 302
    assert phone.get("/").status_code == 200


def test_the_epoch_leaves_existing_sessions_alone_until_it_is_raised(iro):
    user = User.objects.get(pk=iro.user.pk)
    assert user.session_epoch == 0
    assert user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(user)
    before = user.get_session_auth_hash()
    user.session_epoch = 1
    assert user.get_session_auth_hash() != before
    user.session_epoch = 2
    assert user.get_session_auth_hash() not in {before}


def test_fallback_secrets_still_mix_in_the_epoch(iro, settings):
    settings.SECRET_KEY_FALLBACKS = ["an-old-secret"]
    user = User.objects.get(pk=iro.user.pk)
    user.session_epoch = 3
    (fallback,) = user.get_session_auth_fallback_hash()
    user.session_epoch = 4
    assert fallback not in set(user.get_session_auth_fallback_hash())
