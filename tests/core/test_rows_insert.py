"""Inserting many new rows at once (core.services.rows_insert, rows_create_with_history):
the rows and history rows simple_history's bulk_create_with_history would write, in a
statement a batch, without compiling every value through the ORM."""

import datetime as dt

import pytest
from simple_history.utils import bulk_create_with_history

from core.services import rows_create_with_history, rows_insert
from iro.models import Child
from returns.models import SsdExtractRow, SsdImportRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HISTORY = (
    "child_id",
    "first_name",
    "date_of_birth",
    "disability",
    "return_year",
    "corrected_fields",
    "history_type",
    "history_change_reason",
    "history_user_id",
)


def children(prefix: str, n: int = 5) -> list[Child]:
    return [
        Child(
            child_id=f"{prefix}{i}",
            first_name=f"Name{i}",
            last_name="Example",
            date_of_birth=dt.date(2015, 1, 1) + dt.timedelta(days=i),
            disability=i % 2 == 0,
            return_year=None if i == 0 else 2020 + i,
            corrected_fields=["upn"] if i == 1 else [],
        )
        for i in range(n)
    ]


def history_of(prefix: str) -> list[tuple]:
    rows = Child.history.filter(child_id__startswith=prefix).values_list(*HISTORY)
    return sorted((r[0].removeprefix(prefix), *r[1:]) for r in rows)


def test_the_rows_and_history_are_what_simple_history_writes():
    made = rows_create_with_history(children("N"), Child, default_change_reason="Loaded")
    bulk_create_with_history(children("S"), Child, default_change_reason="Loaded")

    assert all(c.pk for c in made)
    assert history_of("N") == history_of("S")
    assert len(history_of("N")) == 5
    ours = Child.objects.filter(child_id__startswith="N").order_by("child_id")
    assert [c.date_of_birth for c in ours] == [c.date_of_birth for c in children("N")]


def test_a_rows_own_user_and_reason_win_and_none_is_kept_as_none():
    clerk = UserFactory()
    rows = children("U", 2)
    rows[0]._history_user = clerk
    rows[0]._change_reason = "Typed by hand"
    rows_create_with_history(rows, Child)

    first, second = history_of("U")
    assert (first[-2], first[-1]) == ("Typed by hand", clerk.pk)
    assert (second[-2], second[-1]) == (None, None)


def test_more_rows_than_a_batch_and_a_statement_hold_are_all_written():
    # SQLite holds 999 parameters a statement: 2,500 rows take several, and two batches.
    rows_create_with_history(children("B", 2500), Child)
    assert Child.objects.filter(child_id__startswith="B").count() == 2500
    assert Child.history.filter(child_id__startswith="B").count() == 2500


def test_rows_insert_stores_json_and_foreign_keys():
    run = SsdImportRun.objects.create(source="test")
    rows_insert(
        [
            SsdExtractRow(
                table="ssd_person",
                row_id=f"P{i}",
                position=i + 2,
                values={"pers_person_id": f"P{i}", "note": "=SUM(A1)"},
                missing_since=run if i else None,
            )
            for i in range(3)
        ],
        SsdExtractRow,
    )
    stored = list(SsdExtractRow.objects.order_by("row_id"))
    assert [r.values["pers_person_id"] for r in stored] == ["P0", "P1", "P2"]
    assert [r.missing_since_id for r in stored] == [None, run.pk, run.pk]
    assert stored[0].values["note"] == "=SUM(A1)"


def test_nothing_to_insert_writes_nothing():
    rows_insert([], Child)
    assert rows_create_with_history([], Child) == []
    assert not Child.objects.exists()
