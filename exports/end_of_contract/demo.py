"""Demo content of this app, seeded by `manage.py seed_demo` (idempotent)."""

from django.utils import timezone

from exports.end_of_contract import services
from exports.end_of_contract.models import EndOfContractCase
from trustcentre.accounts.models import Membership, Organisation

DEMO_LEAVING_SLUG = "globex-logistics"


def seed_demo(stdout):
    """One demo case in progress: the demo customer whose contract has ended, with its
    admin's choice (return, then deletion) recorded. Nothing is erased; once only."""
    organisation = Organisation.objects.filter(slug=DEMO_LEAVING_SLUG).first()
    if organisation is None or EndOfContractCase.objects.filter(organisation=organisation).exists():
        return
    today = timezone.now().date()
    if organisation.contract_end is None or organisation.contract_end >= today:
        stdout.write(f"No end-of-contract demo: the contract of {organisation.slug} runs on.")
        return
    case = services.case_open_for_contract_end(organisation=organisation, today=today)
    admin = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
        .select_related("user")
        .first()
    )
    if case is not None and admin is not None:
        services.case_choose(
            case=case,
            user=admin.user,
            choice="return_then_delete",
            retrieval_days=45,
            today=today,
        )
        stdout.write(
            f"End-of-contract case {case.reference} for {organisation.slug}: return, then "
            f"deletion; see /portal/leaving/ and /staff/end-of-contract/."
        )
