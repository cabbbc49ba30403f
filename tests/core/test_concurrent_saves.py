"""Two saves at once on SQLite (the laptop default) both succeed, one after the other,
rather than one failing with "database is locked" (issue 10); PostgreSQL is left as it
is (config/settings.py, SQLITE_OPTIONS)."""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from config.settings import SQLITE_OPTIONS


@pytest.fixture
def laptop_database(tmp_path, django_db_blocker):
    """A SQLite file like a laptop's db.sqlite3, opened through Django's own backend."""
    added = []

    def open_with(options):
        alias = f"laptop-{tmp_path.name}-{len(added)}"
        connections.settings[alias] = {
            **connections.settings["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / f"{alias}.sqlite3"),
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
            "TEST": {},
        }
        added.append(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE review (id INTEGER PRIMARY KEY, note TEXT)")
        connections[alias].close()
        return alias

    with django_db_blocker.unblock():
        yield open_with
    for alias in added:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def two_saves_at_once(alias) -> list[Exception | None]:
    """Two people save a review at the same moment: each transaction reads, then writes
    while the other has begun (the shape of every service's save)."""
    outcomes: list[Exception | None] = []
    start = threading.Barrier(2)

    def save(note: str) -> None:
        start.wait()
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM review")
                time.sleep(0.3)
                cursor.execute("INSERT INTO review (note) VALUES (%s)", [note])
            outcomes.append(None)
        except OperationalError as exc:
            outcomes.append(exc)
        finally:
            connections[alias].close()

    threads = [threading.Thread(target=save, args=(n,)) for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def saved(alias) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM review")
        (count,) = cursor.fetchone()
    connections[alias].close()
    return count


def test_two_saves_at_once_on_sqlite_both_succeed(laptop_database):
    alias = laptop_database(SQLITE_OPTIONS)
    assert two_saves_at_once(alias) == [None, None]
    assert saved(alias) == 2


def test_without_the_settings_one_of_two_saves_fails_with_database_is_locked(laptop_database):
    """Why the settings are there: SQLite's defaults refuse the second writer."""
    alias = laptop_database({"timeout": 1})
    outcomes = two_saves_at_once(alias)
    assert any("database is locked" in str(o) for o in outcomes if o)
    assert saved(alias) == 1


def test_the_laptop_database_is_written_ahead_of_its_readers(laptop_database):
    alias = laptop_database(SQLITE_OPTIONS)
    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
    connections[alias].close()


@pytest.mark.django_db
def test_the_running_database_has_the_options_for_its_engine():
    options = connection.settings_dict["OPTIONS"]
    if connection.vendor == "sqlite":
        assert options["transaction_mode"] == "IMMEDIATE"
        assert options["timeout"] >= 5
    else:  # PostgreSQL: none of SQLite's options reach it
        assert not set(options) & set(SQLITE_OPTIONS)
