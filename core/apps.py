from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Oversight core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.utils.module_loading import autodiscover_modules

        from core.roles import roles_sync
        from core.two_factor import remember_device_on_sign_in

        post_migrate.connect(roles_sync, dispatch_uid="core.roles_sync")
        user_logged_in.connect(remember_device_on_sign_in, dispatch_uid="core.two_factor")
        # Each app's permissions.py: its role grants and its object rules.
        autodiscover_modules("permissions")
