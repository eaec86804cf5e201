from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class RetentionConfig(AppConfig):
    name = "retention"
    label = "retention"
    verbose_name = "Retention schedule"

    def ready(self):
        sections.add_workbench(
            "retention_staff:rules",
            title=_("Retention schedule"),
            description=_("The retention periods legal states on the public schedule."),
            roles=("legal",),
            order=125,
        )
        sections.add_public_link("retention", "retention:schedule")

    def seed_demo(self, stdout):
        """The periods legal maintains (the rest come from the settings). Idempotent."""
        from retention.demo import seed  # models are not loaded when apps.py is

        seed(stdout)
