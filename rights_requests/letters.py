"""The response letter (PDF, WeasyPrint) per outcome: what was done, what was found, the legal
basis of a refusal, and how to complain to a supervisory authority."""

from django.conf import settings
from django.utils import timezone
from django.utils.text import get_valid_filename

from rights_requests.models import FulfilmentJob, RequestEvent, RightsRequest
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


def letter_context(rr: RightsRequest) -> dict:
    jobs = list(rr.fulfilment_jobs.filter(status="completed").order_by("finished_at"))
    return {
        "rr": rr,
        "provider_name": settings.PROVIDER_NAME,
        "site_url": settings.SITE_URL,
        "today": timezone.localdate(),
        "referrals": list(rr.referrals.select_related("organisation")),
        "jobs": jobs,
        "export_jobs": [j for j in jobs if j.kind == FulfilmentJob.Kind.EXPORT],
        "erasure_jobs": [j for j in jobs if j.kind == FulfilmentJob.Kind.ERASURE],
        "rectifications": list(rr.rectifications.all()),
        "flag_events": list(
            rr.events.filter(kind=RequestEvent.Kind.FULFILMENT, actor__isnull=False)
        ),
        "authority": SUPERVISORY_AUTHORITIES.get(rr.jurisdiction, SUPERVISORY_AUTHORITIES["other"]),
    }


def letter_pdf(rr: RightsRequest) -> bytes:
    return template_to_pdf("rights_requests/letter.html", letter_context(rr))


def letter_filename(rr: RightsRequest) -> str:
    return get_valid_filename(f"response-{rr.reference}.pdf")
