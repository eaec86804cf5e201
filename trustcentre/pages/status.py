"""The service status page: what /healthz tells machines, in words, for people."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trustcentre.pages.views import _broker_answers, _database_answers

COMPONENTS = [
    ("database", _("Website and stored records"), _database_answers),
    ("broker", _("Emails, exports and other background work"), _broker_answers),
]


@never_cache
@require_GET
def service_status(request):
    components = [
        {"key": key, "label": label, "working": answers()} for key, label, answers in COMPONENTS
    ]
    healthy = all(component["working"] for component in components)
    return render(
        request,
        "pages/service_status.html",
        {"components": components, "healthy": healthy, "checked_at": timezone.now()},
        status=200 if healthy else 503,
    )
