"""Sending one email: through GOV.UK Notify with a key, Django's mail without."""

import pytest
from django.core import mail

from core.notify import SendFailed, email_send


def test_without_a_notify_key_the_email_goes_through_djangos_mail(settings):
    settings.NOTIFY_API_KEY = ""
    sent = email_send(to="a@example.org", subject="Hello", body="Plain text", reference="r1")
    assert sent.via == "email"
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["a@example.org"], "Hello", "Plain text")
    ]


def test_a_mail_server_failure_is_a_send_failure_in_words(settings, monkeypatch):
    settings.NOTIFY_API_KEY = ""

    def broken(self, fail_silently=False):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(SendFailed, match=r"The mail server refused it: connection refused"):
        email_send(to="a@example.org", subject="Hello", body="x")


def test_with_a_key_the_email_goes_through_notifys_template(settings, monkeypatch):
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "template-1"
    calls = []

    class FakeClient:
        def __init__(self, key):
            calls.append(("key", key))

        def send_email_notification(self, **kwargs):
            calls.append(("send", kwargs))
            return {"id": "notify-123"}

    monkeypatch.setattr(
        "notifications_python_client.notifications.NotificationsAPIClient", FakeClient
    )
    sent = email_send(to="a@example.org", subject="Hello", body="Text", reference="r1")
    assert (sent.via, sent.reference) == ("notify", "notify-123")
    assert calls == [
        ("key", "test-key"),
        (
            "send",
            {
                "email_address": "a@example.org",
                "template_id": "template-1",
                "personalisation": {"subject": "Hello", "body": "Text"},
                "reference": "r1",
            },
        ),
    ]
    assert mail.outbox == []


def test_notifys_refusal_is_a_send_failure_with_its_words(settings, monkeypatch):
    from notifications_python_client.errors import APIError

    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "template-1"

    class Response:
        status_code = 400

        def json(self):
            return {
                "status_code": 400,
                "errors": [{"error": "ValidationError", "message": "email_address Not valid"}],
            }

    class FakeClient:
        def __init__(self, key):
            pass

        def send_email_notification(self, **kwargs):
            raise APIError(Response())

    monkeypatch.setattr(
        "notifications_python_client.notifications.NotificationsAPIClient", FakeClient
    )
    with pytest.raises(SendFailed, match=r"GOV\.UK Notify refused it: email_address Not valid"):
        email_send(to="x", subject="s", body="b")
