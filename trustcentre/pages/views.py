"""The public home, the signed-in homes for portal and staff, and the health check."""

import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from kombu import Connection

from trustcentre.accounts.permissions import staff_required
from trustcentre.lib.search import search_query
from trustcentre.pages import todos
from trustcentre.pages.public_cache import public_page

logger = logging.getLogger(__name__)


@public_page
def home(request):
    """The public trust centre: overview, certifications, controls, FAQ (search and categories),
    documents, and links to the sub-processors, the Data Act register and the rights form."""
    from trustcentre.content.models import FaqCategory
    from trustcentre.content.selectors import public_page

    q = search_query(request)
    category = None
    faq_slug = search_query(request, "faq")
    if faq_slug:
        category = FaqCategory.objects.filter(slug=faq_slug).first()
    links = {}
    for key, url_name in (
        ("subprocessors", "subprocessors:list"),
        ("rights_request", "rights_requests:new"),
        ("data_act", "data_act:register"),
        ("retention", "retention:schedule"),
    ):
        try:
            links[key] = reverse(url_name)
        except NoReverseMatch:
            links[key] = None
    context = public_page(q=q, category=category)
    return render(
        request,
        "pages/home.html",
        {**context, "links": links, "faq_q": q, "faq_category": category},
    )


@login_required
def after_login(request):
    if request.user.needs_second_factor:
        return redirect("pages:staff_home")
    return redirect("pages:portal_home")


# (url name, title, description, who sees it: "all" or "customer", a member of a customer).
# Apps add their portal pages here; the portal home lists them.
PORTAL_LINKS = [
    (
        "exports:home",
        _("Exports"),
        _("Your organisation's data as CSV, JSON or Excel, with a manifest and checksums."),
        "customer",
    ),
    (
        "documents_portal:access_request_list",
        _("Document access"),
        _("Your requests for security documents, the access granted and your NDAs."),
        "all",
    ),
    (
        "documents_portal:questionnaire_list",
        _("Security questionnaires"),
        _("Send us your questionnaire and follow its answer."),
        "all",
    ),
    (
        "subprocessors_portal:home",
        _("Sub-processors"),
        _("Changes to our sub-processors, your subscriptions and your objections."),
        "all",
    ),
    (
        "rights_requests_portal:referral_list",
        _("Privacy requests about your data"),
        _("Data subjects' requests we received about your data: tell us how to handle them."),
        "customer",
    ),
    (
        "end_of_contract:home",
        _("Leaving"),
        _("At the end of the contract: return of your data, switching provider, deletion."),
        "customer",
    ),
    (
        "dpa_portal:home",
        _("Data processing agreement"),
        _("Your DPA: sign it online, see its status and version, download the executed PDF."),
        "customer",
    ),
    (
        "breaches_portal:notice_list",
        _("Security notices"),
        _("Notifications of personal data breaches affecting you, to read and acknowledge."),
        "customer",
    ),
    (
        "audits_portal:request_list",
        _("Audits and information requests"),
        _("Ask us for an audit or for information under your DPA, and follow the answer."),
        "customer",
    ),
    (
        "notifications:portal_message_list",
        _("Messages"),
        _("Every email we sent you, as it was sent."),
        "all",
    ),
]


def portal_links_for(memberships) -> list[dict]:
    from trustcentre.accounts.models import Organisation

    customer = any(
        m.organisation.kind in (Organisation.Kind.CUSTOMER, Organisation.Kind.FORMER_CUSTOMER)
        for m in memberships
    )
    links = []
    for url_name, title, description, audience in PORTAL_LINKS:
        if audience == "customer" and not customer:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        links.append({"url": url, "title": title, "description": description})
    # Members and API keys belong to one organisation each; API keys are its admins' only.
    for membership in memberships:
        slug, name = membership.organisation.slug, membership.organisation.name
        links.append(
            {
                "url": reverse("accounts:organisation_detail", args=[slug]),
                "title": _("Members of %(organisation)s") % {"organisation": name},
                "description": _("Who belongs to the organisation, their roles and invitations."),
            }
        )
        if membership.is_admin:
            links.append(
                {
                    "url": reverse("api_keys:list", args=[slug]),
                    "title": _("API keys of %(organisation)s") % {"organisation": name},
                    "description": _(
                        "Keys for the organisation's integrations: create, see last use, revoke."
                    ),
                }
            )
    return links


@never_cache
@login_required
def portal_home(request):
    memberships = list(request.user.memberships.select_related("organisation"))
    return render(
        request,
        "pages/portal_home.html",
        {
            "memberships": memberships,
            "todos": todos.todos_for(request.user, memberships),
            "portal_links": portal_links_for(memberships),
        },
    )


