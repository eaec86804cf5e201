from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class DpaConfig(AppConfig):
    name = "dpa"
    label = "dpa"
    verbose_name = "Data processing agreements"

    def ready(self):
        sections.add_portal_section(
            "dpa_portal:home",
            title=_("Data processing agreement"),
            description=_(
                "Your DPA: sign it online, see its status and version, download the executed PDF."
            ),
            audience="customer",
            order=70,
        )
        sections.add_workbench(
            "dpa_staff:home",
            title=_("Data processing agreements"),
            description=_(
                "DPA versions, every organisation's signature status, countersignature and "
                "reminders."
            ),
            roles=("legal",),
            order=100,
        )

    def seed_demo(self, stdout):
        """Publish version 1 and leave the first demo customer with an executed agreement,
        once: a run that finds them does nothing."""
        from dpa.demo import seed_demo

        seed_demo(stdout)
