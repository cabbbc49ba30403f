"""`manage.py seed_demo` builds a believable synthetic unit, the same for a seed and day."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from core.roles import Role
from core.roles import case_models as viewable_models
from demo.builder import IRO_POSTS, STAFF_ACCOUNTS
from demo.reset import case_data_clear, case_models
from demo.seed import DEMO_PASSWORD
from disputes.models import Dispute, DisputeStage
from fostering.models import FosterCarerHousehold
from iro.models import Child, IndependentReviewingOfficer, IROAllocation
from protection.models import ChildProtectionConference, ChildProtectionPlan
from reviews.models import Episode, LookedAfterReview, PeriodOfCare
from reviews.rules import EpisodeFacts, periods_from_episodes
from reviews.services import participation_code_problem
from worklists.deadlines import DeadlineKind, open_deadlines

AS_OF = dt.date(2026, 11, 2)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(seed: int = 7) -> str:
    out = io.StringIO()
    call_command(
        "seed_demo", "--as-of", AS_OF.isoformat(), "--seed", str(seed), "--force", stdout=out
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo unit shared by the read-only tests below: building one takes seconds."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield seed()
        with transaction.atomic():
            case_data_clear()
            usernames = [u for u, _, _ in IRO_POSTS] + [u for u, _, _ in STAFF_ACCOUNTS]
            IndependentReviewingOfficer.objects.filter(user__username__in=usernames).delete()
            get_user_model().objects.filter(username__in=usernames).delete()


def looked_after_now() -> int:
    periods = PeriodOfCare.objects.filter(ended_on__isnull=True, is_short_breaks=False)
    return periods.values("child").distinct().count()


def on_plans_now() -> int:
    return (
        ChildProtectionPlan.objects.filter(ended_on__isnull=True).values("child").distinct().count()
    )


def counts() -> dict[str, int]:
    models = [Child, Episode, LookedAfterReview, ChildProtectionPlan, ChildProtectionConference,
              IROAllocation, Dispute, DisputeStage, FosterCarerHousehold]  # fmt: skip
    return {m.__name__: m.objects.count() for m in models} | {
        "looked_after_now": looked_after_now(),
        "on_plans_now": on_plans_now(),
    }


def snapshot() -> dict[str, list]:
    """What a second build must reproduce exactly (row ids aside)."""
    rows = {
        "children": Child.objects.values_list(
            "child_id", "first_name", "last_name", "date_of_birth", "expected_date_of_birth"
        ),
        "episodes": Episode.objects.values_list(
            "child__child_id", "started_on", "ended_on", "legal_status", "placement"
        ),
        "reviews": LookedAfterReview.objects.values_list(
            "child__child_id", "status", "held_on", "due_on", "participation_code"
        ),
        "plans": ChildProtectionPlan.objects.values_list(
            "child__child_id", "started_on", "ended_on", "initial_category", "next_review_due"
        ),
        "allocations": IROAllocation.objects.values_list(
            "child__child_id", "iro__user__username", "started_on", "ended_on"
        ),
        "households": FosterCarerHousehold.objects.values_list(
            "reference", "approved_on", "next_review_due"
        ),
    }
    return {name: sorted(values, key=str) for name, values in rows.items()}


@pytest.mark.django_db
def test_the_unit_is_the_size_of_the_reports(demo):
    assert 200 <= looked_after_now() <= 240
    assert 100 <= on_plans_now() <= 130
    assert IndependentReviewingOfficer.objects.count() == 6
    assert 55 <= FosterCarerHousehold.objects.count() <= 65


@pytest.mark.django_db
def test_every_kind_of_deadline_is_both_overdue_and_due_on_the_day(demo):
    statuses = Counter((d.kind, d.status) for d in open_deadlines(as_of=AS_OF))

    for kind in DeadlineKind:
        assert statuses[(kind.value, "overdue")] >= 1, kind
        assert statuses[(kind.value, "due")] >= 1, kind


@pytest.mark.django_db
def test_every_held_review_has_a_participation_code_right_for_the_childs_age(demo):
    held = LookedAfterReview.objects.filter(status="held").select_related("child")

    for review in held:
        problem = participation_code_problem(
            review.participation_code,
            date_of_birth=review.child.date_of_birth,
            held_on=review.held_on,
        )
        assert problem is None, (review.child.child_id, review.held_on, problem)
    older = Counter(r.participation_code for r in held if r.participation_code != "PN0")
    assert 0.35 <= older["PN1"] / sum(older.values()) <= 0.55


@pytest.mark.django_db
def test_every_held_review_falls_within_its_period_of_care(demo):
    held = LookedAfterReview.objects.filter(status="held").select_related("period")

    for review in held:
        period = review.period
        assert period.first_recorded_on <= review.held_on <= (period.ended_on or AS_OF)


@pytest.mark.django_db
def test_episodes_form_the_periods_of_care_the_ssda903_rules_derive(demo):
    children = Child.objects.filter(episodes__isnull=False).distinct()

    for child in children.prefetch_related("episodes", "periods_of_care"):
        episodes = sorted(child.episodes.all(), key=lambda e: e.started_on)
        derived = periods_from_episodes(
            [
                EpisodeFacts(e.started_on, e.ended_on, e.reason_new_episode, e.reason_ceased,
                             e.legal_status, e.placement)
                for e in episodes
            ]
        )  # fmt: skip
        stored = sorted(child.periods_of_care.all(), key=lambda p: p.first_recorded_on)
        assert [(p.started_on, p.ended_on) for p in derived] == [
            (p.started_on, p.ended_on) for p in stored
        ], child.child_id


@pytest.mark.django_db
def test_every_child_the_unit_holds_has_one_current_iro(demo):
    current = IROAllocation.objects.filter(ended_on__isnull=True)
    looked_after = PeriodOfCare.objects.filter(ended_on__isnull=True)
    on_plans = ChildProtectionPlan.objects.filter(ended_on__isnull=True)

    held = set(current.values_list("child", flat=True))

    assert not current.values("child").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert set(looked_after.values_list("child", flat=True)) <= held
    assert set(on_plans.values_list("child", flat=True)) <= held


@pytest.mark.django_db
def test_neglect_is_the_commonest_initial_category_of_abuse(demo):
    open_plans = ChildProtectionPlan.objects.filter(ended_on__isnull=True)

    categories = Counter(open_plans.values_list("initial_category", flat=True))

    assert categories.most_common(1)[0][0] == "NEG"


@pytest.mark.django_db
def test_each_role_can_sign_in_with_the_printed_password(demo):
    users = get_user_model().objects

    assert "Sign in at http://127.0.0.1:8000/ as:" in demo
    for username in ["iro1", "iro6", "support", "head", "admin", "fosterreviewer"]:
        assert f"{username} / {DEMO_PASSWORD}" in demo
        assert users.get(username=username).check_password(DEMO_PASSWORD)
    assert users.get(username="iro3").groups.filter(name=Role.IRO.label).exists()
    assert users.get(username="head").groups.filter(name=Role.HEAD_OF_SERVICE.label).exists()
    admin = users.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not IndependentReviewingOfficer.objects.filter(user__username="fosterreviewer").exists()
    employment = Counter(IndependentReviewingOfficer.objects.values_list("employment", flat=True))
    assert employment == {"permanent": 5, "agency": 1}


@pytest.mark.django_db
def test_seeding_again_replaces_the_data_and_the_same_seed_gives_the_same_unit(demo):
    first_counts, first = counts(), snapshot()

    seed()

    assert counts() == first_counts
    assert snapshot() == first


def test_the_reset_clears_every_case_model_but_not_the_iros_or_the_ladder():
    cleared = {f"{m._meta.app_label}.{m._meta.model_name}" for m in case_models()}

    assert set(viewable_models()) - cleared == {
        "iro.independentreviewingofficer",
        "disputes.disputelevel",
    }


def test_the_reset_also_clears_any_other_table_that_points_at_a_child():
    cleared = set(case_models())

    for model in apps.get_models():
        points_at_child = any(
            f.is_relation and f.related_model is Child for f in model._meta.concrete_fields
        )
        if points_at_child and model._meta.managed:
            assert model in cleared, model


@pytest.mark.django_db
def test_outside_debug_seed_demo_refuses_to_run_unless_forced(settings):
    from django.core.management.base import CommandError

    from demo.management.commands.seed_demo import NOT_IN_PRODUCTION
    from iro.models import Child

    settings.DEBUG = False
    before = sorted(Child.objects.values_list("child_id", flat=True))
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--as-of", "2020-01-01", "--seed", "1", stdout=io.StringIO())

    assert str(refused.value) == NOT_IN_PRODUCTION
    assert sorted(Child.objects.values_list("child_id", flat=True)) == before
