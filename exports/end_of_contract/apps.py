from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class EndOfContractConfig(AppConfig):
    name = "exports.end_of_contract"
    label = "end_of_contract"
    verbose_name = "End of contract"

    def ready(self):
        sections.add_portal_section(
            "end_of_contract:home",
            title=_("Leaving"),
            description=_(
                "At the end of the contract: return of your data, switching provider, deletion."
            ),
            audience="customer",
            order=60,
        )
        sections.add_workbench(
            "end_of_contract_staff:case_list",
            title=_("End of contract"),
            description=_(
                "Return, switching and deletion cases, their periods, legal holds and certificates."
            ),
            roles=("legal",),
            order=90,
        )

    def seed_demo(self, stdout):
        """One demo case in progress: the demo customer whose contract has ended, with its
        admin's choice (return, then deletion) recorded. Nothing is erased; once only."""
        from exports.end_of_contract.demo import seed_demo  # models are not loaded when apps.py is

        seed_demo(stdout)
