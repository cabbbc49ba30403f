"""A record the SSD extract no longer holds is kept until a person decides: business
support confirm its removal (the kept rows are loaded again without it) or keep it.
Oversight's own records are never touched by an import."""

import datetime as dt
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from disputes.models import Dispute
from iro.models import Child, IROAllocation
from protection.models import ConferenceChild, ConferenceKind, ConferenceStatus
from returns.models import SsdExtractRow, SsdImportRun, SsdImportStatus, SsdRowState
from returns.ssd.services import (
    CHOOSE_DECISION,
    NOT_AWAITING,
    REASON_REQUIRED,
    REMOVAL_REFUSED,
    ssd_row_keep,
)
from reviews.models import Episode, LookedAfterReview, ReviewDecision
from tests.case_factories import DisputeFactory, IROAllocationFactory
from tests.factories import IROFactory
from tests.returns.test_ssd_nightly import Csv
from tests.returns.test_ssd_sample import EXTRACT, ssd_load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # each loads the sample extract

# Tonight's extract leaves out a child protection review (its conference can go) and the
# first episode of a period of care whose reviews it covers (it cannot go on its own).
GONE_REVIEW = ("ssd_cp_reviews", "C00086-CPR-20201020-20210622")
GONE_EPISODE = ("ssd_cla_episodes", "C00117-EP-20170605")


@pytest.fixture(scope="module")
def tonight(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ssd") / "tonight"
    shutil.copytree(EXTRACT, directory)
    reviews = Csv(directory, "ssd_cp_reviews")
    reviews.remove("cppr_cp_review_id", GONE_REVIEW[1])
    reviews.save()
    episodes = Csv(directory, "ssd_cla_episodes")
    episodes.remove("clae_cla_episode_id", GONE_EPISODE[1])
    episodes.save()
    return directory


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tonight):
    """Last night's extract, then tonight's; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        ssd_load()
        ssd_load(tonight)
        yield
        transaction.set_rollback(True)


def kept(table_and_id) -> SsdExtractRow:
    table, row_id = table_and_id
    return SsdExtractRow.objects.get(table=table, row_id=row_id)


def decide(client, row, **data):
    return client.post(reverse("imports:ssd_row_decision", args=[row.pk]), data)


def review_conference_of_c00086():
    return ConferenceChild.objects.filter(
        child__child_id="C00086",
        conference__kind=ConferenceKind.REVIEW,
        conference__held_on=dt.date(2021, 6, 22),
    )


def test_the_rows_left_out_are_listed_as_awaiting_confirmation_and_nothing_is_deleted(
    loaded, client, business_support
):
    client.force_login(business_support)

    page = client.get(reverse("imports:ssd_list")).content.decode()

    assert "Missing from the extract, awaiting confirmation" in page
    for gone in (GONE_REVIEW, GONE_EPISODE):
        row = kept(gone)
        assert row.state == SsdRowState.MISSING
        assert reverse("imports:ssd_row_decision", args=[row.pk]) in page
    assert review_conference_of_c00086().exists()
    assert Episode.objects.filter(child__child_id="C00117", started_on=dt.date(2017, 6, 5))


def test_confirming_a_removal_removes_its_records_and_keeps_who_and_why(
    loaded, tonight, client, business_support
):
    client.force_login(business_support)
    row = kept(GONE_REVIEW)

    response = decide(client, row, decision="remove", reason="Recorded on the wrong plan")

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.decided_by, row.reason) == (
        SsdRowState.REMOVED,
        business_support,
        "Recorded on the wrong plan",
    )
    assert row.history.first().history_change_reason == "Recorded on the wrong plan"
    assert not review_conference_of_c00086().exists()
    run = SsdImportRun.objects.first()
    assert run.status == SsdImportStatus.SUCCEEDED
    assert [(c["table"], c["kind"], c["id"], c["child"]) for c in run.changes] == [
        (GONE_REVIEW[0], "removed", GONE_REVIEW[1], "C00086")
    ]
    # Tonight's extract again: the removed row stays removed, and is no change.
    ssd_load(tonight)
    assert SsdImportRun.objects.first().changes == []
    assert not review_conference_of_c00086().exists()


def test_a_removal_that_would_leave_a_review_outside_care_is_refused_and_changes_nothing(
    loaded, client, business_support
):
    client.force_login(business_support)
    row = kept(GONE_EPISODE)

    response = decide(client, row, decision="remove", reason="Duplicate episode")

    assert response.status_code == 400
    page = response.content.decode()
    assert REMOVAL_REFUSED.split(":")[0] in page
    assert "is not within a period of care" in page
    row.refresh_from_db()
    assert row.state == SsdRowState.MISSING
    assert Episode.objects.filter(child__child_id="C00117", started_on=dt.date(2017, 6, 5))


def test_keeping_a_row_carries_its_records_and_asks_no_more(loaded, client, business_support):
    client.force_login(business_support)
    row = kept(GONE_EPISODE)

    response = decide(client, row, decision="keep", reason="Left out of the extract in error")

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.decided_by) == (SsdRowState.KEPT, business_support)
    page = client.get(reverse("imports:ssd_list")).content.decode()
    assert "Missing from the extract, kept" in page
    assert Episode.objects.filter(child__child_id="C00117", started_on=dt.date(2017, 6, 5))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "remove", "reason": " "}, "reason", REASON_REQUIRED),
        ({"reason": "Gone"}, "decision", CHOOSE_DECISION),
    ],
)
def test_a_decision_without_its_answers_is_refused_by_field_and_changes_nothing(
    loaded, client, business_support, data, field, message
):
    client.force_login(business_support)
    row = kept(GONE_REVIEW)

    response = decide(client, row, **data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'href="#id_{field}' in page
    assert message in page
    row.refresh_from_db()
    assert row.state == SsdRowState.MISSING
    assert review_conference_of_c00086().exists()


def test_a_row_back_in_the_extract_or_decided_has_no_decision_to_make(
    loaded, client, business_support
):
    client.force_login(business_support)
    present = SsdExtractRow.objects.filter(state=SsdRowState.IN_EXTRACT).first()

    assert client.get(reverse("imports:ssd_row_decision", args=[present.pk])).status_code == 403
    page = client.get(reverse("imports:ssd_list")).content.decode()
    assert reverse("imports:ssd_row_decision", args=[present.pk]) not in page
    # The service's own refusal, for a decision sent twice at once.
    with pytest.raises(ValidationError) as refused:
        ssd_row_keep(row=present, by=business_support, reason="Still wanted")
    assert refused.value.message_dict == {"decision": [NOT_AWAITING]}


def test_only_the_roles_that_load_returns_may_decide(loaded, client, iro, head_of_service):
    row = kept(GONE_REVIEW)
    for person in (iro.user, head_of_service):
        client.force_login(person)
        assert decide(client, row, decision="remove", reason="Gone").status_code == 403
        assert client.get(reverse("imports:ssd_list")).status_code == 403
    row.refresh_from_db()
    assert row.state == SsdRowState.MISSING


def _oversight_records(child: Child) -> list:
    """Oversight's own records of a child, with how many history rows each has."""
    return [
        sorted(IROAllocation.objects.filter(child=child).values_list()),
        sorted(IROAllocation.history.filter(child_id=child.pk).values_list("history_id")),
        sorted(Dispute.objects.filter(child=child).values_list()),
        sorted(Dispute.history.filter(child_id=child.pk).values_list("history_id")),
        sorted(ReviewDecision.objects.filter(review__child=child).values_list()),
        sorted(
            ConferenceChild.objects.filter(
                child=child, conference__return_year__isnull=True
            ).values_list("pk", "outcome", "conference__held_on", "conference__status")
        ),
        sorted(
            LookedAfterReview.objects.filter(child=child, return_year__isnull=True).values_list()
        ),
    ]


