"""How long an uploaded return's files are kept (returns.rules.upload_delete_on): dates only."""

import datetime as dt

from returns.rules import upload_delete_on

FINISHED = dt.date(2026, 5, 1)


def test_an_uploaded_return_is_deleted_as_soon_as_it_is_loaded_and_checked():
    assert (
        upload_delete_on(finished_on=FINISHED, failed=False, kept_days=0, failed_kept_days=30)
        == FINISHED
    )


def test_a_failed_upload_is_kept_thirty_days_for_whoever_looks_into_it():
    assert upload_delete_on(
        finished_on=FINISHED, failed=True, kept_days=0, failed_kept_days=30
    ) == dt.date(2026, 5, 31)


def test_the_council_can_keep_loaded_uploads_for_some_days():
    assert upload_delete_on(
        finished_on=FINISHED, failed=False, kept_days=7, failed_kept_days=30
    ) == dt.date(2026, 5, 8)
