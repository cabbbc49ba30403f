"""Fill Child.corrected_fields from the children's history: the details a person changed.

A change kept with a person (`history_user`) is a correction made in Oversight
(iro.services.child_details_correct); the loaders write without one. Each such entry is
compared with the entry before it, and the details that differ are marked, so the next
import keeps them (docs/adr/0016)."""

from django.db import migrations

# iro.services.CHILD_DETAILS as it stands at this migration.
DETAILS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "upn",
    "disability",
)


def corrected_from_history(apps, schema_editor):
    Child = apps.get_model("iro", "Child")
    HistoricalChild = apps.get_model("iro", "HistoricalChild")
    corrected: dict[int, set[str]] = {}
    before: dict[int, dict] = {}
    entries = HistoricalChild.objects.order_by("id", "history_date", "history_id").values(
        "id", "history_type", "history_user_id", *DETAILS
    )
    for entry in entries.iterator(chunk_size=2000):
        previous = before.get(entry["id"])
        if previous is not None and entry["history_type"] == "~" and entry["history_user_id"]:
            changed = {name for name in DETAILS if entry[name] != previous[name]}
            corrected.setdefault(entry["id"], set()).update(changed)
        before[entry["id"]] = entry
    for pk, names in corrected.items():
        if names:
            marked = [name for name in DETAILS if name in names]
            Child.objects.filter(pk=pk).update(corrected_fields=marked)


class Migration(migrations.Migration):
    dependencies = [("iro", "0009_child_corrected_fields")]

    operations = [migrations.RunPython(corrected_from_history, migrations.RunPython.noop)]
