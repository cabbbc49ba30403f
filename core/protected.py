"""Downloads that can be locked with a password: the file inside an AES-256 zip
(pyzipper, WinZip's AES format, which Windows' own zip does not open but 7-Zip and every
council's archive tool do). The person choosing the password passes it on by another way
than the file. Every download is also an audited read (core.audit)."""

from __future__ import annotations

import io
from typing import Any

import pyzipper
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.http import HttpResponse

from core.forms import ServiceForm

SHORTEST_PASSWORD = 10
PASSWORD_TOO_SHORT = f"The password must be at least {SHORTEST_PASSWORD} characters"
PASSWORD_TOO_LONG = "The password must be 128 characters or fewer"


def password_field() -> forms.CharField:
    """An export form's optional password to lock the file with."""
    return forms.CharField(
        label="Password to open the file (optional)",
        required=False,
        strip=False,
        help_text=(
            f"At least {SHORTEST_PASSWORD} characters. The file comes as a zip that opens "
            "with this password (7-Zip or your archive tool). Send the password separately."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )


def password_problem(password: str) -> str | None:
    """Why the password given will not do, or None (no password is fine: no lock)."""
    if not password:
        return None
    if len(password) < SHORTEST_PASSWORD:
        return PASSWORD_TOO_SHORT
    if len(password) > 128:
        return PASSWORD_TOO_LONG
    return None


class ExportPassword(forms.Form):
    """An export form's optional `password` field (mix in before the form's own base)."""

    password = password_field()

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if problem := password_problem(password):
            raise forms.ValidationError(problem)
        return password


def protected_zip(content: bytes, name: str, password: str) -> bytes:
    """`content` as the one file `name` in a zip encrypted with AES-256 under `password`."""
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode("utf-8"))
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr(name, content)
    return buffer.getvalue()


def download(
    content: bytes | str, name: str, content_type: str, *, password: str = ""
) -> HttpResponse:
    """The file as an attachment, or locked in a zip when a password is given."""
    if password:
        body = content.encode("utf-8") if isinstance(content, str) else content
        content, name, content_type = (
            protected_zip(body, name, password),
            f"{name}.zip",
            "application/zip",
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


ENTER_PASSWORD = "Enter a password to lock the file with"


class LockedDownloadForm(ExportPassword, ServiceForm):
    """A list's download locked with a password (the list's page posts it to itself):
    the file as a zip that opens only with the password. The plain download stays a link.
    `formats` are the choices of file ([("csv", "CSV")] for a list that has only one)."""

    submit_label = "Download locked with a password"
    prefix = "locked"

    file_format = forms.ChoiceField(
        label="File",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of file"},
    )

    def __init__(self, *args: Any, formats: list[tuple[str, str]], **kwargs: Any) -> None:
        self.formats = formats
        super().__init__(*args, **kwargs)

    def layout_fields(self) -> list[Any]:
        # Called from ServiceForm.__init__, once the fields are made: set up here.
        file_format = self.fields["file_format"]
        file_format.choices = self.formats  # type: ignore[attr-defined]
        file_format.initial = self.formats[0][0]
        password = self.fields["password"]
        password.required = True
        password.label = "Password to open the file"
        password.error_messages["required"] = ENTER_PASSWORD
        if len(self.formats) == 1:
            file_format.widget = forms.HiddenInput()
            return ["file_format", "password"]
        return [Field.radios("file_format", legend_size=Size.SMALL), "password"]
