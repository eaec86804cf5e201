from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "trustcentre.content"
    label = "content"
    verbose_name = "Trust centre content"
