"""The public home, the signed-in homes for portal and staff, and the health check."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from kombu import Connection

from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import staff_required
from trustcentre.content.models import FaqCategory
from trustcentre.content.selectors import public_page as public_page_context
from trustcentre.lib.search import search_query
from trustcentre.lib.sections import (
    portal_links_for,
    public_links,
    workbench_cards_for,
    workbench_notes_for,
)
from trustcentre.pages import todos
from trustcentre.pages.public_cache import public_page

logger = logging.getLogger(__name__)


@public_page
def home(request):
    """The public trust centre: overview, certifications, controls, FAQ (search and categories),
    documents, and links to the sub-processors, the Data Act register and the rights form."""
    q = search_query(request)
    category = None
    faq_slug = search_query(request, "faq")
    if faq_slug:
        category = FaqCategory.objects.filter(slug=faq_slug).first()
    context = public_page_context(q=q, category=category)
    return render(
        request,
        "pages/home.html",
        {**context, "links": public_links(), "faq_q": q, "faq_category": category},
    )


@login_required
def after_login(request):
    if request.user.needs_second_factor:
        return redirect("pages:staff_home")
    return redirect("pages:portal_home")


def _organisation_links(memberships) -> list[dict]:
    """Members and API keys belong to one organisation each; API keys are its admins' only."""
    links = []
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
    customer = any(
        m.organisation.kind in (Organisation.Kind.CUSTOMER, Organisation.Kind.FORMER_CUSTOMER)
        for m in memberships
    )
    return render(
        request,
        "pages/portal_home.html",
        {
            "memberships": memberships,
            "todos": todos.todos_for(request.user, memberships),
            "portal_links": portal_links_for(customer=customer) + _organisation_links(memberships),
        },
    )


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
