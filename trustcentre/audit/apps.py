from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class AuditConfig(AppConfig):
    name = "trustcentre.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        sections.add_workbench(
            "audit:event_list",
            title=_("Audit log"),
            description=_("Every significant action, hash-chained; filter and export as CSV."),
            roles=("legal", "dpo", "trust_admin"),
            order=20,
        )
