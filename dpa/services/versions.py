"""DPA versions: legal drafts them, previews them as the PDF, and publishes them; publishing
freezes the version and tells subscribers and every customer admin, in one transaction."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dpa.body import body_problems, has_unsafe_html
from dpa.documents import document_html, preview_snapshot
from dpa.models import DpaVersion
from dpa.services.errors import DpaRefused, NotAllowed, TemplateRefused
from subprocessors.models import Topic
from subprocessors.services.subscriptions import subscribers_for, subscription_email_enqueue
from trustcentre.accounts.models import Membership, Organisation
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.audit.services import audit_record, fields_update_audited
from trustcentre.lib.pdf import html_to_pdf
from trustcentre.notifications.models import WebhookEvent
from trustcentre.notifications.services import email_enqueue
from trustcentre.notifications.webhooks import webhook_publish


def _require_legal(user, request=None, *, action: str) -> None:
    if not has_staff_role(user, "legal"):
        audit_record(
            action="authz.denied",
            actor=user,
            request=request,
            object_type="dpa.dpaversion",
            details={"reason": f"{action} without the legal role"},
        )
        raise NotAllowed(_("Only legal can change DPA versions."))


def version_body_check(body: str, *, user, request, version=None) -> None:
    """Refuse a body with unknown placeholders or unsafe HTML. Unsafe HTML is a security
    event: audited (in its own transaction, so the record stays though nothing is saved)."""
    problems = body_problems(body)
    if not problems:
        return
    if has_unsafe_html(body):
        audit_record(
            action="dpa.template_refused",
            actor=user,
            request=request,
            obj=version,
            object_type="dpa.dpaversion",
            details={"reason": "unsafe HTML in the body", "problems": len(problems)},
        )
    raise TemplateRefused(problems)


def version_create(*, user, data: dict, request=None) -> DpaVersion:
    _require_legal(user, request, action="draft a DPA version")
    version_body_check(data.get("body", ""), user=user, request=request)
    with transaction.atomic():
        version = DpaVersion(created_by=user)
        for field in DpaVersion.EDITABLE_FIELDS:
            if field in data:
                setattr(version, field, data[field])
        version.full_clean()
        version.save()
        audit_record(action="dpa.version_drafted", actor=user, obj=version, request=request)
    return version


def version_update(*, version: DpaVersion, user, data: dict, request=None) -> DpaVersion:
    _require_legal(user, request, action="edit a DPA version")
    if version.is_published:
        audit_record(
            action="dpa.change_refused",
            actor=user,
            obj=version,
            request=request,
            details={"reason": "published version is frozen", "number": version.number},
        )
        raise DpaRefused(_("This version is published and can no longer be changed."))
    version_body_check(data.get("body", version.body), user=user, request=request, version=version)
    with transaction.atomic():
        version = DpaVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_published:
            raise DpaRefused(_("This version is published and can no longer be changed."))
        fields_update_audited(
            obj=version,
            values={f: data[f] for f in DpaVersion.EDITABLE_FIELDS if f in data},
            action="dpa.version_edited",
            actor=user,
            request=request,
        )
    return version


def version_preview_pdf(version: DpaVersion) -> bytes:
    """The version as the PDF a customer would sign today, with blanks for their details."""
    html = document_html(body=version.body, snapshot=preview_snapshot(version), draft=True)
    return html_to_pdf(html)


def _customer_admins():
    return (
        Membership.objects.filter(
            role=Membership.Role.ADMIN,
            organisation__kind=Organisation.Kind.CUSTOMER,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("user__email", "organisation__name")
    )


def _notify_published(version: DpaVersion) -> int:
    cause = f"dpa-version-published:{version.public_id}"
    context = {
        "version": version,
        "number": version.number,
        "summary": version.summary_of_changes,
        "portal_url": settings.SITE_URL + reverse("dpa_portal:home"),
    }
    sent = set()
    for subscription in subscribers_for(Topic.DPA_UPDATES):
        subscription_email_enqueue(
            subscription=subscription,
            template="dpa/version_published",
            context={**context, "name": "", "is_admin": False},
            cause=cause,
        )
        sent.add(subscription.email.lower())
    for membership in _customer_admins():
        user = membership.user
        if user.email.lower() in sent:
            continue
        email_enqueue(
            to=user.email,
            template="dpa/version_published",
            context={
                **context,
                "name": user.full_name or user.email,
                "is_admin": True,
                "organisation_name": membership.organisation.name,
            },
            cause=cause,
            recipient=user,
            organisation=membership.organisation,
        )
        sent.add(user.email.lower())
    webhook_publish(
        event_type=WebhookEvent.DPA_VERSION_PUBLISHED,
        data={
            "version": version.number,
            "id": str(version.public_id),
            "published_at": version.published_at,
            "summary_of_changes": version.summary_of_changes,
        },
        cause=cause,
    )
    return len(sent)


def version_publish(*, version: DpaVersion, user, request=None) -> DpaVersion:
    """Freeze the draft as the next numbered version and write the notices to the outbox."""
    _require_legal(user, request, action="publish a DPA version")
    if not version.summary_of_changes.strip():
        raise DpaRefused(_("Write a summary of the changes first: it goes to every customer."))
    version_body_check(version.body, user=user, request=request, version=version)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                locked = DpaVersion.objects.select_for_update().get(pk=version.pk)
                if locked.is_published:
                    raise DpaRefused(_("This version is already published."))
                number = (DpaVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
                # The update goes through the queryset: save() refuses to touch a published
                # row, and this is the one write that makes it published.
                now = timezone.now()
                DpaVersion.objects.filter(pk=locked.pk, status=DpaVersion.Status.DRAFT).update(
                    status=DpaVersion.Status.PUBLISHED,
                    number=number,
                    published_at=now,
                    published_by=user,
                )
                locked.refresh_from_db()
                recipients = _notify_published(locked)
                audit_record(
                    action="dpa.version_published",
                    actor=user,
                    obj=locked,
                    request=request,
                    details={"number": number, "recipients": recipients},
                )
                return locked
        except IntegrityError:  # another publication took the number: take the next
            continue
    raise DpaRefused(_("The version could not be numbered; try again."))
