"""What the logs may carry: ids and counts, not names or what someone searched for.

`RedactPersonalData` sits on the console handler (settings.LOGGING). It renders each
record's message once, drops the query string from every URL in it (django.request and
django.server log the request line, and `?q=Smith` is a search for a person), and
replaces the value of any known personal key (`name=...`, `"surname": "..."`) with
REDACTED. The record then carries the cleaned text and no arguments.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
QUERY_REMOVED = "?[query removed]"
# Keys whose values may name or identify a child or family member.
PERSONAL_KEYS = (
    "q",
    "query",
    "search",
    "name",
    "forename",
    "forenames",
    "surname",
    "first_name",
    "last_name",
    "full_name",
    "dob",
    "date_of_birth",
    "email",
    "address",
    "postcode",
    "upn",
    "nhs_number",
)

_QUERY_STRING = re.compile(r"\?[^\s\"']*")
_KEYS = "|".join(re.escape(key) for key in PERSONAL_KEYS)
# name=Smith, name: Smith, "name": "Smith", 'name': 'Smith'
_KEY_VALUE = re.compile(
    rf"(?i)(?P<key>[\"']?\b(?:{_KEYS})\b[\"']?\s*[=:]\s*)(?P<value>\"[^\"]*\"|'[^']*'|[^\s,;&}}]+)"
)


def redact(text: str) -> str:
    """`text` without query strings or the values of personal keys."""
    text = _QUERY_STRING.sub(QUERY_REMOVED, text)
    return _KEY_VALUE.sub(lambda m: f"{m.group('key')}{REDACTED}", text)


class RedactPersonalData(logging.Filter):
    """Keeps every record, with its message cleaned by `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler
            return True
        record.msg = redact(message)
        record.args = ()
        return True
