from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class SsoConfig(AppConfig):
    name = "trustcentre.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self):
        from trustcentre.sso import receivers  # noqa: F401

        sections.add_workbench(
            "sso_staff:home",
            title=_("Single sign-on"),
            description=_(
                "Organisations' OpenID Connect identity providers and the domains sent to them."
            ),
            roles=("trust_admin", "legal"),
            order=120,
        )
