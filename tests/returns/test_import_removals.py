"""A return that would remove more than a few records waits for a person to confirm it.

A council once sent a return with every table present and header rows only: it would
have removed every episode, review and adoption decision that year's return had given.
Such a load is worked out in full and rolled back; nothing changes until someone who
loads returns confirms it (then it loads) or discards it. The commands refuse it unless
told --confirm-removals.
"""

import csv
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape

from returns.imports import (
    ALREADY_DECIDED,
    CHOOSE_DECISION,
    REMOVALS_HELD,
    Removals,
    import_run_decide,
    import_run_execute,
    import_run_start,
)
from returns.models import ImportKind, ImportRun, ImportStatus
from returns.ssda903.importer import returns_import
from reviews.models import AdoptionDecision, Episode, LookedAfterReview
from tests.returns.ssda903 import csv_rows, csv_write, records_snapshot, sample, sample_copy

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    """The sample council's 2024-25 return, loaded."""
    returns_import(directories=[sample("2024-25")])
    return {
        "Episodes": Episode.objects.filter(return_year=2024).count(),
        "Reviews": LookedAfterReview.objects.filter(return_year=2024).count(),
        "Adoption decisions": AdoptionDecision.objects.filter(return_year=2024).count(),
    }


def headers_only(into: Path) -> Path:
    """The 2024-25 return with every table present and no rows: the careless file."""
    directory = sample_copy("2024-25", into)
    for path in directory.glob("*.csv"):
        with path.open(newline="") as handle:
            columns = next(csv.reader(handle))
        path.write_text(",".join(columns) + "\n")
    return directory


def files_of(directory: Path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted(directory.glob("*.csv"))
    ]


def upload(user, directory: Path, capture) -> ImportRun:
    with capture(execute=True):
        run = import_run_start(
            user=user, kind=ImportKind.SSDA903, files=files_of(directory), year=2024
        )
    run.refresh_from_db()
    return run


# Held, not loaded -------------------------------------------------------------------------


def test_a_header_only_return_is_held_and_changes_nothing(
    business_support, loaded, eager, django_capture_on_commit_callbacks, tmp_path
):
    before = records_snapshot()
    run = upload(business_support, headers_only(tmp_path), django_capture_on_commit_callbacks)
    assert run.status == ImportStatus.AWAITING_CONFIRMATION
    assert records_snapshot() == before
    removals = Removals.from_json(run.removals)
    assert removals.counts == loaded
    assert sum(loaded.values()) > 10  # more than the council lets through unconfirmed
    children = removals.children
    assert set(children) == set(
        Episode.objects.filter(return_year=2024).values_list("child__child_id", flat=True)
    )
    assert sum(c.get("Episodes", 0) for c in children.values()) == loaded["Episodes"]


