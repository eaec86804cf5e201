"""Creating and editing organisations (staff)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import can_edit_organisation
from trustcentre.accounts.services._common import FREE_MAIL_DOMAINS, _domain_validator
from trustcentre.audit.services import audit_record


def organisation_clean_domains(domains) -> list[str]:
    """Lower-case, de-duplicate and validate email domains; free-mail domains are refused."""
    cleaned = set()
    errors = []
    for raw in domains:
        domain = raw.strip().lower().lstrip("@").rstrip(".")
        if not domain:
            continue
        try:
            _domain_validator(domain)
            if "." not in domain:
                raise ValidationError("no dot")
        except ValidationError:
            errors.append(
                ValidationError(
                    _("“%(domain)s” is not a domain name such as example.com."),
                    code="invalid_domain",
                    params={"domain": raw.strip()},
                )
            )
            continue
        if domain in FREE_MAIL_DOMAINS:
            errors.append(
                ValidationError(
                    _("“%(domain)s” is a free email service; anyone can have an address there."),
                    code="free_mail_domain",
                    params={"domain": domain},
                )
            )
            continue
        cleaned.add(domain)
    if errors:
        raise ValidationError(errors)
    return sorted(cleaned)


def _check_contract(contract_start: date | None, contract_end: date | None) -> None:
    if contract_start and contract_end and contract_end < contract_start:
        raise ValidationError(
            {"contract_end": _("The contract cannot end before it starts.")}, code="contract_end"
        )


# Words the staff URLs use next to an organisation's slug (/staff/organisations/new/).
RESERVED_SLUGS = frozenset({"new"})


def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    email_domains,
    allow_domain_join: bool,
    contract_start: date | None = None,
    contract_end: date | None = None,
    created_by,
    request=None,
) -> Organisation:
    if not can_edit_organisation(created_by):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the organisation a name.")})
    domains = organisation_clean_domains(email_domains)
    _check_contract(contract_start, contract_end)
    organisation = Organisation.objects.create(
        name=name,
        slug=_free_slug(name),
        kind=kind,
        email_domains=domains,
        allow_domain_join=allow_domain_join,
        contract_start=contract_start,
        contract_end=contract_end,
    )
    audit_record(
        action="organisation.created",
        actor=created_by,
        obj=organisation,
        organisation=organisation,
        request=request,
        details={"kind": kind, "allow_domain_join": allow_domain_join},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    kind: str,
    email_domains,
    allow_domain_join: bool,
    contract_start: date | None,
    contract_end: date | None,
    changed_by,
    request=None,
) -> Organisation:
    """Staff edit what the provider decides about a customer: its kind, the email domains
    whose verified users may join it, and the contract dates."""
    if not can_edit_organisation(changed_by):
        raise PermissionDenied
    if kind not in Organisation.Kind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    _check_contract(contract_start, contract_end)
    new_values = {
        "kind": kind,
        "email_domains": organisation_clean_domains(email_domains),
        "allow_domain_join": bool(allow_domain_join),
        "contract_start": contract_start,
        "contract_end": contract_end,
    }
    changed = [
        field for field, value in new_values.items() if getattr(organisation, field) != value
    ]
    if not changed:
        return organisation
    for field in changed:
        setattr(organisation, field, new_values[field])
    organisation.save(update_fields=changed)
    audit_record(
        action="organisation.updated",
        actor=changed_by,
        obj=organisation,
        organisation=organisation,
        request=request,
        details={"changed": changed},
    )
    return organisation
