"""Objections: a customer admin objects within the customer's window; legal resolves each."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from subprocessors import terms
from subprocessors.models import ChangeNotice, NoticeOrganisation, Objection, ObjectionReply
from subprocessors.services.emails import objection_page_url, objection_people
from subprocessors.services.notices import notice_make_effective
from trustcentre.accounts.permissions import is_organisation_admin
from trustcentre.audit.services import audit_record
from trustcentre.lib.moments import format_moment
from trustcentre.notifications.services import email_enqueue
from trustcentre.pages.public_cache import public_content_changed

GROUNDS_MAX_LENGTH = 5000


class ObjectionTooLate(Exception):
    def __init__(self, deadline):
        super().__init__(deadline.isoformat())
        self.deadline = deadline

    @property
    def message(self) -> str:
        """The refusal in words, with the deadline as the provider's seat counts it (the page,
        the API and the emails name the same day and hour)."""
        return _("Too late: the objection window for your organisation closed on %(deadline)s.") % {
            "deadline": format_moment(self.deadline)
        }


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
            public_content_changed()
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


def objection_reply(*, objection: Objection, text: str, user, request=None) -> ObjectionReply:
    """Legal answers an open objection without resolving it (a question, an offer); the
    customer's admins and whoever raised it get the reply by email."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the reply to the customer.")]})
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("notice", "organisation")
            .get(pk=objection.pk)
        )
        if objection.status != Objection.Status.OPEN:
            raise ValidationError(_("This objection is already resolved; its notes were sent."))
        reply = ObjectionReply.objects.create(objection=objection, text=text, sent_by=user)
        audit_record(
            action="subprocessor.objection_replied",
            actor=user,
            obj=objection,
            organisation=objection.organisation,
            request=request,
            details={"reply": str(reply.public_id), "notice": str(objection.notice.public_id)},
        )
        url = objection_page_url(objection)
        for email, person in sorted(objection_people(objection).items()):
            email_enqueue(
                to=email,
                recipient=person,
                organisation=objection.organisation,
                template="subprocessors/objection_reply",
                context={
                    "name": person.full_name or email,
                    "organisation_name": objection.organisation.name,
                    "notice": objection.notice,
                    "text": text,
                    "url": url,
                },
                cause=f"subprocessor-objection-reply:{reply.public_id}",
            )
    return reply


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
        # The notice first: two legal users resolving its last two objections at once must not
        # each see the other's as still open, and leave a due change waiting for the beat.
        ChangeNotice.objects.select_for_update().filter(pk=objection.notice_id).first()
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
        public_content_changed()
        audit_record(
            action="subprocessor.objection_resolved",
            actor=user,
            obj=objection,
            organisation=objection.organisation,
            request=request,
            details={"resolution": resolution, "notice": str(objection.notice.public_id)},
        )
        people = objection_people(objection)
        url = objection_page_url(objection)
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
        # A held change whose last objection is now resolved takes effect at once: its date
        # has passed, and nothing holds it any more.
        notice_make_effective(notice=objection.notice)
    return objection
