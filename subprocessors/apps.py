from django.apps import AppConfig


class SubprocessorsConfig(AppConfig):
    name = "subprocessors"
    label = "subprocessors"
    verbose_name = "Sub-processors"
