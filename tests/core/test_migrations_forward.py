"""A database migrated before the models moved to worklists, returns and reporting
migrates forward with nothing lost: the tables stay, the rows are read through the new
apps, permissions follow their content types, and stored beat entries name the moved
tasks."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The leaf migrations of every app on the day before the re-layout (docs/adr/0008).
BEFORE = [
    ("core", "0005_import_runs_and_data_quality"),
    ("reviews", "0004_return_rows"),
    ("protection", "0004_cin_census_entries"),
    ("worklists", None),
    ("returns", None),
    ("reporting", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    named = {app for app, _ in targets}
    nodes = [t for t in targets if t[1]] + [
        n for n in executor.loader.graph.leaf_nodes() if n[0] not in named
    ]
    return executor.loader.project_state(nodes).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_through_the_new_apps():
    old = _migrate(BEFORE)
    User = old.get_model("core", "User")
    user = User.objects.create(username="before-the-move")
    Child = old.get_model("iro", "Child")
    child = Child.objects.create(
        child_id="MOVE01", first_name="Ada", last_name="Example", date_of_birth=dt.date(2015, 1, 1)
    )
    old.get_model("core", "DeadlineDigest").objects.create(
        recipient=user, for_date=dt.date(2026, 1, 5), role="iro", items=[]
    )
    old.get_model("core", "PopulationEstimate").objects.create(year=2024, children_0_to_17=51000)
    old.get_model("core", "ImportRun").objects.create(kind="ssda903", uploaded_by=user)
    old.get_model("core", "DataQualityIssue").objects.create(
        return_name="ssda903",
        year=2024,
        child=child,
        rule="103",
        description="x",
        found_at=timezone.now(),
    )
    old.get_model("reviews", "ReturnRow").objects.create(
        child=child, year=2024, table="Header", position=2, values={}
    )
    old.get_model("protection", "CinCensusChild").objects.create(child=child, return_year=2024)
    ContentType = old.get_model("contenttypes", "ContentType")
    digest_type, _ = ContentType.objects.get_or_create(app_label="core", model="deadlinedigest")
    Permission = old.get_model("auth", "Permission")
    Permission.objects.get_or_create(
        content_type=digest_type,
        codename="view_deadlinedigest",
        defaults={"name": "Can view deadline digest"},
    )
    Interval = old.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = old.get_model("django_celery_beat", "PeriodicTask")
    every = Interval.objects.create(every=1, period="days")
    PeriodicTask.objects.create(
        name="nightly-deadline-alerts", task="core.tasks.deadline_alerts_send", interval=every
    )

    new = _migrate(_latest())

    assert new.get_model("worklists", "DeadlineDigest").objects.get().recipient_id == user.pk
    assert new.get_model("reporting", "PopulationEstimate").objects.get().year == 2024
    assert new.get_model("returns", "ImportRun").objects.get().uploaded_by_id == user.pk
    assert new.get_model("returns", "DataQualityIssue").objects.get().child_id == child.pk
    assert new.get_model("returns", "ReturnRow").objects.get().child_id == child.pk
    assert new.get_model("returns", "CinCensusChild").objects.get().child_id == child.pk
    moved = new.get_model("contenttypes", "ContentType").objects.get(pk=digest_type.pk)
    assert (moved.app_label, moved.model) == ("worklists", "deadlinedigest")
    assert (
        new.get_model("auth", "Permission")
        .objects.filter(content_type_id=digest_type.pk, codename="view_deadlinedigest")
        .exists()
    )
    task = new.get_model("django_celery_beat", "PeriodicTask").objects.get()
    assert task.task == "worklists.tasks.deadline_alerts_send"
