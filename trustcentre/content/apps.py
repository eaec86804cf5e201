from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class ContentConfig(AppConfig):
    name = "trustcentre.content"
    label = "content"
    verbose_name = "Trust centre content"

    def ready(self):
        sections.add_workbench(
            "content_staff:home",
            title=_("Trust centre content"),
            description=_("Overview, certifications, controls and FAQ of the public trust centre."),
            roles=("trust_admin",),
            order=60,
        )

    def seed_demo(self, stdout):
        """Overview, certification, controls, FAQ, NDA and documents at each access level;
        idempotent (what exists is left as it is)."""
        from trustcentre.content.demo import seed

        seed(stdout)
