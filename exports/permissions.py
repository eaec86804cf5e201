"""Who may export an organisation's data, and the organisations and jobs a person may reach.

| who                                              | export, see exports, download |
|--------------------------------------------------|-------------------------------|
| admin or member of a customer                    | yes                           |
| admin or member of a former customer (retrieval) | yes                           |
| admin or member of a prospect                    | 403 (no customer data)        |
| anyone else, staff included                      | 404 (only one's own organisations) |
| the organisation's API key (customer, former)    | yes, through the API          |

Members export too: the data is the organisation's, and PRODUCT.md lets every user of a
customer retrieve it. Membership is checked at every request, downloads included, so a
removed member's old link stops working at once.
"""

from django.db.models import QuerySet

from exports.models import ExportJob
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.selectors import portal_organisations

EXPORTING_KINDS = (Organisation.Kind.CUSTOMER, Organisation.Kind.FORMER_CUSTOMER)


def organisation_may_export(organisation: Organisation) -> bool:
    return organisation.kind in EXPORTING_KINDS


def export_organisations(*, user) -> QuerySet:
    """The organisations whose data the user may export: their own customer organisations."""
    return portal_organisations(user=user).filter(kind__in=EXPORTING_KINDS)


def exports_visible_to(*, user) -> QuerySet:
    """Export jobs the signed-in user may see and download."""
    return ExportJob.objects.filter(organisation__in=export_organisations(user=user))
