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
        sections.add_workbench(
            "data_act_staff:home",
            title=_("Data Act register"),
            description=_(
                "What the register states: excluded data, switching, custom exports, measures "
                "against governmental access; each change a new published version."
            ),
            roles=("legal",),
            order=105,
        )
        sections.add_public_link("data_act", "data_act:register")

    def seed_demo(self, stdout):
        """The register's statements as an example provider writes them; once (a published
        register is left as it is)."""
        from exports.statements_demo import seed  # models are not loaded when apps.py is

        seed(stdout)
