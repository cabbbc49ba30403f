from django.apps import AppConfig


class IroConfig(AppConfig):
    name = "iro"
    verbose_name = "People and allocation"
