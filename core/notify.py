"""Send one email: through GOV.UK Notify when a key is configured, else Django's mail.

Knows nothing of any area: the caller gives the address, subject, plain-text body and a
reference of its own (kept by Notify, so a message can be traced back to its record).
Errors come back as `SendFailed` with a message fit to show the person who sent it; the
caller records the outcome and decides whether to try again (docs/adr/0010).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage


class SendFailed(Exception):
    """The email was not accepted; `str(error)` says why in words."""


@dataclass(frozen=True)
class Sent:
    via: str  # "notify" or "email"
    reference: str  # Notify's notification id, or empty for Django's mail


def notify_configured() -> bool:
    return bool(getattr(settings, "NOTIFY_API_KEY", ""))


def email_send(*, to: str, subject: str, body: str, reference: str = "") -> Sent:
    """Send one plain-text email to one address, or raise SendFailed."""
    if notify_configured():
        return _send_through_notify(to=to, subject=subject, body=body, reference=reference)
    try:
        sent = EmailMessage(subject=subject, body=body, to=[to]).send()
    except Exception as error:  # any backend's failure is a failed send, shown to people
        raise SendFailed(f"The mail server refused it: {error}") from error
    if not sent:
        raise SendFailed("The mail server did not accept it")
    return Sent("email", "")


def _send_through_notify(*, to: str, subject: str, body: str, reference: str) -> Sent:
    from notifications_python_client.errors import APIError
    from notifications_python_client.notifications import NotificationsAPIClient

    # notifications-python-client ships no type hints.
    client = NotificationsAPIClient(settings.NOTIFY_API_KEY)  # type: ignore[no-untyped-call]
    try:
        response = client.send_email_notification(  # type: ignore[no-untyped-call]
            email_address=to,
            template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
            personalisation={"subject": subject, "body": body},
            reference=reference or None,
        )
    except APIError as error:
        raise SendFailed(f"GOV.UK Notify refused it: {_notify_message(error)}") from error
    except Exception as error:  # a network failure: worth trying again later
        raise SendFailed(f"GOV.UK Notify could not be reached: {error}") from error
    return Sent("notify", str(response.get("id", "")))


def _notify_message(error: Exception) -> str:
    """Notify's own words for what was wrong (its errors carry a list of messages)."""
    message = getattr(error, "message", None)
    if isinstance(message, list):
        return "; ".join(
            str(m.get("message", m)) if isinstance(m, dict) else str(m) for m in message
        )
    return str(message or error)
