from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "dpa.audits"
    label = "audits"
    verbose_name = "Audit and information requests"

    def workbench_notes(self, user):
        """The staff home's card: how many requests await an answer, and how many are late."""
        from django.utils.translation import ngettext

        from dpa.audits.selectors import open_counts
        from trustcentre.accounts.permissions import has_staff_role

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
