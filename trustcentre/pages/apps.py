from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "trustcentre.pages"
    label = "pages"
    verbose_name = "Pages"
