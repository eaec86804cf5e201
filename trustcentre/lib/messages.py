"""Where flash messages live between requests: a cookie first (no database write for a message),
the session when it does not fit, like Django's FallbackStorage; the cookie carries the
`__Host-` prefix whenever the session cookie is Secure, as the session and CSRF cookies do."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage


class HostPrefixedCookieStorage(CookieStorage):
    @property
    def cookie_name(self) -> str:
        # __Host- cookies must be Secure, have Path=/ and no Domain: Django's message cookie
        # has the path /, and SESSION_COOKIE_DOMAIN stays unset in production (README).
        return "__Host-messages" if settings.SESSION_COOKIE_SECURE else "messages"


class MessageStorage(FallbackStorage):
    storage_classes = (HostPrefixedCookieStorage, SessionStorage)
