"""Two-step verification: a code from an authenticator app after the password.

django-otp keeps the devices (TOTP, RFC 6238) and marks a session verified
(`request.user.is_verified()`); this module decides who must use one, asks for the code
after sign-in, and lets a person set one up. Managers and administrators must
(`OVERSIGHT_MFA_ROLES`, with staff and superusers always included) wherever
`OVERSIGHT_MFA_REQUIRED` is on, which it is outside debug. Anyone who has set up a device
is asked for its code, whether or not their role requires one.

Security keys and passkeys (WebAuthn, django-otp-webauthn) are a second way to take the
second step once the app is set up: added from the account page, used with one press on
the code page, never in place of the password.

Setting up an app also gives ten recovery codes (django-otp's static tokens), shown once:
each opens one sign-in in place of the app's code and is then used up. A lost phone: the
person signs in with a recovery code and sets up the new phone from their account page,
or an administrator deletes the person's devices in the admin and they set up a new one
at their next sign-in.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from django_otp_webauthn.models import WebAuthnCredential

from core.forms import error_summary_items
from core.middleware import BeforeViewMiddleware
from core.models import User
from core.roles import user_roles
from core.sso import signed_in_through_sso

CODE_MISSING = "Enter the 6-digit code from your authenticator app"
CODE_MALFORMED = "The code is 6 digits, like 123456"
CODE_OR_RECOVERY_MALFORMED = (
    "Enter the 6 digits your app shows, like 123456, or a recovery code of 8 letters and numbers"
)
RECOVERY_CODE_WRONG = "That recovery code is not right, or it has been used"
RECOVERY_CODE_USED = (
    "You signed in with a recovery code, which is now used up. You have {left} left"
)
RECOVERY_CODES_LOW = (
    "Make new recovery codes from your account page, and move your app to your new phone"
    " if you have lost the old one"
)
CODE_WRONG = "The code is not right. Enter the code your authenticator app shows now"
TOO_MANY_CODES = "Too many wrong codes. Wait a minute, then enter the code your app shows now"

DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODES = 10

# Pages someone signed in with only their password may still open: the two-step pages
# (with a security key's sign-in steps), signing out, the static files and the health check.
_OPEN_VIEW_NAMES = (
    "two_factor_verify",
    "two_factor_set_up",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "logout",
    "login",
    "sso_start",
    "sso_callback",
    "healthz",
)
SECURITY_KEY_REMOVED = "Security key removed. Take the second step again with your app or a key"


def second_factor_required(user: User) -> bool:
    """Must `user` verify with a second factor before using Oversight?"""
    if not settings.OVERSIGHT_MFA_REQUIRED:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(user_roles(user) & set(settings.OVERSIGHT_MFA_ROLES))


# Whether the signed-in person has a device, read once when they sign in and kept in the
# session, so no page pays a query to learn it.
_HAS_DEVICE = "two_factor_has_device"


def security_keys(user: User) -> list[WebAuthnCredential]:
    """The person's security keys and passkeys, oldest first."""
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))


def security_keys_usable_at(request: HttpRequest) -> bool:
    """Whether the page's address is one a security key can be used at: keys belong to
    one domain (OTP_WEBAUTHN_RP_ID), so not at an IP address such as 127.0.0.1."""
    host, _port = split_domain_port(request.get_host())
    rp_id = settings.OTP_WEBAUTHN_RP_ID
    return host == rp_id or host.endswith(f".{rp_id}")


def remember_device_on_sign_in(
    sender: Any, request: HttpRequest | None, user: Any, **_: Any
) -> None:
    """user_logged_in: note in the new session whether the person has a device."""
    if request is not None and hasattr(request, "session") and isinstance(user, User):
        request.session[_HAS_DEVICE] = confirmed_device(user) is not None


