from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class BreachesConfig(AppConfig):
    name = "dpa.breaches"
    label = "breaches"
    verbose_name = "Breach notifications"

    def ready(self):
        sections.add_portal_section(
            "breaches_portal:notice_list",
            title=_("Security notices"),
            description=_(
                "Notifications of personal data breaches affecting you, to read and acknowledge."
            ),
            audience="customer",
            order=80,
        )
        sections.add_workbench(
            "breaches_staff:incident_list",
            title=_("Breach notifications"),
            description=_(
                "Incidents, the customers affected, notifications sent and acknowledged."
            ),
            roles=("dpo", "legal"),
            order=110,
        )

    def seed_demo(self, stdout):
        """One past incident, notified to the first demo customer and acknowledged there, with a
        follow-up on the measures taken that is not acknowledged yet; left alone when it already
        exists (or when the demo DPO or customer is missing)."""
        from dpa.breaches.demo import seed_demo  # models are not loaded when apps.py is

        seed_demo(stdout)
