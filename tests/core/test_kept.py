"""Counts of the whole unit, kept until a record changes (core.kept)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.kept import history_fingerprint, unit_kept
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_figure_is_worked_out_once_while_the_records_stand_and_again_after_a_change():
    worked = []

    def count():
        worked.append(1)
        return len(worked)

    assert unit_kept("a figure", count)[0] == 1
    assert unit_kept("a figure", count)[0] == 1
    ChildFactory()  # a recorded change: a history row
    assert unit_kept("a figure", count)[0] == 2


def test_the_fingerprint_moves_with_every_recorded_change():
    before = history_fingerprint()
    child = ChildFactory()
    after = history_fingerprint()
    assert after != before
    child.first_name = "Corrected"
    child.save()
    assert history_fingerprint() not in (before, after)


def statements(queries):
    return [q["sql"].split(" ")[0] for q in queries]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_fingerprint_is_planned_once_a_connection():
    connection.close()
    with CaptureQueriesContext(connection) as first:
        one = history_fingerprint()
        two = history_fingerprint()
    assert one == two
    if connection.vendor != "postgresql":
        assert statements(first) == ["SELECT", "SELECT"]
        return
    assert statements(first) == ["PREPARE", "EXECUTE", "EXECUTE"]
    connection.close()  # a new connection has no statements prepared: planned again
    with CaptureQueriesContext(connection) as again:
        assert history_fingerprint() == one
    assert statements(again) == ["PREPARE", "EXECUTE"]
