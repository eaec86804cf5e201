from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class DocumentsConfig(AppConfig):
    name = "trustcentre.documents"
    label = "documents"
    verbose_name = "Documents and access"

    def ready(self):
        sections.add_portal_section(
            "documents_portal:access_request_list",
            title=_("Document access"),
            description=_(
                "Your requests for security documents, the access granted and your NDAs."
            ),
            audience="all",
            order=20,
        )
        sections.add_portal_section(
            "documents_portal:questionnaire_list",
            title=_("Security questionnaires"),
            description=_("Send us your questionnaire and follow its answer."),
            audience="all",
            order=30,
        )
        sections.add_workbench(
            "documents_staff:access_request_list",
            title=_("Access requests"),
            description=_(
                "Prospects asking for gated documents: review, approve with a grant length, or "
                "reject."
            ),
            roles=("legal", "trust_admin"),
            order=30,
        )
        sections.add_workbench(
            "documents_staff:document_list",
            title=_("Documents"),
            description=_("The document library: versions, access levels, NDAs and review dates."),
            roles=("trust_admin", "legal"),
            order=40,
        )
        sections.add_workbench(
            "documents_staff:questionnaire_list",
            title=_("Security questionnaires"),
            description=_(
                "Questionnaires customers and prospects sent: assign, answer and deliver."
            ),
            roles=("legal", "trust_admin"),
            order=50,
        )