def has_device(request: HttpRequest, user: User) -> bool:
    known = request.session.get(_HAS_DEVICE)
    if known is None:
        known = request.session[_HAS_DEVICE] = confirmed_device(user) is not None
    return bool(known)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


_SESSION_KEY = "two_factor_new_key"


def new_device(request: HttpRequest, user: User) -> TOTPDevice:
    """The device being set up, not yet saved: its key is kept in the session until the
    person enters a code from it, so opening the page writes nothing."""
    key = request.session.get(_SESSION_KEY)
    if not key:
        key = random_hex(20)
        request.session[_SESSION_KEY] = key
    return TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=False)


def new_device_code_matches(device: TOTPDevice, code: str) -> bool:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return bool(totp.verify(int(code), device.tolerance))


def code_problem(device: TOTPDevice, code: str) -> str | None:
    """None when `code` is the device's code now; otherwise the message to show. Wrong
    codes slow the next tries (django-otp's throttling on the device)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return TOO_MANY_CODES
    if not device.verify_token(code):
        return CODE_WRONG
    return None


def totp_device_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """Saves the new device as the person's only one (setting up again replaces the old
    phone's)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).delete()
        device.confirmed = True
        device.save()
    return device


def recovery_codes_issue(user: User) -> list[str]:
    """Ten new recovery codes for `user`, replacing any they had: the only time they are
    shown (django-otp keeps them to compare; each is deleted when used)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def recovery_code_typed(text: str) -> str | None:
    """A recovery code as typed (any case, with spaces or a hyphen), as it is kept; None if
    it is not the shape of one (8 letters a-z and digits 2-7)."""
    code = "".join(text.split()).replace("-", "").lower()
    if len(code) == 8 and all(c in "abcdefghijklmnopqrstuvwxyz234567" for c in code):
        return code
    return None


def recovery_code_shown(code: str) -> str:
    """A recovery code in two groups of four, for reading and copying."""
    return f"{code[:4]} {code[4:]}"


def recovery_code_problem(user: User, code: str) -> tuple[StaticDevice | None, str | None]:
    """The person's recovery-code device and None when `code` is one of theirs (it is used
    up now); otherwise the message to show. Wrong codes slow the next tries."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None, RECOVERY_CODE_WRONG
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return None, TOO_MANY_CODES
    if not device.verify_token(code):
        return None, RECOVERY_CODE_WRONG
    return device, None


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, for the app's camera."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(image.to_string(encoding="unicode"))


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 in groups of four, for an app that cannot read the QR code."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class CodeForm(forms.Form):
    """The 6-digit code from the app (setting it up)."""

    code = forms.CharField(
        label="Code",
        error_messages={"required": CODE_MISSING},
        max_length=12,
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(CODE_MALFORMED)
        return code


class VerifyForm(forms.Form):
    """After the password: the app's 6-digit code, or one of the person's recovery codes."""

    code = forms.CharField(
        label="Code",
        error_messages={"required": CODE_MISSING},
        max_length=20,
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if code.isdigit() and len(code) == 6:
            return code
        if recovery := recovery_code_typed(code):
            return recovery
        raise forms.ValidationError(CODE_OR_RECOVERY_MALFORMED)


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address the request carries, if it is on this site; else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _next(request: HttpRequest) -> str:
    return safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))


