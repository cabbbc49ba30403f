from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Oversight core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from core.roles import roles_sync

        post_migrate.connect(roles_sync, dispatch_uid="core.roles_sync")
        # Each app's permissions.py: its role grants and its object rules.
        autodiscover_modules("permissions")
