"""The response letter (PDF, WeasyPrint) per outcome: what was done and when, what was found,
the legal basis of a refusal, for an access request the information GDPR Art. 15(1) and (2)
require, and how to complain to a supervisory authority."""

from django.conf import settings
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exports.end_of_contract.periods import RETRIEVAL_MIN_DAYS
from exports.sources import all_categories
from rights_requests.models import (
    FulfilmentJob,
    Referral,
    RequestStatus,
    RequestType,
    RightsRequest,
    local_date,
)
from subprocessors.countries import country_names
from subprocessors.models import CustomerScope, SubProcessor
from trustcentre.lib.moments import format_moment
from trustcentre.lib.pdf import template_to_pdf
from trustcentre.pages.models import ProviderProfile

# Where a requester complains, by jurisdiction (GDPR Art. 77; CCPA: the CPPA).
SUPERVISORY_AUTHORITIES = {
    "eu_gdpr": "the data protection supervisory authority of the EU member state where you "
    "live or work, or where you think the infringement took place (GDPR Art. 77); the list is "
    "at https://edpb.europa.eu/about-edpb/about-edpb/members_en",
    "uk_gdpr": "the Information Commissioner's Office (ICO), https://ico.org.uk/make-a-complaint/",
    "us_ccpa": "the California Privacy Protection Agency, https://cppa.ca.gov/, or the "
    "California Attorney General",
    "other": "the data protection authority of the country where you live",
}


def _day(moment) -> str:
    return format_moment(local_date(moment))


def referral_sentence(referral: Referral) -> str:
    """What the customer decided and what we therefore did, in words for the requester
    (never the instruction's internal value or its pending label)."""
    names = {"organisation": referral.organisation.name}
    instruction = referral.instruction
    if instruction == Referral.Instruction.HANDLE_FOR_US:
        return _(
            "%(organisation)s instructed us on %(date)s to act on your request for them, and "
            "what we did below follows that instruction."
        ) % {**names, "date": _day(referral.instructed_at)}
    if instruction == Referral.Instruction.OVERRIDE:
        return _(
            "%(organisation)s confirmed to us outside this portal (%(who)s, %(how)s) that we "
            "should act on your request; our privacy team recorded this on %(date)s, for this "
            "reason: %(reason)s"
        ) % {
            **names,
            "who": referral.override_confirmed_by,
            "how": referral.override_channel,
            "date": _day(referral.override_at),
            "reason": referral.override_reason,
        }
    if instruction == Referral.Instruction.WE_HANDLE:
        return (
            _(
                "%(organisation)s answers your request itself, so we did nothing with the data we "
                "hold for them; please contact them about it."
            )
            % names
        )
    return _(
        "We passed your request to %(organisation)s on %(date)s. They had not instructed us "
        "by the date of this letter, so we have not acted on the data we hold for them."
    ) % {**names, "date": _day(referral.created_at)}


def deadline_sentence(rr: RightsRequest) -> str:
    """The deadline that applies (rr.due_date: the extension and the pauses counted, the same
    date the status page shows), in the tense of the letter's date."""
    due = format_moment(rr.due_date)
    if rr.closed_at is not None:
        answered = _day(rr.closed_at)
        if rr.closed_on_time:
            return _("We answered on %(answered)s, within our deadline of %(due)s.") % {
                "answered": answered,
                "due": due,
            }
        return _(
            "We answered on %(answered)s, after our deadline of %(due)s; we apologise for the "
            "delay."
        ) % {"answered": answered, "due": due}
    if rr.status == RequestStatus.PAUSED:
        return _(
            "Before we asked you our question, our deadline was %(due)s; it moves on by each "
            "day we wait for your answer."
        ) % {"due": due}
    if rr.due_date < local_date(timezone.now(), jurisdiction=rr.jurisdiction):
        return _("Our deadline was %(due)s; we apologise that we have not yet answered.") % {
            "due": due
        }
    return _("We will answer by %(due)s.") % {"due": due}


def _category_names() -> dict[str, str]:
    return {category.id: str(category.name) for category in all_categories()}


def _categories_concerned(rr: RightsRequest, referrals: list[Referral], names) -> list[str]:
    """The kinds of data the request concerns: those records were found in, else those the
    customers instructed us about, else every kind we hold for customers."""
    found = [
        category_id
        for result in rr.results.all()
        for category_id, rows in result.row_counts.items()
        if rows
    ]
    chosen = found or [category for referral in referrals for category in referral.categories]
    ids = list(dict.fromkeys(chosen)) or list(names)
    return [names.get(category_id, category_id) for category_id in ids]


def _recipients(organisations) -> list[dict]:
    """The sub-processors in use for these customers (GDPR Art. 15(1)(c)), with where they
    process the data and the safeguard for a transfer (Art. 15(2))."""
    scopes = {
        scope.organisation_id: scope
        for scope in CustomerScope.objects.filter(organisation__in=organisations)
    }
    listed = list(SubProcessor.objects.listed())
    chosen = [
        subprocessor
        for subprocessor in listed
        if not organisations
        or any(subprocessor.applies_to(scopes.get(o.pk)) for o in organisations)
    ]
    return [
        {
            "name": f"{subprocessor.name} ({subprocessor.legal_entity})",
            "purpose": subprocessor.purpose,
            "countries": country_names(subprocessor.countries),
            "safeguard": subprocessor.transfer_mechanism_label,
        }
        for subprocessor in chosen
    ]


