"""The challenges pages: fixed queries, who may do what, and bad input refused whole."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from disputes.models import Dispute, DisputeLevel, DisputeStage
from disputes.services import (
    dispute_escalate,
    dispute_raise,
    dispute_resolve,
    dispute_withdraw,
)
from iro.services import iro_allocate
from tests.factories import ChildFactory, IROFactory
from worklists.deadlines import open_deadlines

D = dt.date
RAISED = D(2025, 5, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def level(rank):
    return DisputeLevel.objects.get(rank=rank)


def raise_for(iro, *, child=None, raised_on=RAISED, category="drift"):
    return dispute_raise(
        child=child or ChildFactory(),
        raised_by=iro,
        raised_on=raised_on,
        category=category,
        summary="No progress on the care plan since the last review.",
    )


def held_by(iro):
    """A child allocated to the IRO: the one who may raise a challenge about them."""
    child = ChildFactory()
    iro_allocate(child=child, iro=iro, started_on=RAISED - dt.timedelta(days=90))
    return child


def escalate(dispute, rank, started_on, addressee="Pat Manager"):
    return dispute_escalate(
        dispute=dispute, level=level(rank), addressee=addressee, started_on=started_on
    )


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def mixed_challenges(iro, size):
    """Informal, formal (some overdue), resolved and withdrawn challenges, `size` of each."""
    for _ in range(size):
        raise_for(iro)
        escalate(raise_for(iro), 1, D(2025, 5, 6))
        formal = raise_for(iro)
        escalate(formal, 1, D(2025, 5, 6))
        escalate(formal, 3, D(2025, 5, 28))
        dispute_resolve(dispute=raise_for(iro), resolved_on=D(2025, 5, 9), outcome="Agreed.")
        dispute_withdraw(dispute=raise_for(iro), withdrawn_on=D(2025, 5, 9), reason="Moved.")


# The list


@pytest.mark.parametrize("size", [1, 8])
def test_the_challenges_list_runs_the_same_queries_whatever_its_size(
    client, iro, size, django_assert_max_num_queries
):
    mixed_challenges(iro, size)
    client.force_login(iro.user)
    # Fixed whatever the size; the session's expiry is saved on each page (3 queries).
    with django_assert_max_num_queries(13):
        response = client.get("/challenges/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5 * size
    with django_assert_max_num_queries(13):
        assert client.get("/challenges/?status=formal&category=drift&page=2").status_code == 200


def test_the_list_shows_open_challenges_first_with_their_stage_and_clocks(client, iro):
    resolved = raise_for(iro, raised_on=D(2025, 5, 30))
    dispute_resolve(dispute=resolved, resolved_on=D(2025, 5, 30), outcome="Agreed.")
    formal = raise_for(iro, raised_on=D(2025, 4, 1))
    escalate(formal, 1, D(2025, 4, 1), addressee="Pat Manager")
    client.force_login(iro.user)

    response = client.get("/challenges/")

    rows = [row["dispute"] for row in response.context["rows"]]
    assert rows == [formal, resolved]
    html = response.content.decode()
    assert "Team manager: Pat Manager" in html
    assert "Response due 8 Apr 2025" in html
    assert "Should end by 1 May 2025" in html  # 20 working days, Easter skipped
    assert "Overdue" in html
    assert "informally on 30 May 2025" in html


def test_an_iro_sees_their_own_challenges_unless_they_choose_everyone(client, iro):
    raise_for(iro)
    raise_for(IROFactory())
    client.force_login(iro.user)
    assert client.get("/challenges/").context["page"].paginator.count == 1
    assert client.get("/challenges/?iro=").context["page"].paginator.count == 2


def test_the_head_of_service_sees_everyones_and_can_filter_by_status(client, iro, head_of_service):
    raise_for(iro)
    dispute_resolve(dispute=raise_for(IROFactory()), resolved_on=D(2025, 5, 9), outcome="Done.")
    client.force_login(head_of_service)
    assert client.get("/challenges/").context["page"].paginator.count == 2
    response = client.get("/challenges/?status=resolved")
    assert response.context["page"].paginator.count == 1
    assert client.get("/challenges/?status=open").context["page"].paginator.count == 1


# The challenge page


def test_the_challenge_page_explains_each_deadline_and_the_whole_process_clock(client, iro):
    dispute = raise_for(iro)
    escalate(dispute, 1, D(2025, 5, 6))
    escalate(dispute, 3, D(2025, 5, 28), addressee="Sam Head")
    client.force_login(iro.user)

    html = client.get(f"/challenges/{dispute.pk}/").content.decode()

    assert "moj-timeline" in html
    assert "5 working days after escalation to head of service on 28 May 2025" in html
    assert "4 June 2025" in html  # the head of service's response due
    assert "None before it was escalated" in html
    assert "The formal process should end by 4 June 2025: 2 working days left." in html
    assert "20 working days after the first formal stage on 6 May 2025" in html


def test_business_support_see_a_challenge_without_any_action(client, iro, business_support):
    dispute = raise_for(iro)
    client.force_login(business_support)
    response = client.get(f"/challenges/{dispute.pk}/")
    assert response.status_code == 200
    assert not any(response.context[flag] for flag in ("can_escalate", "can_respond", "can_close"))
    assert f"/challenges/{dispute.pk}/escalate/" not in response.content.decode()


def test_a_withdrawn_challenge_shows_why(client, iro):
    dispute = raise_for(iro)
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{dispute.pk}/withdraw/",
        {"reason": "The child has returned home.", **date_fields("withdrawn_on", D(2025, 6, 2))},
        follow=True,
    )
    assert "The child has returned home." in response.content.decode()
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_on) == ("withdrawn", D(2025, 6, 2))


# Who may do what

READ_URLS = ["/challenges/", "/challenges/{pk}/"]
WRITE_URLS = [
    "/challenges/new/{child}/",
    "/challenges/{pk}/escalate/",
    "/challenges/{pk}/response/",
    "/challenges/{pk}/resolve/",
    "/challenges/{pk}/cafcass/",
    "/challenges/{pk}/withdraw/",
]


@pytest.fixture
def formal(iro):
    dispute = raise_for(iro)
    escalate(dispute, 1, D(2025, 5, 6))
    return dispute


@pytest.mark.parametrize("url", READ_URLS + WRITE_URLS)
def test_someone_with_no_role_is_refused_every_page(client, no_role, formal, url):
    client.force_login(no_role)
    url = url.format(pk=formal.pk, child=formal.child.child_id)
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("persona", ["business_support", "head_of_service"])
@pytest.mark.parametrize("url", WRITE_URLS)
def test_business_support_and_the_head_of_service_may_read_but_not_act(
    request, client, formal, persona, url
):
    client.force_login(request.getfixturevalue(persona))
    for read in READ_URLS:
        assert client.get(read.format(pk=formal.pk)).status_code == 200
    url = url.format(pk=formal.pk, child=formal.child.child_id)
    assert client.get(url).status_code == 403
    assert client.post(url, {"summary": "x", "category": "drift"}).status_code == 403
    assert Dispute.objects.count() == 1
    assert DisputeStage.objects.count() == 1


def test_an_administrator_without_an_iro_profile_may_not_raise_a_challenge(client, administrator):
    child = ChildFactory()
    client.force_login(administrator)
    assert client.get(f"/challenges/new/{child.child_id}/").status_code == 403


def test_an_administrator_may_act_on_a_challenge(client, administrator, formal):
    client.force_login(administrator)
    assert client.get(f"/challenges/{formal.pk}/escalate/").status_code == 200


def test_an_unknown_child_or_challenge_is_not_found(client, iro):
    client.force_login(iro.user)
    assert client.get("/challenges/new/NOPE/").status_code == 404
    assert client.get("/challenges/999/").status_code == 404
    assert client.get("/challenges/999/escalate/").status_code == 404


def test_only_the_iro_who_holds_the_child_may_raise_a_challenge_about_them(client, iro):
    other = IROFactory()
    other.user.groups.add(*iro.user.groups.all())
    child = held_by(iro)
    client.force_login(other.user)
    data = {"category": "drift", "summary": "Drift.", **date_fields("raised_on", RAISED)}

    assert client.get(f"/challenges/new/{child.child_id}/").status_code == 403
    assert client.post(f"/challenges/new/{child.child_id}/", data).status_code == 403
    assert not Dispute.objects.exists()


# Bad input


def test_raising_with_nothing_filled_in_names_each_field_and_saves_nothing(client, iro):
    child = held_by(iro)
    client.force_login(iro.user)
    response = client.post(f"/challenges/new/{child.child_id}/", {})
    assert response.status_code == 400
    html = response.content.decode()
    for message in [
        "Choose what the challenge is about",
        "Describe the concern",
        "Enter the date the challenge was raised",
    ]:
        assert message in html
    assert not Dispute.objects.exists()


def test_an_impossible_date_is_refused_naming_the_field(client, iro):
    child = held_by(iro)
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/new/{child.child_id}/",
        {"category": "drift", "summary": "Drift.", **date_fields("raised_on", D(2025, 2, 1))}
        | {"raised_on_0": "31"},
    )
    assert response.status_code == 400
    assert 'href="#id_raised_on' in response.content.decode()
    assert not Dispute.objects.exists()


def test_a_challenge_raised_in_the_future_is_refused(client, iro):
    child = held_by(iro)
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/new/{child.child_id}/",
        {"category": "drift", "summary": "Drift.", **date_fields("raised_on", D(2025, 6, 3))},
    )
    assert response.status_code == 400
    assert "must be today or in the past" in response.content.decode()
    assert not Dispute.objects.exists()


def test_escalating_to_a_lower_level_is_refused_naming_the_level(client, iro):
    dispute = raise_for(iro)
    escalate(dispute, 3, D(2025, 5, 6))
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{dispute.pk}/escalate/",
        {"level": level(1).pk, "addressee": "Pat", **date_fields("started_on", D(2025, 5, 9))},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a level above the one the challenge has already reached" in html
    assert 'href="#id_level' in html
    assert list(dispute.stages.values_list("level__rank", flat=True)) == [3]


def test_escalating_offers_only_the_levels_above_the_highest_so_far(client, iro):
    dispute = raise_for(iro)
    escalate(dispute, 2, D(2025, 5, 6))
    client.force_login(iro.user)
    response = client.get(f"/challenges/{dispute.pk}/escalate/")
    ranks = [lv.rank for lv in response.context["form"].fields["level"].queryset]
    assert ranks == [3, 4, 5]


def test_a_stage_dated_before_the_challenge_is_refused_and_it_stays_informal(client, iro):
    dispute = raise_for(iro)
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{dispute.pk}/escalate/",
        {"level": level(1).pk, "addressee": "Pat", **date_fields("started_on", D(2025, 4, 1))},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A stage cannot start before the challenge was raised" in html
    assert 'href="#id_started_on' in html
    dispute.refresh_from_db()
    assert (dispute.status, dispute.formal_due_on) == ("informal", None)
    assert not dispute.stages.exists()


def test_an_escalation_needs_an_addressee(client, iro):
    dispute = raise_for(iro)
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{dispute.pk}/escalate/",
        {"level": level(1).pk, "addressee": " ", **date_fields("started_on", D(2025, 5, 6))},
    )
    assert response.status_code == 400
    assert "Enter who the challenge is addressed to" in response.content.decode()
    assert not dispute.stages.exists()


def test_a_response_needs_its_text_and_a_date_after_the_stage(client, iro, formal):
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{formal.pk}/response/", date_fields("responded_on", D(2025, 5, 1))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the response" in html
    stage = formal.stages.get()
    assert (stage.responded_on, stage.response) == (None, "")


def test_a_response_after_the_stage_started_is_saved(client, iro, formal):
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{formal.pk}/response/",
        {"response": "Social worker allocated.", **date_fields("responded_on", D(2025, 5, 9))},
    )
    assert response.status_code == 302
    stage = formal.stages.get()
    assert (stage.responded_on, stage.response) == (D(2025, 5, 9), "Social worker allocated.")


def test_resolving_needs_an_outcome_and_is_refused_whole(client, iro, formal):
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{formal.pk}/resolve/", date_fields("resolved_on", D(2025, 5, 9))
    )
    assert response.status_code == 400
    assert "Describe how the challenge was resolved" in response.content.decode()
    formal.refresh_from_db()
    assert (formal.status, formal.resolved_on) == ("formal", None)


def test_resolving_after_a_response_keeps_the_response_as_the_outcome(client, iro, formal):
    client.force_login(iro.user)
    client.post(
        f"/challenges/{formal.pk}/response/",
        {"response": "Worker allocated.", **date_fields("responded_on", D(2025, 5, 9))},
    )
    page = client.get(f"/challenges/{formal.pk}/resolve/")
    assert "outcome" not in page.context["form"].fields
    response = client.post(
        f"/challenges/{formal.pk}/resolve/", date_fields("resolved_on", D(2025, 5, 12))
    )
    assert response.status_code == 302
    formal.refresh_from_db()
    assert (formal.status, formal.resolved_at_level) == ("resolved", level(1))
    assert formal.stages.get().response == "Worker allocated."


def test_a_cafcass_referral_before_the_challenge_is_refused(client, iro, formal):
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{formal.pk}/cafcass/", date_fields("cafcass_referred_on", D(2025, 4, 1))
    )
    assert response.status_code == 400
    assert 'href="#id_cafcass_referred_on' in response.content.decode()
    formal.refresh_from_db()
    assert formal.cafcass_referred_on is None


def test_a_closed_challenge_cannot_be_escalated(client, iro):
    dispute = raise_for(iro)
    dispute_resolve(dispute=dispute, resolved_on=D(2025, 5, 9), outcome="Done.")
    client.force_login(iro.user)
    response = client.post(
        f"/challenges/{dispute.pk}/escalate/",
        {"level": level(1).pk, "addressee": "Pat", **date_fields("started_on", D(2025, 5, 12))},
    )
    assert response.status_code == 400
    assert not dispute.stages.exists()


# Withdrawing (disputes.services.dispute_withdraw, added for the withdraw page)


def test_withdrawing_a_formal_challenge_withdraws_the_stage_awaiting_a_response(iro):
    dispute = raise_for(iro)
    stage = escalate(dispute, 1, D(2025, 5, 6))

    dispute_withdraw(dispute=dispute, withdrawn_on=D(2025, 5, 9), reason="Returned home.")

    dispute.refresh_from_db()
    stage.refresh_from_db()
    assert (dispute.status, dispute.resolved_on, dispute.resolved_at_level) == (
        "withdrawn",
        D(2025, 5, 9),
        None,
    )
    assert (stage.outcome, stage.responded_on) == ("withdrawn", None)
    assert dispute.outcome == "Returned home."
    assert not [d for d in open_deadlines(as_of=D(2025, 6, 2)) if d.kind == "dispute_stage"]


def test_a_withdrawal_is_refused_whole_without_a_reason_or_before_the_last_stage(iro):
    dispute = raise_for(iro)
    stage = escalate(dispute, 1, D(2025, 5, 6))
    with pytest.raises(ValidationError) as exc:
        dispute_withdraw(dispute=dispute, withdrawn_on=D(2025, 5, 2), reason=" ")
    errors = exc.value.message_dict
    assert "Enter why the challenge is being withdrawn" in errors["reason"]
    assert "before its last stage started on 6 May 2025" in " ".join(errors["withdrawn_on"])
    dispute.refresh_from_db()
    stage.refresh_from_db()
    assert (dispute.status, dispute.resolved_on, stage.outcome) == ("formal", None, "")


def test_a_resolved_challenge_cannot_be_withdrawn(iro):
    dispute = raise_for(iro)
    dispute_resolve(dispute=dispute, resolved_on=D(2025, 5, 9), outcome="Agreed.")
    with pytest.raises(ValidationError) as exc:
        dispute_withdraw(dispute=dispute, withdrawn_on=D(2025, 5, 12), reason="Changed mind.")
    assert "already resolved" in " ".join(exc.value.message_dict["status"])
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_on) == ("resolved", D(2025, 5, 9))
