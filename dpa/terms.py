"""What the core and other apps read of an organisation's agreement in force
(settings.AGREEMENT_TERMS_PROVIDER names `agreement_terms`)."""

from django.utils.translation import gettext as _

from dpa.selectors import agreement_in_force
from trustcentre.accounts.agreements import AgreementTerms


def agreement_terms(organisation) -> AgreementTerms | None:
    """The terms of the executed or uploaded agreement in force. An online agreement counts
    the objection window of the version it signed; a negotiated one its own."""
    agreement = agreement_in_force(organisation)
    if agreement is None:
        return None
    if agreement.version_id is not None and agreement.kind == agreement.Kind.ONLINE:
        label = _("%(title)s, version %(number)s") % {
            "title": agreement.version.title,
            "number": agreement.version.number,
        }
        window = agreement.version.objection_window_days
    else:
        label = str(agreement.get_kind_display())
        window = agreement.objection_window_days
    return AgreementTerms(
        label=label,
        effective_date=agreement.effective_date,
        objection_window_days=window,
        notices_email=agreement.notices_email,
    )
