from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class ExportsConfig(AppConfig):
    name = "exports"
    label = "exports"
    verbose_name = "Exports and data portability"

    def ready(self):
        sections.add_portal_section(
            "exports:home",
            title=_("Exports"),
            description=_(
                "Your organisation's data as CSV, JSON or Excel, with a manifest and checksums."
            ),
            audience="customer",
            order=10,
        )
        sections.add_public_link("data_act", "data_act:register")
