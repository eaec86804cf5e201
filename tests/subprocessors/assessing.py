"""Recording a sub-processor's assessment in a test, as legal would before announcing it."""

from django.utils import timezone

from subprocessors import services
from trustcentre.accounts.models import User

AREAS = {
    "security_controls": "ISO 27001 controls in place; pen test reviewed.",
    "data_protection_terms": "Art. 28(3) terms flowed down in the signed DPA.",
    "transfer_mechanism": "EU SCCs module 3 with a transfer impact assessment.",
    "certifications": "ISO/IEC 27001:2022, valid until 2028.",
    "resilience": "Two regions, daily backups, tested restore.",
}


def assess(subprocessor, *, assessor=None, result="approved", **overrides):
    if assessor is None:
        from tests.conftest import make_user

        assessor = User.objects.filter(email="assessor@northwind.example").first() or make_user(
            "assessor@northwind.example", roles=("legal",)
        )
    values = {"assessed_on": timezone.localdate(), "result": result, **AREAS, **overrides}
    return services.assessment_record(subprocessor=subprocessor, assessor=assessor, **values)
