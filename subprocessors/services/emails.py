"""The email telling an objecting customer that a change proceeds despite its objection."""

from django.conf import settings
from django.urls import reverse

from subprocessors.models import ChangeNotice, ListVersion, Objection
from trustcentre.accounts.agreements import agreement_terms
from trustcentre.accounts.models import Membership
from trustcentre.lib.moments import format_moment
from trustcentre.notifications.services import email_enqueue


def objection_people(objection: Objection) -> dict:
    """Who hears about an objection: the customer's admins, and whoever raised it."""
    people = {
        m.user.email.lower(): m.user
        for m in Membership.objects.filter(
            organisation=objection.organisation, role=Membership.Role.ADMIN
        ).select_related("user")
    }
    if objection.raised_by is not None:
        people.setdefault(objection.raised_by.email.lower(), objection.raised_by)
    return people


def objection_page_url(objection: Objection) -> str:
    return settings.SITE_URL + reverse(
        "subprocessors_portal:notice",
        kwargs={"slug": objection.organisation.slug, "public_id": objection.notice.public_id},
    )


def dpa_remedy(notice: ChangeNotice, organisation) -> dict:
    """What the customer's DPA gives it against a change that goes ahead over its objection.
    The DPA records no remedy of its own; its sub-processor clause is the objection right, and
    the remedy is to terminate the services the sub-processor supports."""
    terms = agreement_terms(organisation)
    return {
        "dpa": terms.label if terms else "",
        "dpa_date": format_moment(terms.effective_date) if terms else "",
        "services": ", ".join(notice.subprocessor.services),
    }


def proceed_emails_enqueue(
    *, notice: ChangeNotice, objection: Objection, version: ListVersion
) -> None:
    """One email per person and customer (the cause names both notice and customer), so a
    service that runs again never writes a second one."""
    url = objection_page_url(objection)
    remedy = dpa_remedy(notice, objection.organisation)
    for email, person in sorted(objection_people(objection).items()):
        email_enqueue(
            to=email,
            recipient=person,
            organisation=objection.organisation,
            template="subprocessors/notice_proceeded",
            context={
                "name": person.full_name or email,
                "organisation_name": objection.organisation.name,
                "notice": notice,
                "effective_day": format_moment(notice.effective_day),
                "objected_on": format_moment(objection.created_at, day_only=True),
                "reason": notice.proceed_reason,
                "list_version": version.number,
                "url": url,
                **remedy,
            },
            cause=(
                f"subprocessor-notice-proceeded:{notice.public_id}:"
                f"{objection.organisation.public_id}"
            ),
        )
