"""Objections: a customer admin objects within the customer's window; legal resolves each."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from subprocessors import terms
from subprocessors.models import ChangeNotice, NoticeOrganisation, Objection
from trustcentre.accounts.models import Membership
from trustcentre.accounts.permissions import is_organisation_admin
from trustcentre.audit.services import audit_record
from trustcentre.notifications.services import email_enqueue

GROUNDS_MAX_LENGTH = 5000


class ObjectionTooLate(Exception):
    def __init__(self, deadline):
        super().__init__(deadline.isoformat())
        self.deadline = deadline


class ObjectionClosed(Exception):
    """The notice is not open for objections (withdrawn, already effective)."""


class AlreadyObjected(Exception):
    def __init__(self, objection: Objection):
        super().__init__(str(objection.public_id))
        self.objection = objection


class NotAnAdmin(Exception):
    pass


def notice_row_for(notice: ChangeNotice, organisation) -> NoticeOrganisation | None:
    return NoticeOrganisation.objects.filter(notice=notice, organisation=organisation).first()


def objection_raise(
    *,
    notice: ChangeNotice,
    organisation,
    grounds: str,
    user=None,
    api_client=None,
    request=None,
    now=None,
) -> Objection:
    """Raise an objection. The caller has found the notice among those sent to the organisation
    (else it is a 404). Raises NotAnAdmin, ValidationError (empty grounds), ObjectionClosed,
    ObjectionTooLate (with this customer's deadline) or AlreadyObjected."""
    now = now or timezone.now()
    if api_client is None and not is_organisation_admin(user, organisation):
        raise NotAnAdmin
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError(
            {"grounds": [_("State the data-protection grounds of the objection.")]}
        )
    if len(grounds) > GROUNDS_MAX_LENGTH:
        raise ValidationError(
            {"grounds": [_("Keep the grounds under %(n)d characters.") % {"n": GROUNDS_MAX_LENGTH}]}
        )
    row = notice_row_for(notice, organisation)
    if row is None:
        raise ObjectionClosed
    if notice.status != ChangeNotice.Status.ANNOUNCED:
        raise ObjectionClosed
    if not terms.objection_in_time(deadline=row.objection_deadline, at=now):
        raise ObjectionTooLate(row.objection_deadline)
    existing = Objection.objects.filter(notice=notice, organisation=organisation).first()
    if existing is not None:
        raise AlreadyObjected(existing)
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                notice=notice,
                organisation=organisation,
                raised_by=user if api_client is None else None,
                api_key=getattr(api_client, "api_key", None),
                grounds=grounds,
                created_at=now,
            )
            audit_record(
                action="subprocessor.objection_raised",
                actor=api_client or user,
                obj=objection,
                organisation=organisation,
                request=request,
                details={"notice": str(notice.public_id), "via": "api" if api_client else "portal"},
            )
    except IntegrityError:
        raise AlreadyObjected(
            Objection.objects.get(notice=notice, organisation=organisation)
        ) from None
    return objection


def objection_resolve(
    *, objection: Objection, resolution: str, notes: str, user, request=None
) -> Objection:
    """Record legal's resolution and tell the customer's admins (and whoever raised it)."""
    if resolution not in Objection.Resolution.values:
        raise ValidationError({"resolution": [_("Choose how the objection was resolved.")]})
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": [_("Add a note for the customer explaining the outcome.")]})
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("notice", "organisation")
            .get(pk=objection.pk)
        )
        if objection.status != Objection.Status.OPEN:
            raise ValidationError(_("This objection is already resolved."))
        objection.status = Objection.Status.RESOLVED
        objection.resolution = resolution
        objection.resolution_notes = notes
        objection.resolved_by = user
        objection.resolved_at = timezone.now()
        objection.save(
            update_fields=["status", "resolution", "resolution_notes", "resolved_by", "resolved_at"]
        )
        audit_record(
            action="subprocessor.objection_resolved",
            actor=user,
            obj=objection,
            organisation=objection.organisation,
            request=request,
            details={"resolution": resolution, "notice": str(objection.notice.public_id)},
        )
        people = {
            m.user.email.lower(): m.user
            for m in Membership.objects.filter(
                organisation=objection.organisation, role=Membership.Role.ADMIN
            ).select_related("user")
        }
        if objection.raised_by is not None:
            people.setdefault(objection.raised_by.email.lower(), objection.raised_by)
        url = settings.SITE_URL + reverse(
            "subprocessors_portal:notice",
            kwargs={"slug": objection.organisation.slug, "public_id": objection.notice.public_id},
        )
        for email, person in sorted(people.items()):
            email_enqueue(
                to=email,
                recipient=person,
                organisation=objection.organisation,
                template="subprocessors/objection_resolved",
                context={
                    "name": person.full_name or email,
                    "organisation_name": objection.organisation.name,
                    "notice": objection.notice,
                    "resolution": objection.get_resolution_display(),
                    "notes": notes,
                    "url": url,
                },
                cause=f"subprocessor-objection-resolved:{objection.public_id}",
            )
    return objection