def _onward(url_name: str, request: HttpRequest) -> HttpResponse:
    """To another two-step page, keeping where the person was going."""
    return redirect(f"{reverse(url_name)}?{urlencode({'next': _next(request)})}")


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the person's app."""
    user = _user(request)
    if user is None:
        return redirect("login")
    device = confirmed_device(user)
    if device is None:  # removed since they signed in (a lost phone)
        request.session[_HAS_DEVICE] = False
        if not second_factor_required(user):
            return redirect(_next(request))
        return _onward("two_factor_set_up", request)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if code.isdigit():
            problem = code_problem(device, code)
            if problem is None:
                otp_login(request, device)
                return redirect(_next(request))
        else:
            recovery, problem = recovery_code_problem(user, code)
            if recovery is not None:
                otp_login(request, recovery)
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    RECOVERY_CODE_USED.format(left=left)
                    + (f". {RECOVERY_CODES_LOW}" if left <= 3 else ""),
                )
                return redirect(_next(request))
        form.add_error("code", problem or CODE_WRONG)
    return render(
        request,
        "registration/two_factor_verify.html",
        {
            "form": form,
            "next": _next(request),
            "error_list": error_summary_items(form),
            "two_step_pending": True,
            "security_key": bool(security_keys(user)) and security_keys_usable_at(request),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code, then enter what the app shows.

    Someone already verified may set up a new phone here; someone who has a device but
    signed in with only their password must verify with it first."""
    user = _user(request)
    if user is None:
        return redirect("login")
    if confirmed_device(user) is not None and not user.is_verified():  # type: ignore[attr-defined]
        return _onward("two_factor_verify", request)
    device = new_device(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if new_device_code_matches(device, form.cleaned_data["code"]):
            request.session.pop(_SESSION_KEY, None)
            totp_device_confirm(device=device)
            request.session[_HAS_DEVICE] = True
            otp_login(request, device)
            request.session[_NEW_CODES] = recovery_codes_issue(user)
            messages.success(request, "Two-step verification is set up")
            return _onward("two_factor_recovery_codes", request)
        form.add_error("code", CODE_WRONG)
    return render(
        request,
        "registration/two_factor_set_up.html",
        {
            "form": form,
            "next": _next(request),
            "error_list": error_summary_items(form),
            # The menu and search lead nowhere until the code is in (base.html).
            "two_step_pending": not user.is_verified(),  # type: ignore[attr-defined]
            "qr_code": qr_code_svg(device),
            "secret": secret_for_typing(device),
        },
    )


# Recovery codes just made, kept in the session only until the page shows them once.
_NEW_CODES = "two_factor_new_recovery_codes"


@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown once (GET); POST makes a new set, replacing the
    old. Only someone verified with their second factor reaches it (the middleware)."""
    user = _user(request)
    if user is None:
        return redirect("login")
    if confirmed_device(user) is None:
        return _onward("two_factor_set_up", request)
    if request.method == "POST":
        request.session[_NEW_CODES] = recovery_codes_issue(user)
        return _onward("two_factor_recovery_codes", request)
    codes = request.session.pop(_NEW_CODES, None) or []
    response = render(
        request,
        "registration/two_factor_recovery_codes.html",
        {
            "codes": [recovery_code_shown(c) for c in codes],
            "left": recovery_codes_left(user),
            "next": _next(request),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["POST"])
def security_key_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of the person's own security keys (a lost key), from the account page."""
    user = _user(request)
    if user is None:
        return redirect("login")
    key = WebAuthnCredential.objects.filter(user=user, pk=pk).first()
    if key is not None:
        key.delete()
        messages.success(request, SECURITY_KEY_REMOVED)
    return redirect("account")


class SecondFactorMiddleware(BeforeViewMiddleware):
    """Someone signed in with only their password reaches no page but the two-step ones
    until they enter a code: asked for it if they have a device, sent to set one up if
    their role requires it. After django-otp's OTPMiddleware and the sign-in check."""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        user = _user(request)
        if user is None or user.is_verified():  # type: ignore[attr-defined]
            return None
        if settings.OVERSIGHT_SSO_COUNTS_AS_SECOND_FACTOR and signed_in_through_sso(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_VIEW_NAMES:
            return None
        if request.path.startswith(settings.STATIC_URL or "/static/"):
            return None
        target = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': target})}" if target else ""
        if has_device(request, user):
            return redirect(f"{reverse('two_factor_verify')}{query}")
        if second_factor_required(user):
            return redirect(f"{reverse('two_factor_set_up')}{query}")
        return None
