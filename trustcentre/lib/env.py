"""Typed readers for settings that come from environment variables."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def read(name: str, default: str = "") -> str:
    """Return the variable, or the content of the file named by NAME_FILE (for secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def read_bool(name: str, default: bool) -> bool:
    value = read(name, "1" if default else "0").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}")


def read_int(name: str, default: int) -> int:
    value = read(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def read_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in read(name, default).split(",") if item.strip()]


def read_ports(name: str, default: str) -> frozenset[int]:
    """A comma-separated list of TCP ports (1 to 65535)."""
    ports = set()
    for item in read_list(name, default):
        if not item.isdigit() or not 0 < int(item) < 65536:
            raise ImproperlyConfigured(f"{name} must list TCP ports (1-65535), not {item!r}")
        ports.add(int(item))
    return frozenset(ports)


def cache_from_url(url: str) -> dict:
    """`locmem://`, `redis://host:port/db` or `dummy://` to a CACHES entry."""
    scheme = urlsplit(url).scheme
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme in ("redis", "rediss", "unix"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL scheme {scheme!r} is not supported")


def email_from_url(url: str) -> dict:
    """`smtp://user:password@host:port?tls=1`, `smtps://...`, `file:///path`, `console://`,
    `locmem://` to Django's EMAIL_* settings."""
    parts = urlsplit(url)
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {parts.scheme!r} is not supported")
    config = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme == "file":
        config["EMAIL_FILE_PATH"] = unquote(parts.path)
    if parts.scheme in ("smtp", "smtps"):
        query = parse_qs(parts.query)
        # The messages name the part at fault, never the whole URL: it may hold a password.
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(
                "EMAIL_URL: the port must be a number from 1 to 65535"
            ) from None
        tls = query.get("tls", ["0"])[0].strip().lower()
        if tls not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ImproperlyConfigured(f"EMAIL_URL: tls must be 0 or 1, not {tls!r}")
        timeout = query.get("timeout", ["20"])[0]
        if not timeout.isdigit() or not int(timeout):
            raise ImproperlyConfigured(
                f"EMAIL_URL: timeout must be a whole number of seconds, not {timeout!r}"
            )
        config.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=tls in ("1", "true", "yes", "on"),
            EMAIL_TIMEOUT=int(timeout),
        )
    return config
