from django.apps import AppConfig


class DpaConfig(AppConfig):
    name = "dpa"
    label = "dpa"
    verbose_name = "Data processing agreements"
