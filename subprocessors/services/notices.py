"""Change notices: draft, announce (each customer's deadline, the effective date after the last
one, the emails coalesced into a dispatch, the webhooks), withdraw, and take effect."""

import datetime
import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from subprocessors import terms
from subprocessors.countries import normalise_countries
from subprocessors.models import (
    ChangeNotice,
    CustomerScope,
    ListVersion,
    NoticeOrganisation,
    Objection,
    SubProcessor,
    TransferMechanism,
)
from subprocessors.services.assessments import AssessmentRequired, assessment_required_for
from subprocessors.services.dispatch import attach_to_dispatch
from subprocessors.services.emails import proceed_emails_enqueue
from subprocessors.services.register import list_version_publish
from trustcentre.accounts.models import Organisation
from trustcentre.audit.services import audit_record
from trustcentre.lib.moments import format_moment
from trustcentre.notifications.models import WebhookEvent
from trustcentre.notifications.webhooks import webhook_publish
from trustcentre.pages.public_cache import public_content_changed

Kind = ChangeNotice.Kind
Status = ChangeNotice.Status
SPStatus = SubProcessor.Status

# What a "change" notice may change, and how each new value is checked.
CHANGEABLE_FIELDS = (
    "purpose",
    "services",
    "data_categories",
    "countries",
    "transfer_mechanism",
    "transfer_mechanism_other",
    "regions",
)


class NoticeStateError(Exception):
    """The notice is not in a state that allows this step."""


class NotAssessed(NoticeStateError, AssessmentRequired):
    """The sub-processor a notice adds has no completed assessment."""


def _clean_changes(changes: dict) -> dict:
    cleaned = {}
    for name, value in (changes or {}).items():
        if name not in CHANGEABLE_FIELDS:
            raise ValidationError(
                {
                    "proposed_changes": _("%(field)s cannot be changed by a notice.")
                    % {"field": name}
                }
            )
        if name == "countries":
            try:
                value = normalise_countries(value)
            except ValidationError as error:
                raise ValidationError({"proposed_changes": error.messages}) from error
        if name == "transfer_mechanism" and value not in TransferMechanism.values:
            raise ValidationError({"proposed_changes": _("Unknown transfer mechanism.")})
        if value in ("", [], None):
            continue
        cleaned[name] = value
    if not cleaned:
        raise ValidationError({"proposed_changes": _("Say what changes: at least one new value.")})
    return cleaned


def notice_create(
    *,
    kind: str,
    subprocessor: SubProcessor,
    summary: str,
    reason: str,
    replaces: SubProcessor | None = None,
    proposed_changes: dict | None = None,
    user=None,
    request=None,
) -> ChangeNotice:
    """A draft notice. The sub-processor must be in the state the kind needs."""
    errors = {}
    if kind in (Kind.ADD, Kind.REPLACE) and subprocessor.status != SPStatus.PROPOSED:
        errors["subprocessor"] = [
            _("Add or replace with a sub-processor that is not yet in use (proposed).")
        ]
    if kind in (Kind.REMOVE, Kind.CHANGE) and subprocessor.status != SPStatus.ACTIVE:
        errors["subprocessor"] = [_("Only an active sub-processor can be removed or changed.")]
    if kind == Kind.REPLACE and (replaces is None or replaces.status != SPStatus.ACTIVE):
        errors["replaces"] = [_("Name the active sub-processor that is replaced.")]
    if not summary.strip():
        errors["summary"] = [_("Give the notice a one-line summary.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the change.")]
    changes = {}
    if kind == Kind.CHANGE:
        try:
            changes = _clean_changes(proposed_changes or {})
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        notice = ChangeNotice.objects.create(
            kind=kind,
            subprocessor=subprocessor,
            replaces=replaces if kind == Kind.REPLACE else None,
            proposed_changes=changes,
            summary=summary.strip(),
            reason=reason.strip(),
            created_by=user if getattr(user, "pk", None) else None,
        )
        audit_record(
            action="subprocessor.notice_created",
            actor=user,
            obj=notice,
            request=request,
            details={"kind": kind},
        )
    return notice