def _names(organisations) -> str:
    return ", ".join(organisation.name for organisation in organisations)


def access_information(rr: RightsRequest, referrals: list[Referral]) -> dict:
    """What GDPR Art. 15(1)(a)-(g) and 15(2) oblige us to tell someone who asks for access,
    drawn from what the portal keeps: the customers' scopes (purposes), the Data Act register's
    categories, the sub-processor list (recipients, countries, safeguards) and the
    end-of-contract periods (retention)."""
    organisations = [referral.organisation for referral in referrals]
    names = _category_names()
    scopes = CustomerScope.objects.filter(organisation__in=organisations)
    services = list(dict.fromkeys(service for scope in scopes for service in scope.services))
    profile = ProviderProfile.current()
    controllers = _names(organisations)
    if organisations:
        count = len(organisations)
        purposes = [
            ngettext(
                "%(controllers)s decides why your data is processed: it is the controller. We "
                "process the data for it, on its documented instructions (GDPR Art. 28), only "
                "to provide the services it uses of ours%(services)s.",
                "%(controllers)s decide why your data is processed: they are its controllers. "
                "We process the data for them, on their documented instructions (GDPR "
                "Art. 28), only to provide the services they use of ours%(services)s.",
                count,
            )
            % {
                "controllers": controllers,
                "services": f" ({', '.join(services)})" if services else "",
            }
        ]
        source = ngettext(
            "We did not collect it from you: it comes from %(controllers)s, which collects it "
            "through our service on its website (your visits and the forms you filled in) "
            "and from its own contact records.",
            "We did not collect it from you: it comes from %(controllers)s, who collect it "
            "through our service on their websites (your visits and the forms you filled in) "
            "and from their own contact records.",
            count,
        ) % {"controllers": controllers}
        retention = ngettext(
            "We keep it as long as %(controllers)s uses our service, unless it tells us to "
            "erase it sooner. When its contract ends it has at least %(retrieval)d days to "
            "take the data back; then we erase it, and our backups are overwritten within "
            "%(backups)d days after that.",
            "We keep it as long as %(controllers)s use our service, unless they tell us to "
            "erase it sooner. When their contract ends they have at least %(retrieval)d days "
            "to take the data back; then we erase it, and our backups are overwritten within "
            "%(backups)d days after that.",
            count,
        ) % {
            "controllers": controllers,
            "retrieval": RETRIEVAL_MIN_DAYS,
            "backups": settings.END_OF_CONTRACT_BACKUP_RETENTION_DAYS,
        }
    else:
        purposes = [_("We found no data about you among the data we process for our customers.")]
        source = _("As we hold no data about you, it comes from nowhere.")
        retention = _(
            "We keep the record of this request, and nothing else about you, as long as the "
            "law requires us to be able to show how we answered it."
        )
    if profile is not None and profile.summary:
        purposes.append(profile.summary)
    return {
        "purposes": purposes,
        "categories": _categories_concerned(rr, referrals, names),
        "recipients": _recipients(organisations),
        "retention": retention,
        "source": source,
        "archive_days": settings.RIGHTS_REQUEST_ARCHIVE_DAYS,
    }


def letter_context(rr: RightsRequest) -> dict:
    jobs = list(rr.fulfilment_jobs.filter(status="completed").order_by("finished_at"))
    names = _category_names()
    referrals = list(rr.referrals.select_related("organisation"))
    results = [
        {
            "result": result,
            "rows": [
                (names.get(category_id, category_id), rows)
                for category_id, rows in result.row_counts.items()
            ],
        }
        for result in rr.results.select_related("organisation")
    ]
    is_access = rr.type == RequestType.ACCESS and rr.status != RequestStatus.REJECTED
    return {
        "rr": rr,
        "provider_name": settings.PROVIDER_NAME,
        "provider": ProviderProfile.current(),
        "site_url": settings.SITE_URL,
        "today": timezone.now(),
        "deadline_sentence": deadline_sentence(rr),
        "referral_sentences": [referral_sentence(referral) for referral in referrals],
        "results": results,
        "export_jobs": [j for j in jobs if j.kind == FulfilmentJob.Kind.EXPORT],
        "rectifications": list(rr.rectifications.all()),
        "access": access_information(rr, referrals) if is_access else None,
        "authority": SUPERVISORY_AUTHORITIES.get(rr.jurisdiction, SUPERVISORY_AUTHORITIES["other"]),
    }


def letter_pdf(rr: RightsRequest) -> bytes:
    return template_to_pdf("rights_requests/letter.html", letter_context(rr))


def letter_filename(rr: RightsRequest) -> str:
    return get_valid_filename(f"response-{rr.reference}.pdf")
