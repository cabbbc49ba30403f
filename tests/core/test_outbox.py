"""The outbox keeps each event once, in order, with IDs, dates and codes only; the webhook
posts the undelivered ones in order, signed, marks each delivered on a 2xx, and after a
refusal waits longer each time before trying again."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.models import AppendOnlyError, OutboxEvent, OutboxKind
from core.outbox import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    NewEvent,
    outbox_event_emit,
    outbox_events_emit,
    retry_wait,
    webhook_deliver,
    webhook_signature,
)
from core.tasks import webhook_deliver_task

pytestmark = pytest.mark.django_db

SECRET = "a-webhook-secret"
NOW = dt.datetime(2025, 3, 31, 9, 0, tzinfo=dt.UTC)


def emit(key, child_ref="C1", **payload):
    return outbox_event_emit(
        kind=OutboxKind.DEADLINE_OVERDUE,
        key=key,
        subject_type="reviews.periodofcare",
        subject_pk=7,
        child_ref=child_ref,
        payload=payload or {"deadline": "lac_review", "due_on": dt.date(2025, 3, 1)},
    )


def test_an_event_is_kept_once_whatever_the_number_of_times_it_is_emitted():
    first = emit("deadline.overdue:one")
    again = emit("deadline.overdue:one")

    assert first is not None and again is None
    assert OutboxEvent.objects.count() == 1
    assert first.payload == {"deadline": "lac_review", "due_on": "2025-03-01"}


def test_events_emitted_together_keep_their_order_and_skip_those_already_kept():
    emit("b")
    added = outbox_events_emit(
        events=[
            NewEvent(OutboxKind.DEADLINE_OVERDUE, key, "reviews.periodofcare", 1)
            for key in ["a", "b", "c", "a"]
        ]
    )

    assert [e.key for e in added] == ["a", "c"]
    assert list(OutboxEvent.objects.order_by("pk").values_list("key", flat=True)) == [
        "b",
        "a",
        "c",
    ]


@pytest.mark.parametrize("value", ["Ada Reviewer", "x" * 41, 1.5, {"nested": 1}])
def test_a_payload_of_names_free_text_or_anything_but_ids_dates_and_codes_is_refused(value):
    with pytest.raises(ValueError, match="IDs, dates and codes only"):
        emit("k", note=value)

    assert not OutboxEvent.objects.exists()


def test_an_event_is_never_changed_or_deleted_only_marked_delivered():
    event = emit("k")

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        OutboxEvent.objects.filter(pk=event.pk).update(kind="other")
    with pytest.raises(AppendOnlyError):
        OutboxEvent.objects.all().delete()
    assert OutboxEvent.objects.filter(pk=event.pk).update(attempts=1) == 1


# The webhook, against a real HTTP server on 127.0.0.1 --------------------------------------


class Receiver:
    """A local HTTP server that answers each POST with the next status given (then 200),
    keeping what it was sent."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oversight-events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self):
        return [json.loads(r["body"]) for r in self.received]


@pytest.fixture
def webhook(settings):
    def configure(url):
        settings.OVERSIGHT_WEBHOOK_URL = url
        settings.OVERSIGHT_WEBHOOK_SECRET = SECRET

    return configure


def test_undelivered_events_are_posted_in_order_signed_and_marked_delivered(webhook):
    first, second = emit("one"), emit("two", child_ref="C2")
    with Receiver() as receiver:
        webhook(receiver.url)
        assert webhook_deliver_task() == 2
        assert webhook_deliver() == 0, "nothing is posted twice"

    assert [b["id"] for b in receiver.bodies()] == [first.pk, second.pk]
    assert receiver.bodies()[1]["child_id"] == "C2"
    headers = receiver.received[0]["headers"]
    expected = hmac.new(
        SECRET.encode(),
        headers[TIMESTAMP_HEADER].encode() + b"." + receiver.received[0]["body"],
        hashlib.sha256,
    ).hexdigest()
    assert headers[SIGNATURE_HEADER] == f"sha256={expected}"
    assert headers[EVENT_ID_HEADER] == str(first.pk)
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()


def test_a_refused_event_waits_and_is_posted_again_and_nothing_overtakes_it(webhook, time_machine):
    time_machine.move_to(NOW, tick=False)
    first, second = emit("one"), emit("two")
    with Receiver(statuses=[500]) as receiver:
        webhook(receiver.url)
        assert webhook_deliver() == 0
        refused = OutboxEvent.objects.get(pk=first.pk)
        assert refused.delivered_at is None and refused.last_error == "HTTP 500"
        assert refused.attempts == 1 and refused.retry_at == NOW + retry_wait(1)

        assert webhook_deliver() == 0, "not tried again before its wait is over"
        time_machine.move_to(NOW + retry_wait(1), tick=False)
        assert webhook_deliver() == 2

    assert [b["id"] for b in receiver.bodies()] == [first.pk, first.pk, second.pk]
    delivered = OutboxEvent.objects.get(pk=first.pk)
    assert delivered.delivered_at is not None and delivered.last_error == ""
    assert delivered.attempts == 2


def test_an_unreachable_webhook_is_a_refusal_kept_with_the_event(webhook):
    event = emit("one")
    with Receiver() as receiver:
        url = receiver.url
    webhook(url)  # the server is closed: nothing listens there now

    assert webhook_deliver() == 0
    event = OutboxEvent.objects.get(pk=event.pk)
    assert event.delivered_at is None and "ConnectionError" in event.last_error


def test_each_wait_after_a_refusal_is_longer_up_to_an_hour():
    waits = [retry_wait(n) for n in [*range(1, 12), 10_000]]

    assert waits[0] == dt.timedelta(seconds=30)
    assert waits == sorted(waits)
    assert waits[-1] == dt.timedelta(hours=1)


def test_nothing_is_posted_without_a_webhook(settings):
    settings.OVERSIGHT_WEBHOOK_URL = ""
    emit("one")

    assert webhook_deliver() == 0
    assert OutboxEvent.objects.get().attempts == 0


def test_the_signature_is_hmac_sha256_of_the_timestamp_and_body():
    signature = webhook_signature(secret="s", timestamp="1700000000", body=b"{}")

    assert signature == "sha256=" + hmac.new(b"s", b"1700000000.{}", hashlib.sha256).hexdigest()


def test_administrators_see_each_events_delivery_in_the_admin_and_cannot_change_it(
    admin_client,
):
    emit("one", child_ref="C9")
    OutboxEvent.objects.update(attempts=3, last_error="HTTP 503")

    page = admin_client.get("/admin/core/outboxevent/")

    assert page.status_code == 200
    assert "HTTP 503" in page.content.decode()
    assert admin_client.get("/admin/core/outboxevent/add/").status_code == 403


def test_beat_runs_the_webhook_every_minute():
    from celery.schedules import crontab

    from config.celery import app

    entry = app.conf.beat_schedule["deliver-webhook-events"]

    assert entry["task"] == webhook_deliver_task.name == "core.tasks.webhook_deliver_task"
    assert entry["schedule"] == crontab(minute="*")
