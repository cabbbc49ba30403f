"""Journey: the Head of Service, signed in with their app's code, adds a security key on
the account page; at the next sign-in they take the second step with one press of the
key in place of the code; they remove the key and are asked for a code again.

The key is Chromium's virtual authenticator (the DevTools WebAuthn domain): a real
WebAuthn ceremony against django-otp-webauthn, with no hardware."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.browser.conftest import PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def keys_here(settings, live_server):
    """Two-step verification on, and security keys bound to the test server's address."""
    settings.OVERSIGHT_MFA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


@pytest.fixture
def virtual_key(page):
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session


def password_step(page):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("head")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-step/**")


def test_a_security_key_takes_the_second_step_in_place_of_the_code(
    page, head_of_service, keys_here, virtual_key
):
    app = TOTPDevice.objects.create(user=head_of_service, name="Authenticator app", confirmed=True)
    password_step(page)
    code = f"{totp(app.bin_key, app.step, app.t0, app.digits, app.drift):06d}"
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/accounts/two-step/" not in url)

    page.goto("/accounts/")
    assert "None yet" in page.locator("main").inner_text()
    page.get_by_role("button", name="Add a security key").click()
    page.wait_for_function(
        "() => !!document.querySelector('#passkey-register-status-message')?.textContent"
    )
    page.wait_for_load_state()
    assert WebAuthnCredential.objects.filter(user=head_of_service, confirmed=True).count() == 1
    page.goto("/accounts/")
    assert page.get_by_role("button", name="Remove").count() == 1
    assert_accessible(page)

    page.context.clear_cookies()
    password_step(page)
    assert_accessible(page)
    page.get_by_role("button", name="Use your security key").click()
    page.wait_for_url(lambda url: "/accounts/two-step/" not in url)
    page.goto("/children/")
    assert page.url.endswith("/children/"), "verified by the key: the pages open"

    page.goto("/accounts/")
    page.get_by_role("button", name="Remove").click()
    # The session was verified by the key just removed: it asks for the app's code now.
    page.wait_for_url("**/accounts/two-step/?next=%2Faccounts%2F")
    assert "Security key removed" in page.locator("main").inner_text()
    assert not WebAuthnCredential.objects.filter(user=head_of_service).exists()
    assert page.get_by_role("button", name="Use your security key").count() == 0
