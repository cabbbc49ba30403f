"""Counts of the whole unit, kept until a record changes (issue 14).

A page for one person may show a figure of the unit beside that person's work: business
support's booking queue counted by kind and band, the Head of Service's overdue work,
the children with no IRO, each IRO's caseload. Counting them reads the unit, so a page
showing them would cost what the unit holds. They are kept instead, under the records'
fingerprint (the newest history row of every tracked model: any recorded change, a
booking, an allocation, a correction or an import, moves it), and for at most
`OVERSIGHT_UNIT_COUNTS_SECONDS` besides, for the few writes that keep no history. The
page says when its figures were counted.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import registered_models

from core.request_memo import request_memoised

T = TypeVar("T")


# The fingerprint's statement prepared on a PostgreSQL connection (a prepared statement
# lasts as long as its connection, whatever its transactions do): marked on Django's
# connection, and unmarked whenever it connects afresh.
_STATEMENT = "oversight_history_fingerprint"
_PREPARED = "_oversight_fingerprint_prepared"


@receiver(connection_created)
def _connected(sender: Any, connection: Any, **kwargs: Any) -> None:
    setattr(connection, _PREPARED, False)


@functools.cache
def _fingerprint_sql() -> str:
    """The fingerprint's statement, written once a process (reaching a model's history
    manager builds a manager class each time: simple_history's descriptor)."""
    quote = connection.ops.quote_name
    newest = [
        f"(SELECT MAX({quote(h._meta.pk.column)}) FROM {quote(h._meta.db_table)})"
        for h in sorted(
            (m.history.model for m in registered_models.values()),
            key=lambda h: h._meta.db_table,
        )
    ]
    return f"SELECT {', '.join(newest)}"


def history_fingerprint() -> tuple[Any, ...]:
    """The newest history row of every tracked model, in one query (each an index's last
    entry): it moves with every recorded change."""

    def read() -> tuple[Any, ...]:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Planned once a connection: planning its thirty subqueries took four
                # times as long as running them (a page's connection is kept a minute).
                if not getattr(connection, _PREPARED, False):
                    cursor.execute(f"PREPARE {_STATEMENT} AS {_fingerprint_sql()}")
                    setattr(connection, _PREPARED, True)
                cursor.execute(f"EXECUTE {_STATEMENT}")
            else:
                cursor.execute(_fingerprint_sql())
            return tuple(cursor.fetchone() or ())

    # Asked by several figures of one page: once a request (a write clears the memo).
    return request_memoised("history_fingerprint", read)


def unit_kept(name: str, compute: Callable[[], T]) -> tuple[T, dt.datetime]:
    """`compute()` (a figure of the whole unit, named `name` with whatever it depends
    on), kept while the records stand, and when it was worked out."""
    fingerprint = hashlib.sha256(repr(history_fingerprint()).encode()).hexdigest()[:32]
    # Hashed: a name may hold spaces and words (a list's label), which some caches refuse.
    key = f"unit:{hashlib.sha256(name.encode()).hexdigest()[:32]}:{fingerprint}"
    kept: tuple[T, dt.datetime] | None = cache.get(key)
    if kept is None:
        kept = (compute(), timezone.now())
        cache.set(key, kept, int(settings.OVERSIGHT_UNIT_COUNTS_SECONDS))
    return kept
