from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class AccountsConfig(AppConfig):
    name = "trustcentre.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        from trustcentre.accounts import checks, receivers  # noqa: F401

        sections.add_workbench(
            "staff_organisations:list",
            title=_("Organisations"),
            description=_("Customers and prospects, their members, domains and contract terms."),
            roles=("legal", "trust_admin", "dpo"),
            order=10,
        )