def test_confirming_the_removals_loads_the_return(
    business_support, loaded, eager, django_capture_on_commit_callbacks, tmp_path
):
    run = upload(business_support, headers_only(tmp_path), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        import_run_decide(run=run, user=business_support, apply=True)
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.decided_by == business_support and run.decided_at is not None
    assert Episode.objects.filter(return_year=2024).count() == 0
    assert LookedAfterReview.objects.filter(return_year=2024).count() == 0
    assert run.summary["counts"]["Episodes"]["removed"] == loaded["Episodes"]
    # Removed, not lost: each removal is kept in the record's history.
    deleted = Episode.history.filter(history_type="-", return_year=2024)
    assert deleted.count() == loaded["Episodes"]


def test_discarding_a_held_return_leaves_everything(
    business_support, loaded, eager, django_capture_on_commit_callbacks, tmp_path
):
    before = records_snapshot()
    run = upload(business_support, headers_only(tmp_path), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_run_decide(run=run, user=business_support, apply=False)
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED and callbacks == []
    assert records_snapshot() == before
    with pytest.raises(Exception) as refused:
        import_run_decide(run=run, user=business_support, apply=True)
    assert refused.value.message_dict == {"decision": [ALREADY_DECIDED]}


def test_a_confirmed_run_that_would_now_remove_more_is_held_again(
    business_support, loaded, eager, django_capture_on_commit_callbacks, tmp_path
):
    run = upload(business_support, headers_only(tmp_path), django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk=run.pk).update(removals=Removals(counts={"Episodes": 20}).as_json())
    run.refresh_from_db()
    import_run_decide(run=run, user=business_support, apply=True)
    import_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.AWAITING_CONFIRMATION and run.decided_by is None
    assert Episode.objects.filter(return_year=2024).count() == loaded["Episodes"]


def test_a_return_removing_a_few_records_loads_without_asking(
    business_support, loaded, eager, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE = 10
    directory = sample_copy("2024-25", tmp_path)
    decisions = csv_rows(directory / "placed_for_adoption.csv")
    csv_write(directory / "placed_for_adoption.csv", decisions[1:])  # one left out
    run = upload(business_support, directory, django_capture_on_commit_callbacks)
    assert run.status == ImportStatus.SUCCEEDED
    removals = Removals.from_json(run.removals)
    assert removals.counts == {"Adoption decisions": 1}
    assert removals.children == {decisions[0]["CHILD"]: {"Adoption decisions": 1}}


# The commands ----------------------------------------------------------------------------


def test_the_command_refuses_a_return_that_removes_many_records(loaded, tmp_path):
    before = records_snapshot()
    with pytest.raises(CommandError) as refused:
        call_command("import_ssda903", str(headers_only(tmp_path)), "--year", "2024")
    message = str(refused.value)
    assert f"{loaded['Episodes']} episodes" in message
    assert f"{loaded['Reviews']} reviews" in message
    assert f"{loaded['Adoption decisions']} adoption decisions" in message
    assert "--confirm-removals" in message
    assert records_snapshot() == before


def test_the_command_loads_it_when_told_the_removals_are_confirmed(loaded, tmp_path):
    call_command(
        "import_ssda903", str(headers_only(tmp_path)), "--year", "2024", "--confirm-removals"
    )
    assert Episode.objects.filter(return_year=2024).count() == 0


def test_the_census_command_refuses_a_census_that_removes_many_conferences(tmp_path):
    from tests.returns.census import sample as census_sample

    source = census_sample(2024)
    call_command("import_cin_census", str(source))
    from protection.models import ConferenceChild

    before = ConferenceChild.objects.count()
    assert before > 10
    # The census again with every plan's reviews left out.
    emptied = tmp_path / source.name
    emptied.write_text(re.sub(r"\s*<Reviews>.*?</Reviews>", "", source.read_text(), flags=re.S))
    with pytest.raises(CommandError) as refused:
        call_command("import_cin_census", str(emptied))
    assert "conferences" in str(refused.value) and "--confirm-removals" in str(refused.value)
    assert ConferenceChild.objects.count() == before


# The pages ------------------------------------------------------------------------------


def held_run(user) -> ImportRun:
    return ImportRun.objects.create(
        kind=ImportKind.SSDA903,
        year=2024,
        uploaded_by=user,
        status=ImportStatus.AWAITING_CONFIRMATION,
        removals=Removals(
            counts={"Episodes": 460, "Reviews": 563, "Adoption decisions": 15},
            children={"A1": {"Episodes": 2, "Reviews": 3}},
        ).as_json(),
    )


def test_the_upload_page_shows_what_a_held_return_would_remove(client, business_support):
    run = held_run(business_support)
    client.force_login(business_support)
    text = client.get(f"/imports/{run.pk}/").content.decode()
    assert "This return would remove records" in text
    assert "460 episodes, 563 reviews and 15 adoption decisions" in text
    assert "A1:" in text and "2 episodes" in text
    assert f'href="/imports/{run.pk}/removals/"' in text


def test_the_decision_page_asks_and_names_the_field_when_nothing_is_chosen(
    client, business_support
):
    run = held_run(business_support)
    client.force_login(business_support)
    page = client.get(f"/imports/{run.pk}/removals/")
    held = REMOVALS_HELD.format(removals="460 episodes, 563 reviews and 15 adoption decisions")
    assert escape(held) in page.content.decode()
    response = client.post(f"/imports/{run.pk}/removals/", {})
    assert response.status_code == 400
    assert CHOOSE_DECISION in response.content.decode()
    assert 'href="#id_decision_1"' in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.AWAITING_CONFIRMATION


def test_discarding_on_the_page_says_who_discarded_it(client, business_support):
    run = held_run(business_support)
    client.force_login(business_support)
    response = client.post(f"/imports/{run.pk}/removals/", {"decision": "discard"}, follow=True)
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED and run.decided_by == business_support
    assert "The upload was discarded" in response.content.decode()


def test_only_importers_may_confirm_removals(client, iro, head_of_service, business_support):
    run = held_run(business_support)
    for person in (iro.user, head_of_service):
        client.force_login(person)
        assert client.get(f"/imports/{run.pk}/removals/").status_code == 403
        assert client.post(f"/imports/{run.pk}/removals/", {"decision": "apply"}).status_code == 403
    run.refresh_from_db()
    assert run.status == ImportStatus.AWAITING_CONFIRMATION


def test_a_run_not_held_has_no_decision_to_make(client, business_support):
    run = ImportRun.objects.create(
        kind=ImportKind.SSDA903, uploaded_by=business_support, status=ImportStatus.SUCCEEDED
    )
    client.force_login(business_support)
    response = client.get(f"/imports/{run.pk}/removals/")
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    assert "removals/" not in client.get(f"/imports/{run.pk}/").content.decode()
    response = client.post(f"/imports/{run.pk}/removals/", {"decision": "apply"})
    assert response.status_code == 400 and ALREADY_DECIDED in response.content.decode()