def test_an_import_never_touches_oversights_own_records(loaded, tonight, business_support):
    from protection.models import ChildProtectionConference

    child = Child.objects.get(child_id="C00118")
    iro = IROFactory()
    IROAllocationFactory(child=child, iro=iro, started_on=dt.date(2024, 4, 1))
    DisputeFactory(child=child, raised_by=iro)
    held = LookedAfterReview.objects.filter(child=child).order_by("-held_on").first()
    ReviewDecision.objects.create(
        review=held, action="Arrange a dental check", owner="Social worker", due_on=held.held_on
    )
    conference = ChildProtectionConference.objects.create(
        kind=ConferenceKind.REVIEW, status=ConferenceStatus.HELD, held_on=dt.date(2025, 3, 3)
    )
    ConferenceChild.objects.create(conference=conference, child=child, outcome="plan_continued")
    before = _oversight_records(child)

    ssd_load()  # last night's again: every row tonight left out is back
    ssd_load(tonight)

    assert _oversight_records(child) == before


def test_an_enquiry_withdrawn_in_oversight_that_the_extract_lets_go_closes_its_difference(
    loaded, tonight, tmp_path, business_support
):
    from protection.models import Section47Enquiry
    from protection.services import section47_withdraw
    from returns.models import DisagreementResolution, ImportDisagreement
    from returns.ssd.services import ssd_row_removal_confirm

    enquiry = Section47Enquiry.objects.get(
        child__child_id="C04958", strategy_discussion_on=dt.date(2023, 4, 3)
    )
    section47_withdraw(enquiry=enquiry, reason="Recorded for the wrong child")
    # The case system has dropped it too, tonight: until a person confirms, its row is
    # carried, so the extract still holds it and the difference is open.
    later = tmp_path / "later"
    shutil.copytree(tonight, later)
    enquiries = Csv(later, "ssd_s47_enquiry")
    enquiries.remove("s47e_s47_enquiry_id", "C04958-S47-20230403")
    enquiries.save()
    ssd_load(later)
    difference = ImportDisagreement.objects.get(record_kind="section47", record_id=enquiry.pk)
    assert difference.is_open

    ssd_row_removal_confirm(
        row=kept(("ssd_s47_enquiry", "C04958-S47-20230403")),
        by=business_support,
        reason="Withdrawn in Oversight as well",
    )

    difference.refresh_from_db()
    assert difference.resolution == DisagreementResolution.AGREED
    assert Section47Enquiry.all_objects.filter(pk=enquiry.pk, withdrawn_at__isnull=False)
