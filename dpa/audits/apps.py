from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class AuditsConfig(AppConfig):
    name = "dpa.audits"
    label = "audits"
    verbose_name = "Audit and information requests"

    def ready(self):
        sections.add_portal_section(
            "audits_portal:request_list",
            title=_("Audits and information requests"),
            description=_(
                "Ask us for an audit or for information under your DPA, and follow the answer."
            ),
            audience="customer",
            order=85,
        )
        sections.add_workbench(
            "audits_staff:request_list",
            title=_("Audit and information requests"),
            description=_(
                "Customers' requests under their DPA: triage, answer or schedule, by the due date."
            ),
            roles=("legal",),
            order=115,
        )

    def seed_demo(self, stdout):
        from dpa.audits.demo import seed_demo  # models are not loaded when apps.py is

        seed_demo(stdout)

    def workbench_notes(self, user):
        """The staff home's card: how many requests await an answer, and how many are late."""
        from django.utils.translation import ngettext

        from dpa.audits.selectors import open_counts
        from trustcentre.accounts.permissions import has_staff_role  # models load after apps.py

        if not has_staff_role(user, "legal"):
            return {}
        counts = open_counts()
        notes = []
        if counts["open"]:
            notes.append(
                ngettext(
                    "%(count)s request awaits an answer.",
                    "%(count)s requests await an answer.",
                    counts["open"],
                )
                % {"count": counts["open"]}
            )
        if counts["overdue"]:
            notes.append(
                ngettext(
                    "%(count)s is past its due date.",
                    "%(count)s are past their due date.",
                    counts["overdue"],
                )
                % {"count": counts["overdue"]}
            )
        return {"audits_staff:request_list": notes} if notes else {}