def _concerned_organisations(notice: ChangeNotice) -> list[Organisation]:
    """Customers whose list this notice changes (a replacement concerns the old one's users)."""
    subject = notice.replaces if notice.kind == Kind.REPLACE else notice.subprocessor
    scopes = {s.organisation_id: s for s in CustomerScope.objects.all()}
    customers = Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER).order_by("name")
    return [
        o
        for o in customers
        if subject.applies_to(scopes.get(o.pk)) or notice.subprocessor.applies_to(scopes.get(o.pk))
    ]


def _date(value: datetime.date) -> str:
    return format_moment(value)


def notice_announce(
    *, notice: ChangeNotice, effective_date: datetime.date, user=None, request=None, now=None
) -> ChangeNotice:
    """Announce a draft: each concerned customer gets its own deadline (its DPA's window); the
    effective date may not be before the day after the last of them."""
    now = now or timezone.now()
    with transaction.atomic():
        notice = ChangeNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != Status.DRAFT:
            raise NoticeStateError(_("Only a draft can be announced."))
        try:
            assessment_required_for(notice)
        except AssessmentRequired as refusal:
            raise NotAssessed(str(refusal)) from None
        organisations = _concerned_organisations(notice)
        default_deadline = terms.objection_deadline(
            announced_at=now, window_days=terms.objection_window_for(None)
        )
        rows = []
        for organisation in organisations:
            window = terms.objection_window_for(organisation)
            rows.append(
                NoticeOrganisation(
                    notice=notice,
                    organisation=organisation,
                    window_days=window,
                    objection_deadline=terms.objection_deadline(
                        announced_at=now, window_days=window
                    ),
                )
            )
        latest = max([default_deadline, *(row.objection_deadline for row in rows)])
        earliest = terms.earliest_effective_date(latest)
        if effective_date is None or effective_date < earliest:
            raise ValidationError(
                {
                    "effective_date": _(
                        "The change cannot take effect before %(earliest)s: the last objection "
                        "deadline is %(deadline)s."
                    )
                    % {
                        "earliest": _date(earliest),
                        "deadline": _date(latest.astimezone(latest.tzinfo).date()),
                    }
                }
            )
        NoticeOrganisation.objects.bulk_create(rows)
        notice.status = Status.ANNOUNCED
        notice.announced_at = now
        notice.announced_by = user if getattr(user, "pk", None) else None
        notice.objection_deadline = default_deadline
        notice.latest_deadline = latest
        notice.effective_at = terms.effective_at_for(effective_date)
        notice.save(
            update_fields=[
                "status",
                "announced_at",
                "announced_by",
                "objection_deadline",
                "latest_deadline",
                "effective_at",
            ]
        )
        if notice.subprocessor.status == SPStatus.PROPOSED:
            pass  # it joins the list when the notice takes effect
        public_content_changed()
        audit_record(
            action="subprocessor.notice_announced",
            actor=user,
            obj=notice,
            request=request,
            details={
                "kind": notice.kind,
                "effective_at": notice.effective_at.isoformat(),
                "latest_deadline": latest.isoformat(),
                "organisations": len(rows),
            },
        )
        attach_to_dispatch(notice=notice, now=now)
        for row in rows:
            webhook_publish(
                event_type=WebhookEvent.SUBPROCESSOR_CHANGE_ANNOUNCED,
                data=notice_webhook_data(notice, deadline=row.objection_deadline),
                cause=f"subprocessor-notice-announced:{notice.public_id}",
                organisation=row.organisation,
            )
    return notice


def _utc(value) -> str | None:
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z") if value else None


