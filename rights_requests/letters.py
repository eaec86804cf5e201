"""The response letter (PDF, WeasyPrint) per outcome: what was done, what was found, the legal
basis of a refusal, and how to complain to a supervisory authority."""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from exports.sources import all_categories
from rights_requests.models import FulfilmentJob, Referral, RightsRequest, local_date
from trustcentre.lib.pdf import template_to_pdf

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
    return date_format(local_date(moment), "j F Y")


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


def letter_context(rr: RightsRequest) -> dict:
    jobs = list(rr.fulfilment_jobs.filter(status="completed").order_by("finished_at"))
    category_names = {category.id: str(category.name) for category in all_categories()}
    results = [
        {
            "result": result,
            "rows": [
                (category_names.get(category_id, category_id), rows)
                for category_id, rows in result.row_counts.items()
            ],
        }
        for result in rr.results.select_related("organisation")
    ]
    return {
        "rr": rr,
        "provider_name": settings.PROVIDER_NAME,
        "site_url": settings.SITE_URL,
        "today": timezone.localdate(),
        "referral_sentences": [
            referral_sentence(referral) for referral in rr.referrals.select_related("organisation")
        ],
        "results": results,
        "export_jobs": [j for j in jobs if j.kind == FulfilmentJob.Kind.EXPORT],
        "rectifications": list(rr.rectifications.all()),
        "authority": SUPERVISORY_AUTHORITIES.get(rr.jurisdiction, SUPERVISORY_AUTHORITIES["other"]),
    }


def letter_pdf(rr: RightsRequest) -> bytes:
    return template_to_pdf("rights_requests/letter.html", letter_context(rr))


def letter_filename(rr: RightsRequest) -> str:
    return get_valid_filename(f"response-{rr.reference}.pdf")
