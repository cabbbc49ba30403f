"""Give each invitation its name key, and withdraw second invitations of one person to
one conference (recorded before duplicates were refused), so the unique constraints in
the next migration hold."""

from django.db import migrations

DUPLICATE = "Invited twice to the same conference before Oversight refused duplicates"


def person_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def fill_name_keys(apps, schema_editor):
    Invitation = apps.get_model("protection", "ConferenceInvitation")
    seen = set()
    for invitation in Invitation.objects.order_by("conference_id", "id"):
        invitation.name_key = person_key(invitation.name)
        invitation.email = invitation.email.strip().lower()
        keys = {(invitation.conference_id, "name", invitation.name_key)}
        if invitation.email:
            keys.add((invitation.conference_id, "email", invitation.email))
        if invitation.withdrawn_on is None and keys & seen:
            invitation.withdrawn_on = invitation.created_at.date()
            invitation.withdrawn_reason = DUPLICATE
        elif invitation.withdrawn_on is None:
            seen |= keys
        invitation.save(update_fields=["name_key", "email", "withdrawn_on", "withdrawn_reason"])


class Migration(migrations.Migration):
    dependencies = [("protection", "0013_invitation_contact_withdrawal_and_sending")]

    operations = [migrations.RunPython(fill_name_keys, migrations.RunPython.noop)]
