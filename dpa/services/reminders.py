"""Reminding a customer to sign the current DPA version: an email to its admins, at most once
per DPA_REMINDER_INTERVAL_HOURS per organisation."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dpa.models import Reminder
from dpa.selectors import DpaStatus, admins_of, latest_published_version, status_of
from dpa.services.errors import DpaRefused, NotAllowed, ReminderTooSoon
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.audit.services import audit_record
from trustcentre.notifications.services import email_enqueue


def reminder_send(*, organisation: Organisation, user, request=None, now=None) -> Reminder:
    if not has_staff_role(user, "legal"):
        raise NotAllowed(_("Only legal can send reminders to sign the DPA."))
    now = now or timezone.now()
    version = latest_published_version()
    if version is None:
        raise DpaRefused(_("No DPA version is published yet."))
    status = status_of(organisation)
    if status not in DpaStatus.NEEDS_SIGNATURE:
        raise DpaRefused(_("%(name)s has signed the current version.") % {"name": organisation})
    admins = admins_of(organisation)
    if not admins:
        raise DpaRefused(_("%(name)s has no admin to remind.") % {"name": organisation})
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        since = now - timedelta(hours=settings.DPA_REMINDER_INTERVAL_HOURS)
        last = Reminder.objects.filter(organisation=organisation, sent_at__gt=since).first()
        if last is not None:
            raise ReminderTooSoon(
                _("%(name)s was reminded less than %(hours)d hours ago; nothing was sent.")
                % {"name": organisation, "hours": settings.DPA_REMINDER_INTERVAL_HOURS}
            )
        reminder = Reminder.objects.create(
            organisation=organisation,
            version=version,
            sent_by=user,
            sent_at=now,
            recipients=len(admins),
        )
        url = settings.SITE_URL + reverse(
            "dpa_portal:organisation", kwargs={"slug": organisation.slug}
        )
        for admin in admins:
            email_enqueue(
                to=admin.email,
                template="dpa/reminder",
                context={
                    "name": admin.full_name or admin.email,
                    "organisation_name": organisation.name,
                    "number": version.number,
                    "superseded": status == DpaStatus.SUPERSEDED,
                    "sign_url": url,
                },
                cause=f"dpa-reminder:{reminder.pk}",
                recipient=admin,
                organisation=organisation,
            )
        audit_record(
            action="dpa.reminder_sent",
            actor=user,
            obj=reminder,
            organisation=organisation,
            request=request,
            details={"version": version.number, "recipients": len(admins)},
        )
    return reminder
