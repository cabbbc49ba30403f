from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("disputes", "0002_default_escalation_ladder")]

    operations = [
        migrations.RenameField("dispute", "informal_outcome", "outcome"),
        migrations.RenameField("historicaldispute", "informal_outcome", "outcome"),
        migrations.AlterField(
            model_name="dispute",
            name="outcome",
            field=models.TextField(
                blank=True,
                help_text="How the challenge ended: the resolution, or why it was withdrawn.",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldispute",
            name="outcome",
            field=models.TextField(
                blank=True,
                help_text="How the challenge ended: the resolution, or why it was withdrawn.",
            ),
        ),
    ]
