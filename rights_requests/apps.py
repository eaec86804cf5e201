from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class RightsRequestsConfig(AppConfig):
    name = "rights_requests"
    label = "rights_requests"
    verbose_name = "Rights requests"

    def ready(self):
        sections.add_portal_section(
            "rights_requests_portal:referral_list",
            title=_("Privacy requests about your data"),
            description=_(
                "Data subjects' requests we received about your data: tell us how to handle them."
            ),
            audience="customer",
            order=50,
        )
        sections.add_workbench(
            "rights_requests_staff:request_list",
            title=_("Rights requests"),
            description=_(
                "Data-subject requests with their legal deadlines, verification and fulfilment."
            ),
            roles=("dpo",),
            order=80,
        )
        sections.add_public_link("rights_request", "rights_requests:new")

    def seed_demo(self, stdout):
        """A handful of requests in various states and jurisdictions, some close to their
        deadline, one paused, one extended; once (skipped when demo requests exist)."""
        from rights_requests.demo import seed_demo  # models are not loaded when apps.py is

        seed_demo(stdout)
