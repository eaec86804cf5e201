"""Navigation for the base layout, by role. Apps add their entries to NAVIGATION below."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, who sees it): "all", "signed_in", "staff", or a staff role.
NAVIGATION = [
    ("pages:home", _("Trust centre"), "all"),
    ("pages:portal_home", _("Portal"), "signed_in"),
    ("pages:staff_home", _("Staff"), "staff"),
]


def _visible(user, audience: str) -> bool:
    if audience == "all":
        return True
    if not user.is_authenticated:
        return False
    if audience == "signed_in":
        return True
    if audience == "staff":
        return user.needs_second_factor
    return user.is_superuser or audience in user.staff_roles


def navigation(request):
    user = request.user
    items = []
    for url_name, label, audience in NAVIGATION:
        if not _visible(user, audience):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items, "provider_name": settings.PROVIDER_NAME}
