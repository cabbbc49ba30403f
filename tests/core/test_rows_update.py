"""Writing many saved rows' fields at once (core.services.rows_update): what
bulk_update would write, in a statement a batch, with history rows when asked."""

import datetime as dt

import pytest

from core.services import rows_update, rows_update_with_history
from iro.models import Child
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_dates_blanks_and_nulls_included():
    children = ChildFactory.create_batch(7)
    for n, child in enumerate(children):
        child.date_of_birth = dt.date(2014, 1, 1) + dt.timedelta(days=n)
        child.upn = "" if n % 2 else f"A12345678901{n}"
        child.disability = n % 3 == 0
        child.return_year = None if n == 0 else 2020 + n
    # A batch of three: the rows are written over three statements.
    assert rows_update(
        children, Child, ["date_of_birth", "upn", "disability", "return_year"], batch_size=3
    ) == len(children)
    stored = {c.pk: c for c in Child.objects.all()}
    for child in children:
        again = stored[child.pk]
        assert (again.date_of_birth, again.upn, again.disability, again.return_year) == (
            child.date_of_birth,
            child.upn,
            child.disability,
            child.return_year,
        )
        assert again.first_name == child.first_name  # fields not named are left alone


def test_no_rows_writes_nothing():
    assert rows_update([], Child, ["upn"]) == 0


def test_with_history_each_row_keeps_a_history_row_with_the_reason():
    children = ChildFactory.create_batch(3)
    for child in children:
        child.ethnicity = "WIRI"
    rows_update_with_history(children, Child, ["ethnicity"], change_reason="A return said so")
    for child in Child.objects.all():
        latest = child.history.latest("history_date")
        assert (latest.history_type, latest.ethnicity, latest.history_change_reason) == (
            "~",
            "WIRI",
            "A return said so",
        )
        assert child.ethnicity == "WIRI"
