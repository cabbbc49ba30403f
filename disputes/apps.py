from django.apps import AppConfig
from django.db.models.signals import post_migrate

# RULES.md §4: a composite of real procedures. A council edits its ladder in the admin;
# this is only what an empty database starts with (also after a test flush).
DEFAULT_LADDER = [
    (1, "Team manager", 5),
    (2, "Service manager", 5),
    (3, "Head of service", 5),
    (4, "Assistant director", 5),
    (5, "Director of children's services", 5),
]


def ladder_ensure(sender, **kwargs) -> None:
    from disputes.models import DisputeLevel

    if sender.name == "disputes" and not DisputeLevel.objects.exists():
        DisputeLevel.objects.bulk_create(
            DisputeLevel(rank=rank, name=name, response_working_days=days)
            for rank, name, days in DEFAULT_LADDER
        )


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Dispute resolution"

    def ready(self) -> None:
        from iro.restricted import child_lookups_register

        post_migrate.connect(ladder_ensure, sender=self, dispatch_uid="disputes.ladder_ensure")
        # A challenge's pages are its child's record: a restricted one asks why first.
        child_lookups_register(
            "disputes", {"pk": "disputes__pk", "stage_pk": "disputes__stages__pk"}
        )
