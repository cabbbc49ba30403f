"""Two-step verification: managers and administrators enter a code from an authenticator
app after their password; anyone who has set one up is asked for it; nobody signed in
with only a password reaches a child's record."""

import re
from base64 import b32decode

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.two_factor import (
    CODE_MISSING,
    CODE_OR_RECOVERY_MALFORMED,
    CODE_WRONG,
    RECOVERY_CODE_USED,
    RECOVERY_CODE_WRONG,
    RECOVERY_CODES,
    TOO_MANY_CODES,
    recovery_codes_issue,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def required(settings):
    settings.OVERSIGHT_MFA_REQUIRED = True
    settings.OVERSIGHT_MFA_ROLES = ["head_of_service", "administrator"]


def sign_in(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password is right"
    return response


def code_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code the app shows at no step near now (django-otp accepts one step either side)."""
    near = {
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + d):06d}"
        for d in (-1, 0, 1)
    }
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def key_shown(html: str) -> bytes:
    typed = re.search(r'app-secret-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    return b32decode(typed + "=" * (-len(typed) % 8))


def recovery_codes_on(page) -> list[str]:
    assert page.status_code == 200
    return re.findall(
        r'<code class="govuk-!-font-weight-bold">([a-z2-7]{4} [a-z2-7]{4})</code>',
        page.content.decode(),
    )


def set_up_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_the_head_of_service_sets_up_an_app_at_first_sign_in_before_any_page(
    client, head_of_service
):
    sign_in(client, "head")
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/accounts/two-step/set-up/")

    page = client.get(home["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html, "a QR code to scan"
    key = key_shown(html)
    assert not TOTPDevice.objects.exists(), "opening the page saves nothing"

    device = TOTPDevice(key=key.hex())
    response = client.post(home["Location"], {"code": code_now(device), "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-step/recovery-codes/?next=%2F"
    codes = recovery_codes_on(client.get(response["Location"]))
    assert len(codes) == RECOVERY_CODES, "ten recovery codes, shown once, with a way on"
    assert client.get("/").status_code == 200
    saved = TOTPDevice.objects.get(user=head_of_service)
    assert saved.confirmed and saved.bin_key == key


def test_a_wrong_code_at_set_up_is_an_error_on_the_code_and_saves_nothing(client, head_of_service):
    sign_in(client, "head")
    key = key_shown(client.get("/accounts/two-step/set-up/").content.decode())
    code = wrong_code(TOTPDevice(key=key.hex()))
    response = client.post("/accounts/two-step/set-up/", {"code": code})
    assert response.status_code == 200
    assert response.context["error_list"] == [("id_code", CODE_WRONG)]
    assert not TOTPDevice.objects.exists()
    assert client.get("/")["Location"].startswith("/accounts/two-step/set-up/")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", CODE_MISSING),
        ("12345", CODE_OR_RECOVERY_MALFORMED),
        ("abcdef", CODE_OR_RECOVERY_MALFORMED),
        ("abcdefg1", CODE_OR_RECOVERY_MALFORMED),  # 1 is in no recovery code
    ],
)
def test_a_code_that_is_not_six_digits_nor_a_recovery_code_is_named_as_such(
    client, head_of_service, code, message
):
    set_up_device(head_of_service)
    sign_in(client, "head")
    response = client.post("/accounts/two-step/", {"code": code})
    assert response.context["error_list"] == [("id_code", message)]
    assert f'<a href="#id_code">{message}</a>' in response.content.decode()


def test_someone_with_an_app_is_asked_for_its_code_and_then_reaches_the_page_they_asked_for(
    client, head_of_service
):
    device = set_up_device(head_of_service)
    client.post("/accounts/login/?next=/children/", {"username": "head", "password": PASSWORD})
    asked = client.get("/children/")
    assert asked["Location"] == "/accounts/two-step/?next=%2Fchildren%2F"
    right = client.post("/accounts/two-step/", {"code": code_now(device), "next": "/children/"})
    assert right["Location"] == "/children/"
    assert client.get("/children/").status_code == 200


def test_the_next_address_after_the_code_is_never_another_site(client, head_of_service):
    device = set_up_device(head_of_service)
    sign_in(client, "head")
    response = client.post(
        "/accounts/two-step/", {"code": code_now(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_wrong_code_is_refused_and_slows_the_next_try(client, head_of_service):
    device = set_up_device(head_of_service)
    sign_in(client, "head")
    wrong = client.post("/accounts/two-step/", {"code": wrong_code(device)})
    assert wrong.context["error_list"] == [("id_code", CODE_WRONG)]
    assert client.get("/").status_code == 302
    # django-otp waits a second after one failure, two after two: try again at once.
    response = client.post("/accounts/two-step/", {"code": code_now(device)})
    assert response.context["error_list"] == [("id_code", TOO_MANY_CODES)]
    assert client.get("/").status_code == 302


def test_an_iro_need_not_set_one_up_but_is_asked_once_they_have(client, iro):
    sign_in(client, "iro")
    assert client.get("/").status_code == 200

    device = set_up_device(iro.user)
    other = Client()
    sign_in(other, "iro")
    assert other.get("/")["Location"].startswith("/accounts/two-step/")
    other.post("/accounts/two-step/", {"code": code_now(device)})
    assert other.get("/").status_code == 200


def test_staff_must_use_it_whatever_their_roles(client, administrator, settings):
    settings.OVERSIGHT_MFA_ROLES = []
    sign_in(client, "admin")
    assert client.get("/admin/")["Location"].startswith("/accounts/two-step/set-up/")


def test_with_it_not_required_a_manager_without_an_app_signs_in_with_a_password(
    client, head_of_service, settings
):
    settings.OVERSIGHT_MFA_REQUIRED = False
    sign_in(client, "head")
    assert client.get("/").status_code == 200


def test_someone_with_an_app_cannot_skip_it_by_setting_up_another(client, head_of_service):
    set_up_device(head_of_service)
    sign_in(client, "head")
    response = client.get("/accounts/two-step/set-up/")
    assert response["Location"].startswith("/accounts/two-step/")
    assert "set-up" not in response["Location"]


def test_the_account_page_says_whether_it_is_on(client, iro):
    client.force_login(iro.user)
    assert "Off: Oversight asks only for your password" in client.get("/accounts/").content.decode()
    device = set_up_device(iro.user)
    sign_in(client, "iro")
    client.post("/accounts/two-step/", {"code": code_now(device)})
    assert "On: after your password" in client.get("/accounts/").content.decode()


def test_a_recovery_code_opens_one_sign_in_in_place_of_the_app_and_is_then_used_up(
    client, head_of_service
):
    set_up_device(head_of_service)
    code = recovery_codes_issue(head_of_service)[0]
    sign_in(client, "head")
    typed = f"{code[:4].upper()}-{code[4:].upper()}"  # as read off paper
    response = client.post("/accounts/two-step/", {"code": typed, "next": "/children/"})
    assert response["Location"] == "/children/"
    shown = [str(m) for m in client.get("/children/").context["messages"]]
    assert shown == [RECOVERY_CODE_USED.format(left=RECOVERY_CODES - 1)]

    again = Client()
    sign_in(again, "head")
    refused = again.post("/accounts/two-step/", {"code": code})
    assert refused.context["error_list"] == [("id_code", RECOVERY_CODE_WRONG)]
    assert again.get("/").status_code == 302, "still asked for the second step"


def test_the_code_page_says_when_few_recovery_codes_are_left(client, head_of_service):
    set_up_device(head_of_service)
    codes = recovery_codes_issue(head_of_service)
    head_of_service.staticdevice_set.get().token_set.exclude(token=codes[0]).exclude(
        token=codes[1]
    ).delete()
    sign_in(client, "head")
    client.post("/accounts/two-step/", {"code": codes[0]})
    (shown,) = [str(m) for m in client.get("/").context["messages"]]
    assert shown.startswith(RECOVERY_CODE_USED.format(left=1))
    assert "Make new recovery codes from your account page" in shown


def test_making_new_recovery_codes_stops_the_old_ones(client, head_of_service):
    device = set_up_device(head_of_service)
    old = recovery_codes_issue(head_of_service)
    sign_in(client, "head")
    client.post("/accounts/two-step/", {"code": code_now(device)})
    account = client.get("/accounts/").content.decode()
    assert f"Recovery codes: {RECOVERY_CODES} left." in account

    made = client.post("/accounts/two-step/recovery-codes/", {"next": "/accounts/"})
    new = [c.replace(" ", "") for c in recovery_codes_on(client.get(made["Location"]))]
    assert len(new) == RECOVERY_CODES and not set(new) & set(old)
    assert recovery_codes_on(client.get(made["Location"])) == [], "shown only once"

    other, third = Client(), Client()
    sign_in(other, "head")
    assert other.post("/accounts/two-step/", {"code": new[0]})["Location"] == "/"
    sign_in(third, "head")
    refused = third.post("/accounts/two-step/", {"code": old[0]})
    assert refused.context["error_list"] == [("id_code", RECOVERY_CODE_WRONG)]


def test_recovery_codes_are_not_shown_to_someone_who_has_not_entered_a_code(
    client, head_of_service
):
    set_up_device(head_of_service)
    sign_in(client, "head")
    for response in (
        client.get("/accounts/two-step/recovery-codes/"),
        client.post("/accounts/two-step/recovery-codes/"),
    ):
        assert response["Location"].split("?")[0] == "/accounts/two-step/"
    assert not head_of_service.staticdevice_set.exists(), "nothing was made"
