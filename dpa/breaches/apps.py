from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "dpa.breaches"
    label = "breaches"
    verbose_name = "Breach notifications"