def notice_webhook_data(notice: ChangeNotice, *, deadline=None) -> dict:
    """The event's data: times in UTC (ISO 8601); the deadline is the receiving customer's."""
    return {
        "id": str(notice.public_id),
        "kind": notice.kind,
        "summary": notice.summary,
        "subprocessor": {
            "id": str(notice.subprocessor.public_id),
            "name": notice.subprocessor.name,
        },
        "replaces": (
            {"id": str(notice.replaces.public_id), "name": notice.replaces.name}
            if notice.replaces
            else None
        ),
        "announced_at": _utc(notice.announced_at),
        "objection_deadline": _utc(deadline or notice.objection_deadline),
        "effective_at": _utc(notice.effective_at),
        # The provider's calendar day: the UTC instant of its midnight is on the day before.
        "effective_date": notice.effective_day.isoformat() if notice.effective_at else None,
        "status": notice.status,
    }


def notice_withdraw(*, notice: ChangeNotice, reason: str, user=None, request=None) -> ChangeNotice:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the notice is withdrawn.")]})
    with transaction.atomic():
        notice = ChangeNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.status not in (Status.DRAFT, Status.ANNOUNCED):
            raise NoticeStateError(_("Only a draft or an announced notice can be withdrawn."))
        notice.status = Status.WITHDRAWN
        notice.withdrawn_at = timezone.now()
        notice.withdrawal_reason = reason.strip()
        notice.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
        public_content_changed()
        audit_record(
            action="subprocessor.notice_withdrawn", actor=user, obj=notice, request=request
        )
    return notice


def _apply(notice: ChangeNotice, now) -> None:
    subject = notice.subprocessor
    if notice.kind in (Kind.ADD, Kind.REPLACE):
        subject.status = SPStatus.ACTIVE
    elif notice.kind == Kind.REMOVE:
        subject.status = SPStatus.RETIRED
    elif notice.kind == Kind.CHANGE:
        # Kept so the notice can still say "before → after" once the register has moved on.
        notice.previous_values = {
            name: getattr(subject, name)
            for name in [*notice.proposed_changes, "transfer_mechanism_other"]
        }
        for name, value in notice.proposed_changes.items():
            setattr(subject, name, value)
    subject.updated_at = now
    subject.full_clean()
    subject.save()
    if notice.kind == Kind.REPLACE and notice.replaces_id:
        SubProcessor.objects.filter(pk=notice.replaces_id).update(
            status=SPStatus.RETIRED, updated_at=now
        )


def _open_objections(notice: ChangeNotice):
    return Objection.objects.filter(notice=notice, status=Objection.Status.OPEN)


def _take_effect(notice: ChangeNotice, now) -> ListVersion:
    """Apply the locked, due notice and publish the next list version (inside the caller's
    transaction)."""
    _apply(notice, now)
    scheduled = notice.effective_day
    today = timezone.localtime(now, zoneinfo.ZoneInfo(terms.deadline_zone_name())).date()
    if today > scheduled:
        # Held past its date (or the beat was down): the list changes today, so today is the
        # day every page, email and the list version name.
        notice.effective_at = terms.effective_at_for(today)
    notice.status = Status.EFFECTIVE
    notice.became_effective_at = now
    notice.save(update_fields=["status", "became_effective_at", "effective_at", "previous_values"])
    version = list_version_publish(notice=notice, now=now)
    public_content_changed()
    audit_record(
        action="subprocessor.notice_effective",
        obj=notice,
        details={
            "list_version": version.number,
            "scheduled_for": scheduled.isoformat(),
            "effective_on": notice.effective_day.isoformat(),
            "despite_open_objections": notice.proceeded_at is not None,
        },
    )
    not_applied = set(
        Objection.objects.filter(
            notice=notice, resolution=Objection.Resolution.NOT_APPLIED
        ).values_list("organisation_id", flat=True)
    )
    for row in notice.recipients.select_related("organisation"):
        webhook_publish(
            event_type=WebhookEvent.SUBPROCESSOR_CHANGE_EFFECTIVE,
            data={
                **notice_webhook_data(notice, deadline=row.objection_deadline),
                "list_version": version.number,
                # Legal agreed with this customer that the change does not apply to it.
                "applies_to_you": row.organisation_id not in not_applied,
            },
            cause=f"subprocessor-notice-effective:{notice.public_id}",
            organisation=row.organisation,
        )
    return version


