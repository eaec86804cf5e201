from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "trustcentre.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
