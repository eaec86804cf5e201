from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class SubprocessorsConfig(AppConfig):
    name = "subprocessors"
    label = "subprocessors"
    verbose_name = "Sub-processors"

    def ready(self):
        sections.add_portal_section(
            "subprocessors_portal:home",
            title=_("Sub-processors"),
            description=_("Changes to our sub-processors, your subscriptions and your objections."),
            audience="all",
            order=40,
        )
        sections.add_workbench(
            "subprocessors_staff:home",
            title=_("Sub-processors"),
            description=_(
                "The register, change notices with their objection windows, and objections."
            ),
            roles=("legal",),
            order=70,
        )
        sections.add_public_link("subprocessors", "subprocessors:list")
        # Assessments come up for review on the trust centre's cadence, reminded with the rest;
        # imported here because models are not loaded when apps.py is.
        from subprocessors.services.assessments import assessment_reviews_due
        from trustcentre.content.services import register_review_source  # see above

        register_review_source(assessment_reviews_due)

    def workbench_notes(self, user) -> dict:
        """For the staff home: the changes held past their date by open objections."""
        from django.utils.translation import ngettext

        from subprocessors import selectors

        if not (user.is_superuser or "legal" in user.staff_roles):
            return {}
        notes = [
            ngettext(
                "Held by %(count)d open objection: %(summary)s",
                "Held by %(count)d open objections: %(summary)s",
                notice.open_objections,
            )
            % {"summary": notice.summary, "count": notice.open_objections}
            for notice in selectors.held_notices()[:5]
        ]
        return {"subprocessors_staff:home": notes} if notes else {}

    def seed_demo(self, stdout):
        """A realistic register, list version 1, one change already effective (version 2), one
        announced change, and subscriptions for the demo customers' admins. Idempotent."""
        from subprocessors.demo import seed_demo  # models are not loaded when apps.py is

        seed_demo(stdout)
