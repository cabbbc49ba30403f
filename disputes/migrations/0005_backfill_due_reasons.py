"""Stages and formal processes recorded before their reasons were stored get them now,
worked out as the pages used to on every read."""

from django.db import migrations


def reasons_backfill(apps, schema_editor):
    from core.dates import default_calendar, working_days_between
    from core.timescales import default_timescales
    from disputes.rules import formal_process_due, stage_response_due

    calendar, timescales = default_calendar(), default_timescales()
    DisputeStage = apps.get_model("disputes", "DisputeStage")
    Dispute = apps.get_model("disputes", "Dispute")
    for stage in DisputeStage.objects.filter(response_due_reason="").select_related("level"):
        # The stored date wins over the level's working days today.
        days = working_days_between(stage.started_on, stage.response_due_on, calendar)
        due = stage_response_due(
            stage.started_on, level_name=stage.level.name, working_days=days, calendar=calendar
        )
        stage.response_due_reason, stage.response_due_rule = due.reason, due.rule
        stage.save(update_fields=["response_due_reason", "response_due_rule"])
    for dispute in Dispute.objects.filter(formal_due_on__isnull=False, formal_due_reason=""):
        first = dispute.stages.order_by("started_on").first()
        if first is None:
            continue
        due = formal_process_due(first.started_on, calendar=calendar, timescales=timescales)
        dispute.formal_due_reason, dispute.formal_due_rule = due.reason, due.rule
        dispute.save(update_fields=["formal_due_reason", "formal_due_rule"])


class Migration(migrations.Migration):
    dependencies = [("disputes", "0004_due_rules")]

    operations = [migrations.RunPython(reasons_backfill, migrations.RunPython.noop)]
