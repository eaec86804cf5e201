"""Navigation for the base layout, by role. Apps add their entries to NAVIGATION below."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, who sees it): "all", "signed_in", "staff", or a staff role.
NAVIGATION = [
    ("pages:home", _("Trust centre"), "all"),
    ("documents:list", _("Documents"), "all"),
    ("subprocessors:list", _("Sub-processors"), "all"),
    ("data_act:register", _("Data Act"), "all"),
    ("rights_requests:new", _("Privacy requests"), "all"),
    ("pages:portal_home", _("Portal"), "signed_in"),
    ("exports:home", _("Exports"), "signed_in"),
    ("pages:staff_home", _("Staff"), "staff"),
]

# The signed-in person's own pages, beside their address and "Sign out".
ACCOUNT_NAVIGATION = [
    ("notifications:portal_message_list", _("Messages"), "signed_in"),
    ("accounts:profile", _("Profile"), "signed_in"),
    ("mfa:security", _("Security"), "signed_in"),
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


def _items(user, entries) -> list[dict]:
    items = []
    for url_name, label, audience in entries:
        if not _visible(user, audience):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False})
    return items


def navigation(request):
    # An error page for a request refused before the authentication middleware ran (an unknown
    # Host header, say) has no user yet: it shows the anonymous navigation.
    user = getattr(request, "user", None) or AnonymousUser()
    items = _items(user, NAVIGATION)
    account_items = _items(user, ACCOUNT_NAVIGATION)
    # Only the most specific entry is current: /portal/profile/ is "Profile", not also "Portal".
    matches = [
        item
        for item in items + account_items
        if request.path == item["url"]
        or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {
        "nav_items": items,
        "account_nav_items": account_items,
        "provider_name": settings.PROVIDER_NAME,
    }