# (url name, title, description, roles that see it). Apps add their workbench here.
WORKBENCHES = [
    (
        "staff_organisations:list",
        _("Organisations"),
        _("Customers and prospects, their members, domains and contract terms."),
        ("legal", "trust_admin", "dpo"),
    ),
    (
        "audit:event_list",
        _("Audit log"),
        _("Every significant action, hash-chained; filter and export as CSV."),
        ("legal", "dpo", "trust_admin"),
    ),
    (
        "documents_staff:access_request_list",
        _("Access requests"),
        _("Prospects asking for gated documents: review, approve with a grant length, or reject."),
        ("legal", "trust_admin"),
    ),
    (
        "documents_staff:document_list",
        _("Documents"),
        _("The document library: versions, access levels, NDAs and review dates."),
        ("trust_admin", "legal"),
    ),
    (
        "documents_staff:questionnaire_list",
        _("Security questionnaires"),
        _("Questionnaires customers and prospects sent: assign, answer and deliver."),
        ("legal", "trust_admin"),
    ),
    (
        "content_staff:home",
        _("Trust centre content"),
        _("Overview, certifications, controls and FAQ of the public trust centre."),
        ("trust_admin",),
    ),
    (
        "subprocessors_staff:home",
        _("Sub-processors"),
        _("The register, change notices with their objection windows, and objections."),
        ("legal",),
    ),
    (
        "rights_requests_staff:request_list",
        _("Rights requests"),
        _("Data-subject requests with their legal deadlines, verification and fulfilment."),
        ("dpo",),
    ),
    (
        "end_of_contract_staff:case_list",
        _("End of contract"),
        _("Return, switching and deletion cases, their periods, legal holds and certificates."),
        ("legal",),
    ),
    (
        "dpa_staff:home",
        _("Data processing agreements"),
        _("DPA versions, every organisation's signature status, countersignature and reminders."),
        ("legal",),
    ),
    (
        "data_act_staff:home",
        _("Data Act register"),
        _(
            "What the register states: excluded data, switching, custom exports, measures "
            "against governmental access; each change a new published version."
        ),
        ("legal",),
    ),
    (
        "breaches_staff:incident_list",
        _("Breach notifications"),
        _("Incidents, the customers affected, notifications sent and acknowledged."),
        ("dpo", "legal"),
    ),
    (
        "audits_staff:request_list",
        _("Audit and information requests"),
        _("Customers' requests under their DPA: triage, answer or schedule, by the due date."),
        ("legal",),
    ),
    (
        "sso_staff:home",
        _("Single sign-on"),
        _("Organisations' OpenID Connect identity providers and the domains sent to them."),
        ("trust_admin", "legal"),
    ),
    (
        "retention_staff:rules",
        _("Retention schedule"),
        _("The retention periods legal states on the public schedule."),
        ("legal",),
    ),
    ("admin:index", _("Administration"), _("Django admin for superusers."), ("superuser",)),
]


def workbench_cards_for(user) -> list[dict]:
    cards = []
    for url_name, title, description, roles in WORKBENCHES:
        allowed = user.is_superuser or any(role in user.staff_roles for role in roles)
        if not allowed:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        cards.append({"url": url, "title": title, "description": description, "name": url_name})
    return cards


def workbench_notes_for(user) -> dict[str, list[str]]:
    """What needs a decision, by workbench url name: domain apps answer through a
    `workbench_notes(user)` method on their AppConfig (core never imports them)."""
    notes: dict[str, list[str]] = {}
    for app_config in apps.get_app_configs():
        hook = getattr(app_config, "workbench_notes", None)
        if hook is None:
            continue
        for url_name, texts in hook(user).items():
            notes.setdefault(url_name, []).extend(texts)
    return notes


@never_cache
@staff_required
def staff_home(request):
    cards = workbench_cards_for(request.user)
    notes = workbench_notes_for(request.user)
    queues = todos.queues_for(request.user)
    for card in cards:
        card["notes"] = notes.get(card["name"], [])
        card["queues"] = queues.get(card["name"], [])
    return render(request, "pages/staff_home.html", {"workbench_cards": cards})


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database did not answer")
        return False


def _broker_answers() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("health check: broker did not answer")
        return False


@never_cache
def healthz(request):
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if answered else "failed" for name, answered in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was refused because the page it came from was too old, or
    cookies are blocked. Django's own page has inline styles, which the CSP blocks."""
    response = render(request, "403_csrf.html", status=403)
    response["Cache-Control"] = "no-store"
    return response
