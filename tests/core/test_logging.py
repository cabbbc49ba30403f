"""Logs carry ids, not names or searches (core.logging on the console handler)."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest
from django.conf import settings

from core.logging import QUERY_REMOVED, REDACTED, RedactPersonalData


@pytest.fixture
def console_output():
    """The project's LOGGING, with its console handler writing to a buffer."""
    buffer = io.StringIO()
    logging.config.dictConfig(settings.LOGGING)
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_a_search_that_is_not_found_leaves_no_name_in_the_log(client, console_output):
    client.get("/search/?q=Smith")
    logging.getLogger("django.server").info('"%s" %s %s', "GET /search/?q=Smith HTTP/1.1", 404, 0)
    output = console_output.getvalue()
    assert "Not Found" in output or QUERY_REMOVED in output
    assert "Smith" not in output


def test_the_filter_drops_a_query_string_from_a_request_line():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /children/?q=Smith&page=2 HTTP/1.1", 200, 512),
        None,
    )
    assert RedactPersonalData().filter(record)
    assert record.getMessage() == f'"GET /children/{QUERY_REMOVED} HTTP/1.1" 200 512'


def test_the_filter_redacts_the_values_of_personal_keys_but_keeps_ids():
    record = logging.LogRecord(
        "returns",
        logging.ERROR,
        __file__,
        1,
        "row %s: surname=%s, child_id=%s",
        (7, "Jones", 123),
        None,
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == f"row 7: surname={REDACTED}, child_id=123"
