from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class PagesConfig(AppConfig):
    name = "trustcentre.pages"
    label = "pages"
    verbose_name = "Pages"

    def ready(self):
        sections.add_workbench(
            "admin:index",
            title=_("Administration"),
            description=_("Django admin for superusers."),
            roles=("superuser",),
            order=130,
        )