def notice_make_effective(*, notice: ChangeNotice, now=None) -> bool:
    """Apply an announced notice whose date has come, and publish the next list version. Safe
    to run twice: only the run that moves the status does anything.

    Art. 28(2) and (4) GDPR: an objection raised in time holds the change. While any objection
    is open (and legal has not decided to proceed despite it) the notice stays announced, held;
    the first run that finds it so records since when, once."""
    now = now or timezone.now()
    with transaction.atomic():
        notice = (
            ChangeNotice.objects.select_for_update(of=("self",))
            .select_related("subprocessor", "replaces")
            .get(pk=notice.pk)
        )
        if notice.status != Status.ANNOUNCED or notice.effective_at > now:
            return False
        if notice.proceeded_at is None:
            open_count = _open_objections(notice).count()
            if open_count:
                if notice.held_since is None:
                    notice.held_since = now
                    notice.save(update_fields=["held_since"])
                    audit_record(
                        action="subprocessor.notice_held",
                        obj=notice,
                        details={"open_objections": open_count},
                    )
                return False
        _take_effect(notice, now)
    return True


def notices_make_due_effective(*, now=None) -> int:
    now = now or timezone.now()
    due = ChangeNotice.objects.filter(status=Status.ANNOUNCED, effective_at__lte=now).order_by(
        "effective_at", "pk"
    )
    return sum(1 for notice in due if notice_make_effective(notice=notice, now=now))


def notice_proceed_despite_objections(
    *, notice: ChangeNotice, user, reason: str, request=None, now=None
) -> ChangeNotice:
    """Legal's decision that a held change proceeds although objections are still open: the
    change takes effect now (a new list version), each objecting customer's admins are told
    the decision, the reason and the remedy their DPA gives, and the decision is audited.

    Art. 28(2) and (4) GDPR give the customer the opportunity to object, not a veto: the
    processor may go ahead, and the customer's remedy is the one its DPA gives (here: to
    terminate the services the sub-processor supports). The open objections stay open, so
    legal can still record how each ends."""
    now = now or timezone.now()
    if not (getattr(user, "is_superuser", False) or "legal" in getattr(user, "staff_roles", ())):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Say why the change proceeds despite the open objections.")]}
        )
    with transaction.atomic():
        notice = (
            ChangeNotice.objects.select_for_update(of=("self",))
            .select_related("subprocessor", "replaces")
            .get(pk=notice.pk)
        )
        if notice.status != Status.ANNOUNCED:
            raise NoticeStateError(_("Only an announced change can proceed."))
        if notice.effective_at > now:
            raise NoticeStateError(
                _(
                    "This change takes effect on %(date)s: until then, resolve the objections. "
                    "A decision to proceed despite them is taken once the date has come."
                )
                % {"date": _date(notice.effective_day)}
            )
        objections = list(_open_objections(notice).select_related("organisation", "raised_by"))
        if not objections:
            raise NoticeStateError(
                _("No objection is open: the change takes effect without a decision.")
            )
        notice.proceeded_at = now
        notice.proceeded_by = user
        notice.proceed_reason = reason
        notice.save(update_fields=["proceeded_at", "proceeded_by", "proceed_reason"])
        public_content_changed()
        audit_record(
            action="subprocessor.notice_proceeded",
            actor=user,
            obj=notice,
            request=request,
            details={
                "reason": reason,
                "open_objections": [str(o.public_id) for o in objections],
                "organisations": [o.organisation.slug for o in objections],
            },
        )
        version = _take_effect(notice, now)
        for objection in objections:
            proceed_emails_enqueue(notice=notice, objection=objection, version=version)
    return notice


def notice_acknowledge(*, row: NoticeOrganisation, user, request=None) -> NoticeOrganisation:
    if row.acknowledged_at is not None:
        return row
    with transaction.atomic():
        row.acknowledged_at = timezone.now()
        row.acknowledged_by = user
        row.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(
            action="subprocessor.notice_acknowledged",
            actor=user,
            obj=row.notice,
            organisation=row.organisation,
            request=request,
        )
    return row
