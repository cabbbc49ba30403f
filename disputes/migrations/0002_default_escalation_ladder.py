from django.db import migrations

# RULES.md §4: a composite of real procedures; a council edits these in the admin.
LADDER = [
    (1, "Team manager", 5),
    (2, "Service manager", 5),
    (3, "Head of service", 5),
    (4, "Assistant director", 5),
    (5, "Director of children's services", 5),
]


def add_ladder(apps, schema_editor):
    DisputeLevel = apps.get_model("disputes", "DisputeLevel")
    for rank, name, days in LADDER:
        DisputeLevel.objects.get_or_create(
            rank=rank, defaults={"name": name, "response_working_days": days}
        )


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]

    operations = [migrations.RunPython(add_ladder, migrations.RunPython.noop)]
