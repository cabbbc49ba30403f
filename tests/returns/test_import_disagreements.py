"""When an import disagrees with what people recorded in Oversight (issue 13): the unit's
value is kept, the difference recorded once for a person to decide, and either choice
goes through the area's own correction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from core.codes import Sex
from iro.models import Child
from iro.services import CHILD_DETAILS, child_details_correct
from protection.models import Section47Enquiry
from protection.services import section47_withdraw
from returns.cin_census.importer import cin_census_import
from returns.models import (
    DisagreementResolution,
    ImportDisagreement,
    ImportStatus,
    SsdImportRun,
)
from returns.services import (
    ALREADY_DECIDED,
    CHOOSE_SIDE,
    import_disagreement_resolve,
)
from returns.ssda903.importer import returns_import
from reviews.models import LookedAfterReview
from tests.factories import UserFactory
from tests.returns.census import census_xml, child_xml, section47_xml
from tests.returns.ssda903 import episode, header, return_write, review
from tests.returns.test_imports import (  # noqa: F401 (fixtures)
    checks_after_import,
    eager,
    start,
    uploads,
)
from tests.returns.test_ssd_sample import ssd_load

pytestmark = pytest.mark.django_db

D = dt.date


def _return(tmp_path, name="2024-25", **values):
    return return_write(
        tmp_path / name,
        Header=[header(**values)],
        Episodes=[episode(decom="03/06/2024")],
        Reviews=[review(date="27/06/2024")],
    )


def _correct(child: Child, *, by=None, **changes) -> Child:
    details = {f: getattr(child, f) for f in CHILD_DETAILS} | changes
    return child_details_correct(child=child, **details, reason="Checked with the school", by=by)


def _census(tmp_path, name="cin_2024.xml", **children):
    path = tmp_path / name
    path.write_text(census_xml("\n".join(children.values())))
    return path


def _s47_census(tmp_path, name="cin_2024.xml"):
    return _census(
        tmp_path,
        name,
        E1=child_xml("E1", section47=section47_xml("2024-05-02", not_required="true")),
    )


# BUG A: a reload overwrote a child's details a person had corrected -----------------------


def test_reloading_a_return_keeps_the_ethnicity_a_person_corrected(tmp_path):
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    child = _correct(Child.objects.get(), ethnicity="WIRI")
    summary = returns_import(directories=[directory])
    child.refresh_from_db()
    assert child.ethnicity == "WIRI"
    [found] = ImportDisagreement.objects.all()
    assert (found.field, found.ours, found.theirs) == ("ethnicity", "WIRI", "WBRI")
    assert found.is_open
    assert summary.disagreements.new == 1


def test_reloading_a_return_keeps_the_date_of_birth_a_person_corrected(tmp_path):
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    child = _correct(Child.objects.get(), date_of_birth=D(2015, 1, 6))
    returns_import(directories=[directory])
    child.refresh_from_db()
    assert child.date_of_birth == D(2015, 1, 6)
    [found] = ImportDisagreement.objects.all()
    assert (found.ours_text, found.theirs_text) == ("6 January 2015", "1 June 2015")


def test_details_no_person_corrected_still_follow_the_return(tmp_path):
    returns_import(directories=[_return(tmp_path)])
    _correct(Child.objects.get(), ethnicity="WIRI")
    returns_import(directories=[_return(tmp_path, "again/2024-25", UPN="B801200005001")])
    child = Child.objects.get()
    assert (child.ethnicity, child.upn) == ("WIRI", "B801200005001")


def test_a_census_keeps_the_sex_a_person_corrected(tmp_path):
    cin_census_import(paths=[_census(tmp_path, C1=child_xml("C1"))])
    _correct(Child.objects.get(), sex=Sex.MALE)
    summary = cin_census_import(paths=[_census(tmp_path, "again.xml", C1=child_xml("C1"))])
    assert Child.objects.get().sex == Sex.MALE
    [found] = ImportDisagreement.objects.all()
    assert (found.field, found.ours, found.theirs) == ("sex", "M", "F")
    assert summary.disagreements.new == 1


# BUG B: a census brought back an enquiry a person withdrew ---------------------------------


def test_a_census_reimported_does_not_bring_back_an_enquiry_a_person_withdrew(tmp_path):
    census = _s47_census(tmp_path)
    cin_census_import(paths=[census])
    enquiry = Section47Enquiry.objects.get()
    section47_withdraw(enquiry=enquiry, reason="Recorded for the wrong child")
    summary = cin_census_import(paths=[census])
    assert not Section47Enquiry.objects.exists()
    assert Section47Enquiry.all_objects.count() == 1
    [found] = ImportDisagreement.objects.all()
    assert (found.record_kind, found.record_id) == ("section47", enquiry.pk)
    assert found.ours_text == "Withdrawn in Oversight: Recorded for the wrong child"
    assert summary.disagreements.new == 1


# A review a person recorded -------------------------------------------------------------


def _review_recorded_in_oversight(tmp_path, time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC), tick=False)
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    review = LookedAfterReview.objects.get(held_on=D(2024, 6, 27))
    # As if a person had recorded it held in Oversight before the return came.
    LookedAfterReview.objects.filter(pk=review.pk).update(
        participation_code="PN3", return_year=None
    )
    return directory, review


def test_a_return_keeps_the_participation_code_of_a_review_recorded_in_oversight(
    tmp_path, time_machine
):
    directory, review = _review_recorded_in_oversight(tmp_path, time_machine)
    summary = returns_import(directories=[directory])
    review.refresh_from_db()
    assert review.participation_code == "PN3"
    [found] = ImportDisagreement.objects.all()
    assert (found.record_kind, found.record_id, found.field) == (
        "review",
        review.pk,
        "participation_code",
    )
    assert (found.ours, found.theirs) == ("PN3", "PN1")
    assert found.record_label == "Looked-after review held on 27 June 2024"
    assert summary.disagreements.new == 1
    returns_import(directories=[directory])
    assert ImportDisagreement.objects.count() == 1


def test_taking_the_returns_participation_code_corrects_the_review(tmp_path, time_machine):
    directory, review = _review_recorded_in_oversight(tmp_path, time_machine)
    returns_import(directories=[directory])
    import_disagreement_resolve(
        disagreement=ImportDisagreement.objects.get(),
        resolution=DisagreementResolution.TOOK_THEIRS,
        reason="The chair's notes say PN1",
    )
    review.refresh_from_db()
    assert review.participation_code == "PN1"
    # The clock is frozen: the latest entry is the last one written.
    assert review.history.order_by("history_id").last().history_change_reason == (
        "The chair's notes say PN1"
    )
    returns_import(directories=[directory])
    assert not ImportDisagreement.objects.filter(resolved_at__isnull=True).exists()


A_WEEK_EARLIER = D(2024, 6, 20)  # than the return's review, on 27 June


def _review_recorded_on_another_day(tmp_path, time_machine, day=A_WEEK_EARLIER):
    directory, review = _review_recorded_in_oversight(tmp_path, time_machine)
    LookedAfterReview.objects.filter(pk=review.pk).update(held_on=day, participation_code="PN1")
    return directory, review


def test_a_review_recorded_on_another_day_is_one_review_with_the_difference_shown(
    tmp_path, time_machine
):
    directory, review = _review_recorded_on_another_day(tmp_path, time_machine)
    summary = returns_import(directories=[directory])
    assert list(LookedAfterReview.objects.values_list("pk", "held_on")) == [
        (review.pk, D(2024, 6, 20))
    ]
    [found] = ImportDisagreement.objects.all()
    assert (found.record_kind, found.record_id, found.field) == ("review", review.pk, "held_on")
    assert (found.ours_text, found.theirs_text) == ("20 June 2024", "27 June 2024")
    assert found.field_label == "Date held"
    assert summary.disagreements.new == 1
    returns_import(directories=[directory])
    assert LookedAfterReview.objects.count() == 1
    assert ImportDisagreement.objects.count() == 1


def test_taking_the_returns_day_moves_the_review_and_the_next_load_matches_it(
    tmp_path, time_machine
):
    directory, review = _review_recorded_on_another_day(tmp_path, time_machine)
    returns_import(directories=[directory])
    import_disagreement_resolve(
        disagreement=ImportDisagreement.objects.get(),
        resolution=DisagreementResolution.TOOK_THEIRS,
        reason="The minutes are dated the 27th",
    )
    review.refresh_from_db()
    assert review.held_on == D(2024, 6, 27)
    returns_import(directories=[directory])
    assert list(LookedAfterReview.objects.values_list("pk", flat=True)) == [review.pk]
    assert not ImportDisagreement.objects.filter(resolved_at__isnull=True).exists()


def test_a_review_weeks_from_the_returns_is_another_review(tmp_path, time_machine):
    directory, _ = _review_recorded_on_another_day(tmp_path, time_machine, day=D(2024, 6, 12))
    returns_import(directories=[directory])
    assert sorted(LookedAfterReview.objects.values_list("held_on", flat=True)) == [
        D(2024, 6, 12),
        D(2024, 6, 27),
    ]
    assert not ImportDisagreement.objects.exists()


# Once, and gone when the import agrees -----------------------------------------------------


def test_loading_twice_keeps_one_disagreement(tmp_path):
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    _correct(Child.objects.get(), ethnicity="WIRI")
    returns_import(directories=[directory])
    summary = returns_import(directories=[directory])
    assert ImportDisagreement.objects.count() == 1
    assert (summary.disagreements.new, summary.disagreements.still_open) == (0, 1)


def test_a_withdrawn_enquiry_in_the_census_twice_is_one_disagreement(tmp_path):
    census = _s47_census(tmp_path)
    cin_census_import(paths=[census])
    section47_withdraw(enquiry=Section47Enquiry.objects.get(), reason="Wrong child")
    cin_census_import(paths=[census])
    cin_census_import(paths=[census])
    assert ImportDisagreement.objects.count() == 1
    assert Section47Enquiry.all_objects.count() == 1


def test_a_disagreement_closes_when_the_import_comes_to_agree(tmp_path):
    returns_import(directories=[_return(tmp_path)])
    _correct(Child.objects.get(), ethnicity="WIRI")
    returns_import(directories=[_return(tmp_path)])
    summary = returns_import(directories=[_return(tmp_path, "fixed/2024-25", ETHNIC="WIRI")])
    [closed] = ImportDisagreement.objects.all()
    assert closed.resolution == DisagreementResolution.AGREED
    assert closed.resolved_at is not None
    assert summary.disagreements.agreed == 1


# A person's choice -------------------------------------------------------------------------


def test_keeping_oversights_value_is_not_asked_again_for_the_same_import_value(tmp_path):
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    _correct(Child.objects.get(), ethnicity="WIRI")
    returns_import(directories=[directory])
    clerk = UserFactory()
    import_disagreement_resolve(
        disagreement=ImportDisagreement.objects.get(),
        resolution=DisagreementResolution.KEPT_OURS,
        reason="The family told us",
        by=clerk,
    )
    summary = returns_import(directories=[directory])
    [kept] = ImportDisagreement.objects.all()
    assert (kept.resolution, kept.resolved_by, kept.reason) == (
        "kept_ours",
        clerk,
        "The family told us",
    )
    assert Child.objects.get().ethnicity == "WIRI"
    assert summary.disagreements.open == 0


def test_taking_the_imports_value_corrects_the_child_with_the_reason_in_history(tmp_path):
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    _correct(Child.objects.get(), ethnicity="WIRI")
    returns_import(directories=[directory])
    clerk = UserFactory()
    import_disagreement_resolve(
        disagreement=ImportDisagreement.objects.get(),
        resolution=DisagreementResolution.TOOK_THEIRS,
        reason="The return is right",
        by=clerk,
    )
    child = Child.objects.get()
    assert child.ethnicity == "WBRI"
    assert "ethnicity" not in child.corrected_fields
    latest = child.history.latest("history_date")
    assert latest.history_user == clerk
    assert "The return is right" in latest.history_change_reason
    # The detail is the returns' again: a later return's value is taken, not asked about.
    returns_import(directories=[_return(tmp_path, "later/2024-25", ETHNIC="WIRI")])
    assert Child.objects.get().ethnicity == "WIRI"
    assert ImportDisagreement.objects.filter(resolved_at__isnull=True).count() == 0


def test_taking_the_censuss_enquiry_brings_it_back_with_its_due_date(tmp_path):
    census = _census(tmp_path, E1=child_xml("E1", section47=section47_xml("2024-05-02")))
    cin_census_import(paths=[census])
    enquiry = Section47Enquiry.objects.get()
    section47_withdraw(enquiry=enquiry, reason="Wrong child")
    cin_census_import(paths=[census])
    import_disagreement_resolve(
        disagreement=ImportDisagreement.objects.get(),
        resolution=DisagreementResolution.TOOK_THEIRS,
        reason="It was the right child after all",
    )
    back = Section47Enquiry.objects.get()
    assert back.pk == enquiry.pk
    assert back.icpc_due == D(2024, 5, 24)
    assert (
        "It was the right child after all"
        in back.history.latest("history_date").history_change_reason
    )
    cin_census_import(paths=[census])
    assert Section47Enquiry.all_objects.count() == 1


def test_a_choice_needs_a_side_and_a_reason_and_is_made_once(tmp_path):
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    _correct(Child.objects.get(), ethnicity="WIRI")
    returns_import(directories=[directory])
    found = ImportDisagreement.objects.get()
    with pytest.raises(ValidationError) as refused:
        import_disagreement_resolve(disagreement=found, resolution="", reason="")
    assert refused.value.message_dict == {
        "resolution": [CHOOSE_SIDE],
        "reason": ["Enter the reason"],
    }
    import_disagreement_resolve(disagreement=found, resolution="kept_ours", reason="Checked")
    with pytest.raises(ValidationError) as again:
        import_disagreement_resolve(disagreement=found, resolution="took_theirs", reason="No")
    assert again.value.message_dict == {
        "resolution": [ALREADY_DECIDED.format(resolution="kept oversight's")]
    }
    assert Child.objects.get().ethnicity == "WIRI"


# Shown, and decided in the browser -------------------------------------------------------


def _disagreeing_child(tmp_path) -> Child:
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    child = _correct(Child.objects.get(), ethnicity="WIRI")
    returns_import(directories=[directory])
    return child


def test_the_childs_record_shows_the_difference_in_a_banner(tmp_path, client, business_support):
    child = _disagreeing_child(tmp_path)
    client.force_login(business_support)
    page = client.get(reverse("children:child_detail", args=[child.child_id])).content.decode()
    assert "An import disagrees with what was recorded in Oversight about 1 thing" in page
    assert ImportDisagreement.objects.get().ours_text in page
    found = ImportDisagreement.objects.get()
    assert reverse("data_quality:disagreement", args=[found.pk]) in page


def test_the_data_quality_page_lists_every_open_difference(tmp_path, client, head_of_service):
    child = _disagreeing_child(tmp_path)
    client.force_login(head_of_service)
    page = client.get(reverse("data_quality:list")).content.decode()
    assert "Imports that disagree with Oversight (1)" in page
    assert child.child_id in page
    assert ImportDisagreement.objects.get().theirs_text in page


def test_an_iro_sees_the_difference_but_does_not_decide_it(tmp_path, client, iro):
    child = _disagreeing_child(tmp_path)
    found = ImportDisagreement.objects.get()
    client.force_login(iro.user)
    url = reverse("data_quality:disagreement", args=[found.pk])
    page = client.get(reverse("children:child_detail", args=[child.child_id])).content.decode()
    assert found.theirs_text in page
    assert url not in page
    assert client.get(url).status_code == 403
    assert client.post(url, {"resolution": "took_theirs", "reason": "x"}).status_code == 403


def test_business_support_take_the_imports_value_in_the_browser(tmp_path, client, business_support):
    child = _disagreeing_child(tmp_path)
    found = ImportDisagreement.objects.get()
    client.force_login(business_support)
    url = reverse("data_quality:disagreement", args=[found.pk])
    assert client.get(url).status_code == 200
    sent = client.post(url, {"resolution": "took_theirs", "reason": "The school confirmed it"})
    assert sent.status_code == 302
    child.refresh_from_db()
    assert child.ethnicity == "WBRI"
    found.refresh_from_db()
    assert (found.resolution, found.resolved_by) == ("took_theirs", business_support)
    page = client.get(reverse("children:child_detail", args=[child.child_id])).content.decode()
    assert "An import disagrees" not in page


def test_a_choice_without_a_side_or_reason_is_refused_by_name(tmp_path, client, business_support):
    _disagreeing_child(tmp_path)
    found = ImportDisagreement.objects.get()
    client.force_login(business_support)
    refused = client.post(reverse("data_quality:disagreement", args=[found.pk]), {})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert escape(CHOOSE_SIDE) in page
    assert "Enter the reason" in page
    found.refresh_from_db()
    assert found.is_open


@pytest.mark.usefixtures("eager", "checks_after_import")
def test_an_uploads_summary_counts_its_disagreements(
    tmp_path, business_support, django_capture_on_commit_callbacks
):
    directory = _return(tmp_path)
    returns_import(directories=[directory])
    _correct(Child.objects.get(), ethnicity="WIRI")
    run = start(business_support, uploads(directory), capture=django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED, run.problems
    assert run.summary["disagreements"] == {"new": 1, "still_open": 0, "agreed": 0}
    assert any("1 disagreement with what people recorded" in n for n in run.summary["notes"])
    assert ImportDisagreement.objects.get().import_run == run


@pytest.mark.slow
def test_the_ssd_extract_keeps_a_corrected_detail_once_and_its_run_counts_it():
    ssd_load()
    child = Child.objects.exclude(ethnicity="WIRI").order_by("child_id").first()
    _correct(child, ethnicity="WIRI")
    printed = ssd_load()
    first = SsdImportRun.objects.first()
    ssd_load()
    again = SsdImportRun.objects.first()
    child.refresh_from_db()
    assert child.ethnicity == "WIRI"
    [found] = ImportDisagreement.objects.all()
    assert (found.child, found.field, found.ours) == (child, "ethnicity", "WIRI")
    assert found.ssd_run == again
    assert first.disagreements == {"new": 1, "still_open": 0, "agreed": 0}
    assert again.disagreements == {"new": 0, "still_open": 1, "agreed": 0}
    assert "1 disagreement with what people recorded" in printed


def test_a_restricted_childs_difference_is_masked_and_its_page_asks_why(
    tmp_path, client, business_support, head_of_service
):
    from iro.rules import RESTRICTED_RECORD
    from iro.services import child_restriction_set

    child = _disagreeing_child(tmp_path)
    child.first_name, child.last_name = "Sealed", "Person"
    child.save()
    child_restriction_set(child=child, restricted=True, reason="Sealed", by=head_of_service)
    found = ImportDisagreement.objects.get()
    client.force_login(business_support)

    listed = client.get(reverse("data_quality:list")).content.decode()
    decide = client.get(reverse("data_quality:disagreement", args=[found.pk]))

    assert RESTRICTED_RECORD in listed and "Sealed Person" not in listed
    assert found.theirs_text not in listed
    assert decide.status_code == 302
    assert reverse("children:restricted", args=[child.child_id]) in decide["Location"]
