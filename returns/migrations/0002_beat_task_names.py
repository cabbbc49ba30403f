"""Beat entries stored before the tasks moved keep running: their task names follow."""

from django.db import migrations

RENAMED = {
    "core.tasks.data_quality_check_task": "returns.tasks.data_quality_check_task",
    "core.tasks.import_runs_resume_task": "returns.tasks.import_runs_resume_task",
}


def task_names_follow(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in RENAMED.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def task_names_return(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in RENAMED.items():
        PeriodicTask.objects.filter(task=new).update(task=old)


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(task_names_follow, task_names_return)]
