"""Your account: who you are and your role, changing your password, resetting it by email
when it is forgotten, and signing out on every device.

The password pages are Django's own views (so AUTH_PASSWORD_VALIDATORS, the reset tokens
and the "never say whether an address has an account" behaviour are Django's), with
GOV.UK forms and plain-English words. Signing out everywhere raises the user's
`session_epoch`, which is part of every session's check (User.get_session_auth_hash).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout, Size
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods
from django.views.generic.edit import FormView

from core.forms import error_summary_items
from core.models import User
from core.permissions import role_required
from core.roles import Role, user_roles
from core.sso import sso_enabled
from core.throttle import TOO_MANY_FROM_ADDRESS, address_blocked
from core.two_factor import (
    confirmed_device,
    recovery_codes_left,
    security_keys,
    security_keys_usable_at,
)

# Generic only in django-stubs (and django-stubs-ext is not installed).
if TYPE_CHECKING:
    _SetPasswordForm = SetPasswordForm[User]
    _FormView = FormView[Any]
else:
    _SetPasswordForm = SetPasswordForm
    _FormView = FormView

CURRENT_PASSWORD_WRONG = "Your current password is not right. Enter it again"
PASSWORDS_DIFFER = "The new passwords do not match. Enter the same password twice"


def _gds_layout(form: forms.BaseForm, submit_label: str) -> Any:  # crispy-forms-gds: untyped
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.layout = Layout(*form.fields, Button("submit", submit_label))
    return helper


def _password_rules() -> str:
    """The project's AUTH_PASSWORD_VALIDATORS, as a hint in plain text."""
    return " ".join(str(t) for t in password_validation.password_validators_help_texts())


def _new_password_fields(form: forms.BaseForm) -> None:
    form.fields["new_password1"].label = "New password"
    form.fields["new_password1"].help_text = _password_rules()
    form.fields["new_password1"].error_messages["required"] = "Enter a new password"
    form.fields["new_password2"].label = "Confirm new password"
    form.fields["new_password2"].help_text = "Type the new password again."
    form.fields["new_password2"].error_messages["required"] = "Confirm your new password"


class AccountPasswordChangeForm(PasswordChangeForm):
    """Django's change of password (current password, new one twice), GOV.UK-styled."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": CURRENT_PASSWORD_WRONG,
        "password_mismatch": PASSWORDS_DIFFER,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        # One autofocus is enough, and GOV.UK pages leave focus to the error summary.
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        _new_password_fields(self)
        self.helper = _gds_layout(self, "Change password")


class AccountSetPasswordForm(_SetPasswordForm):
    """The new password chosen from a reset link."""

    error_messages = {**_SetPasswordForm.error_messages, "password_mismatch": PASSWORDS_DIFFER}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _new_password_fields(self)
        self.fields["new_password1"].widget.attrs.pop("autofocus", None)
        self.helper = _gds_layout(self, "Save new password")


class AccountPasswordResetForm(PasswordResetForm):
    """Asks for an email address; says the same whether or not it has an account."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "The work email address your Oversight account uses."
        email.error_messages["required"] = "Enter your email address"
        email.error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@council.gov.uk"
        )
        email.widget.attrs["spellcheck"] = "false"
        self.helper = _gds_layout(self, "Send the link")


class _GovukFormPage(_FormView):
    """A Django form view shown on form_page.html: heading, GOV.UK error summary, and
    status 400 when the form has errors (as core.forms.form_page does)."""

    heading = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["heading"] = self.heading
        context["error_list"] = error_summary_items(form) if form is not None else []
        return context

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def reset_link_lifetime() -> str:
    """How long a reset link works (PASSWORD_RESET_TIMEOUT), in words: "3 days"."""
    seconds = int(settings.PASSWORD_RESET_TIMEOUT)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def base_url(request: HttpRequest) -> str:
    """Where Oversight is served, for links in emails: OVERSIGHT_BASE_URL, or else the
    address this request came to (ALLOWED_HOSTS has checked its host)."""
    configured: str = getattr(settings, "OVERSIGHT_BASE_URL", "")
    return configured.rstrip("/") or request.build_absolute_uri("/").rstrip("/")


class PasswordChange(_GovukFormPage, auth_views.PasswordChangeView):
    form_class = AccountPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")
    heading = "Change your password"


class PasswordReset(_GovukFormPage, auth_views.PasswordResetView):
    form_class = AccountPasswordResetForm
    template_name = "registration/password_reset_form.html"
    subject_template_name = "email/password_reset_subject.txt"
    email_template_name = "email/password_reset.txt"
    html_email_template_name = "email/password_reset.html"
    success_url = reverse_lazy("password_reset_done")
    heading = "Reset your password"

    def form_valid(self, form: AccountPasswordResetForm) -> HttpResponse:
        self.extra_email_context = {
            "base_url": base_url(self.request),
            "valid_for": reset_link_lifetime(),
        }
        return super().form_valid(form)


class PasswordResetConfirm(_GovukFormPage, auth_views.PasswordResetConfirmView):
    form_class = AccountSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    heading = "Choose a new password"


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "valid_for": reset_link_lifetime()}


# Every signed-in role; someone with no role is refused (403), as on every other page.
password_change = role_required()(PasswordChange.as_view())
password_change_done = role_required()(
    auth_views.PasswordChangeDoneView.as_view(
        template_name="registration/password_change_done.html"
    )
)
# Open when signed out: forgetting a password is why someone cannot sign in.
password_reset = login_not_required(PasswordReset.as_view())
password_reset_done = login_not_required(PasswordResetDone.as_view())
password_reset_confirm = login_not_required(PasswordResetConfirm.as_view())
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/password_reset_complete.html"
    )
)


def user_sign_out_everywhere(user: User) -> None:
    """End every session of `user`, on every device: raising the epoch changes the hash
    each session was signed in with, so Django signs it out on its next request."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@role_required()
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Who you are and your role; change your password; sign out everywhere (POST)."""
    user = request.user
    assert isinstance(user, User)  # signed in: LoginRequiredMiddleware and role_required
    if request.method == "POST":
        user_sign_out_everywhere(user)
        logout(request)
        messages.success(request, "You have been signed out of Oversight on every device")
        return redirect("login")
    held = user_roles(user)
    return render(
        request,
        "registration/account.html",
        {
            "roles": [role.label for role in Role if role.value in held],
            "has_second_factor": confirmed_device(user) is not None,
            "recovery_codes_left": recovery_codes_left(user),
            "security_keys": security_keys(user),
            "security_keys_usable": security_keys_usable_at(request),
            "webauthn_rp_id": settings.OTP_WEBAUTHN_RP_ID,
        },
    )


class _ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses before checking the password once the address is over its limit."""

    def clean(self) -> dict[str, Any]:
        if address_blocked(self.request) if self.request is not None else False:
            raise forms.ValidationError(TOO_MANY_FROM_ADDRESS, code="address_throttled")
        return super().clean()


class SignIn(auth_views.LoginView):
    """Django's sign-in, with core.throttle's limit per address (status 429 over it)."""

    form_class = _ThrottledAuthenticationForm
    template_name = "registration/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "sso_enabled": sso_enabled()}

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", code="address_throttled"):
            response.status_code = 429
        return response


sign_in = login_not_required(SignIn.as_view())
