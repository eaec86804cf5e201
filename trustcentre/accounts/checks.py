"""Deployment checks of the accounts layer: the limits that protect sign-in and the API count
in the cache, so in production the cache must be one that every process shares."""

from django.conf import settings
from django.core import checks

# Caches that live inside one process (or keep nothing): with several web processes each
# counts on its own, and a limit of 500 a minute becomes 500 per process.
PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        checks.Error(
            "The cache is not shared between processes, so rate limits and lockouts count per "
            "process.",
            hint="Set CACHE_URL to a shared cache, e.g. redis://host:6379/1 (see README).",
            id="accounts.E001",
        )
    ]
