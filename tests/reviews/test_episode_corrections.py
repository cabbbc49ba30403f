"""A care episode entered wrongly is corrected (its dates and codes, with a reason) or
withdrawn as entered in error: checked with the DfE rules the care journeys use, kept in
the history, and the period of care and its review schedule rebuilt. A correction that
leaves episodes overlapping, or a break the rules forbid, is refused naming the field."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.roles import Role
from core.submissions import SENT_TWICE, SUBMISSION_FIELD
from iro.services import iro_allocate
from reviews.models import Episode, PeriodOfCare
from reviews.services import (
    CHANGE_LEAVES_GAP,
    EPISODE_UNCHANGED,
    EPISODE_WITHDRAWN,
    NEXT_EPISODE_BREAKS_RULE,
    NO_PERIOD_NOW,
    WITHDRAWAL_BREAKS_RULE,
    WITHDRAWAL_REASON,
    care_change,
    current_episode,
    episode_correct,
    episode_withdraw,
    lac_review_record,
)
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory
from tests.reviews.test_services import enter_care, refused

D = dt.date
pytestmark = pytest.mark.django_db
TOKEN = re.compile(rf'name="{SUBMISSION_FIELD}" value="([A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def monday_2_june_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def kit(iro):
    """Kit, looked after since 1 May 2025 (entered wrongly: it was 8 May)."""
    child = ChildFactory(child_id="K1", first_name="Kit", date_of_birth=D(2012, 1, 10))
    iro_allocate(child=child, iro=iro, started_on=D(2025, 1, 1))
    enter_care(child, D(2025, 5, 1))
    return child


def _period(child) -> PeriodOfCare:
    return PeriodOfCare.objects.get(child=child)


def _dates(name, day):
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _form(episode, **changes):
    values = {
        "started_on": episode.started_on,
        "reason_new_episode": episode.reason_new_episode,
        "legal_status": episode.legal_status,
        "category_of_need": episode.category_of_need,
        "placement": episode.placement,
        "placement_provider": episode.placement_provider,
        "placement_postcode": episode.placement_postcode,
        "ended_on": episode.ended_on,
        "reason_ceased": episode.reason_ceased,
        "reason_place_change": episode.reason_place_change,
        "reason": "Entered with the wrong start date",
    } | changes
    data = {k: v for k, v in values.items() if k not in ("started_on", "ended_on")}
    return {
        **data,
        **_dates("started_on", values["started_on"]),
        **_dates("ended_on", values["ended_on"]),
    }


# Correcting -------------------------------------------------------------------------


def test_correcting_the_start_moves_the_first_review_and_says_why(kit, iro):
    assert _period(kit).next_review_due == D(2025, 6, 2)
    episode = kit.episodes.get()

    change = episode_correct(
        episode=episode, started_on=D(2025, 5, 8), reason="Wrong start date", by=iro.user
    )

    period = _period(kit)
    assert (period.started_on, period.next_review_due) == (D(2025, 5, 8), D(2025, 6, 6))
    assert change.message == (
        "First review due by 6 June 2025: 20 working days after entering care on 8 May 2025."
        " It was due by 2 June 2025."
    )
    latest = episode.history.latest()
    assert latest.history_change_reason == "Corrected: Wrong start date"
    assert latest.history_user == iro.user
    assert episode.history.earliest().started_on == D(2025, 5, 1)


def test_a_correction_needs_a_reason_and_a_change_and_saves_nothing_otherwise(kit):
    episode = kit.episodes.get()
    assert refused(
        lambda: episode_correct(episode=episode, started_on=D(2025, 5, 8), reason=" "), "reason"
    ) == ["Enter the reason"]
    assert refused(
        lambda: episode_correct(episode=episode, reason="No change really"), "started_on"
    ) == [EPISODE_UNCHANGED]
    episode.refresh_from_db()
    assert episode.started_on == D(2025, 5, 1)
    assert _period(kit).next_review_due == D(2025, 6, 2)


def test_a_code_that_is_not_a_dfe_code_or_breaks_a_rule_is_refused_by_name(kit):
    episode = kit.episodes.get()
    [message] = refused(
        lambda: episode_correct(episode=episode, legal_status="ZZ", reason="Code"),
        "legal_status",
    )
    assert "not a recognised code" in message
    # A child placed with parents is not accommodated under section 20 (DfE rule 378).
    [message] = refused(
        lambda: episode_correct(episode=episode, legal_status="V2", placement="P1", reason="Codes"),
        "legal_status",
    )
    assert "DfE rule 378" in message
    # The first episode is a start (DfE rule 357).
    [message] = refused(
        lambda: episode_correct(episode=episode, reason_new_episode="P", reason="RNE"),
        "reason_new_episode",
    )
    assert "DfE rule 357" in message
    assert Episode.objects.get(pk=episode.pk).legal_status == "C2"


def test_a_correction_that_makes_episodes_overlap_is_refused_naming_the_start(iro):
    child = ChildFactory(date_of_birth=D(2012, 1, 10))
    enter_care(child, D(2024, 1, 8), ended_on=D(2024, 3, 1), reason_ceased="E4A")
    later = enter_care(child, D(2024, 9, 2))

    [message] = refused(
        lambda: episode_correct(episode=later, started_on=D(2024, 2, 1), reason="Typo"),
        "started_on",
    )

    assert message == "This episode overlaps the episode starting 8 January 2024"
    assert Episode.objects.get(pk=later.pk).started_on == D(2024, 9, 2)


def test_moving_the_date_of_a_change_moves_the_end_of_the_episode_before(kit):
    care_change(
        child=kit,
        changed_on=D(2025, 5, 20),
        legal_status="C2",
        placement="U1",
        placement_provider="PR1",
        reason_place_change="CARPL",
    )
    before, after = kit.episodes.order_by("started_on")

    episode_correct(episode=after, started_on=D(2025, 5, 22), reason="The move was on the 22nd")

    before.refresh_from_db()
    assert (before.ended_on, before.reason_ceased) == (D(2025, 5, 22), "X1")
    assert before.history.latest().history_change_reason == (
        "Moved with a correction: The move was on the 22nd"
    )
    assert Episode.objects.get(pk=after.pk).started_on == D(2025, 5, 22)


def test_a_change_cannot_be_moved_to_before_the_episode_it_ends_started(kit):
    care_change(
        child=kit,
        changed_on=D(2025, 5, 20),
        legal_status="C2",
        placement="U1",
        placement_provider="PR1",
        reason_place_change="CARPL",
    )
    after = kit.episodes.order_by("started_on").last()
    [message] = refused(
        lambda: episode_correct(episode=after, started_on=D(2025, 4, 20), reason="Typo"),
        "started_on",
    )
    assert "after the episode before it started, on 1 May 2025" in message


def test_ending_care_where_a_change_follows_is_refused_as_a_break_the_rules_forbid(kit):
    care_change(
        child=kit,
        changed_on=D(2025, 5, 20),
        legal_status="C2",
        placement="U1",
        placement_provider="PR1",
        reason_place_change="CARPL",
    )
    before = kit.episodes.order_by("started_on").first()

    [message] = refused(
        lambda: episode_correct(episode=before, reason_ceased="E4A", reason="Went home"),
        "reason_ceased",
    )

    assert message.startswith(NEXT_EPISODE_BREAKS_RULE.format(date="20 May 2025", problem=""))
    assert "DfE rule 432" in message
    assert Episode.objects.get(pk=before.pk).reason_ceased == "X1"


def test_a_change_that_no_episode_continues_is_refused_as_a_gap(iro):
    child = ChildFactory(date_of_birth=D(2012, 1, 10))
    first = enter_care(child, D(2024, 1, 8), ended_on=D(2024, 3, 1), reason_ceased="E4A")
    enter_care(child, D(2024, 9, 2))

    [message] = refused(
        lambda: episode_correct(episode=first, reason_ceased="X1", reason="Typo"),
        "reason_ceased",
    )

    assert message == CHANGE_LEAVES_GAP.format(
        end="1 March 2024", following="the next episode starts on 2 September 2024"
    )
    assert Episode.objects.get(pk=first.pk).reason_ceased == "E4A"


def test_a_correction_leaving_a_held_review_outside_care_saves_nothing(kit):
    lac_review_record(child=kit, held_on=D(2025, 5, 29), participation_code="PN1")
    episode = kit.episodes.get()
    [message] = refused(
        lambda: episode_correct(episode=episode, started_on=D(2025, 5, 30), reason="Typo"),
        "started_on",
    )
    assert "is not within a period of care" in message
    assert Episode.objects.get(pk=episode.pk).started_on == D(2025, 5, 1)
    assert _period(kit).started_on == D(2025, 5, 1)


# Withdrawing ------------------------------------------------------------------------


def test_withdrawing_a_change_entered_in_error_gives_the_episode_before_its_end_back(kit, iro):
    care_change(
        child=kit,
        changed_on=D(2025, 5, 20),
        legal_status="C2",
        placement="U1",
        placement_provider="PR1",
        reason_place_change="CARPL",
    )
    first, change = kit.episodes.order_by("started_on")

    result = episode_withdraw(episode=change, reason="Entered for the wrong child", by=iro.user)

    assert current_episode(kit) == first
    first.refresh_from_db()
    assert (first.ended_on, first.reason_ceased, first.reason_place_change) == (None, "", "")
    kept = Episode.all_objects.get(pk=change.pk)
    assert (kept.withdrawn_reason, kept.withdrawn_by) == ("Entered for the wrong child", iro.user)
    assert kept.history.latest().history_change_reason == "Withdrawn: Entered for the wrong child"
    assert list(kit.episodes.all()) == [first]
    assert result.message == (
        "First review due by 2 June 2025: 20 working days after entering care on 1 May 2025."
    )


def test_withdrawing_the_only_episode_leaves_no_period_of_care(kit):
    episode = kit.episodes.get()
    result = episode_withdraw(episode=episode, reason="Never came into care")
    assert not PeriodOfCare.objects.filter(child=kit).exists()
    assert current_episode(kit) is None
    assert Episode.all_objects.filter(pk=episode.pk).exists()
    assert result.message == NO_PERIOD_NOW
    with pytest.raises(ValidationError) as again:
        episode_withdraw(episode=episode, reason="Twice")
    assert again.value.messages == [EPISODE_WITHDRAWN.format(reason="Never came into care")]


def test_a_withdrawal_needs_a_reason_and_keeps_every_held_review_in_care(kit):
    episode = kit.episodes.get()
    assert refused(lambda: episode_withdraw(episode=episode, reason=""), "reason") == [
        WITHDRAWAL_REASON
    ]
    lac_review_record(child=kit, held_on=D(2025, 5, 29), participation_code="PN1")
    [message] = refused(lambda: episode_withdraw(episode=episode, reason="Wrong"), "reason")
    assert "is not within a period of care" in message
    assert not Episode.objects.get(pk=episode.pk).is_withdrawn
    assert _period(kit).next_review_due is not None


def test_withdrawing_the_start_of_care_that_a_change_continues_is_refused(kit):
    care_change(
        child=kit,
        changed_on=D(2025, 5, 20),
        legal_status="C2",
        placement="U1",
        placement_provider="PR1",
        reason_place_change="CARPL",
    )
    first = kit.episodes.order_by("started_on").first()
    [message] = refused(lambda: episode_withdraw(episode=first, reason="Wrong"), "reason")
    assert message.startswith(WITHDRAWAL_BREAKS_RULE.format(date="20 May 2025", problem=""))
    assert not Episode.objects.get(pk=first.pk).is_withdrawn


# The pages --------------------------------------------------------------------------


def test_the_childs_iro_corrects_the_start_on_the_page_and_the_record_says_the_new_due_date(
    client, kit, iro
):
    client.force_login(iro.user)
    episode = kit.episodes.get()
    record = client.get(reverse("children:child_detail", args=["K1"])).content.decode()
    url = reverse("reviews:episode_correct", args=[episode.pk])
    assert url in record

    saved = client.post(url, _form(episode, started_on=D(2025, 5, 8)), follow=True)

    page = saved.content.decode()
    assert (
        "First review due by 6 June 2025: 20 working days after entering care on 8 May 2025" in page
    )
    assert "Corrected: Entered with the wrong start date" in page


def test_bad_input_on_the_page_names_the_field_and_saves_nothing(client, kit, iro):
    client.force_login(iro.user)
    episode = kit.episodes.get()
    url = reverse("reviews:episode_correct", args=[episode.pk])

    page = client.post(url, _form(episode, placement="P1", legal_status="V2", reason=""))

    assert page.status_code == 400
    errors = page.context["form"].errors
    assert set(errors) == {"reason"}  # the form's own check comes first
    page = client.post(url, _form(episode, placement="P1", legal_status="V2"))
    assert page.status_code == 400
    assert "DfE rule 378" in page.context["form"].errors["legal_status"][0]
    assert '<a href="#id_legal_status">' in page.content.decode()
    assert Episode.objects.get(pk=episode.pk).history.count() == 1


def test_sending_the_correction_twice_saves_it_once(client, kit, iro):
    client.force_login(iro.user)
    episode = kit.episodes.get()
    url = reverse("reviews:episode_correct", args=[episode.pk])
    token = TOKEN.search(client.get(url).content.decode()).group(1)
    data = {**_form(episode, started_on=D(2025, 5, 8)), SUBMISSION_FIELD: token}

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    assert first.status_code == 302
    assert SENT_TWICE in second.content.decode()
    assert episode.history.filter(history_change_reason__startswith="Corrected").count() == 1


def test_who_may_correct_or_withdraw_an_episode(client, kit, business_support, head_of_service):
    episode = kit.episodes.get()
    urls = [
        reverse("reviews:episode_correct", args=[episode.pk]),
        reverse("reviews:episode_withdraw", args=[episode.pk]),
    ]
    other_iro = IROFactory()
    _with_role(other_iro.user, Role.IRO)
    for user, status in [
        (business_support, 200),
        (other_iro.user, 403),
        (head_of_service, 403),
    ]:
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [status, status], user
        record = client.get(reverse("children:child_detail", args=["K1"])).content.decode()
        assert (urls[0] in record) == (status == 200), user


def test_business_support_withdraw_an_episode_on_the_page_and_it_stays_listed(
    client, kit, business_support
):
    client.force_login(business_support)
    episode = kit.episodes.get()
    url = reverse("reviews:episode_withdraw", args=[episode.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    saved = client.post(url, {"reason": "Entered for the wrong child"}, follow=True)
    page = saved.content.decode()
    assert NO_PERIOD_NOW in page
    assert "Entered for the wrong child" in page
    assert reverse("reviews:episode_correct", args=[episode.pk]) not in page
    assert client.get(url).status_code == 409
