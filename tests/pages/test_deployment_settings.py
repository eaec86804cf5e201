"""Production settings pass Django's deployment checklist and refuse to start without secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def production_environment(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DEBUG", "HTTPS")}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        AUDIT_CHAIN_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="trust.example.com",
        SITE_URL="https://trust.example.com",
        CACHE_URL="redis://cache.internal:6379/1",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# The README's production set-ups: the minimum it names, and behind a TLS-terminating proxy
# with PostgreSQL and Redis (nothing is connected to: the check only reads the settings).
BEHIND_A_PROXY = {
    "TRUST_PROXY_SSL_HEADER": "1",
    "NUM_PROXIES": "1",
    "CSRF_TRUSTED_ORIGINS": "https://trust.example.com",
    "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
}


@pytest.mark.parametrize("extra", [{}, BEHIND_A_PROXY], ids=["minimal", "behind-a-proxy"])
def test_check_deploy_reports_no_warning_with_production_settings(extra):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_environment(**extra)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_check_deploy_fails_when_a_protection_is_turned_off():
    """The check is a real gate: production with HSTS turned off does not pass it."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_environment(SECURE_HSTS_SECONDS="0"),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.mark.parametrize("cache_url", [None, "locmem://", "dummy://"])
def test_check_deploy_fails_when_the_cache_is_not_shared_between_processes(cache_url):
    """Rate limits and lockouts count in the cache: one per process lets N processes allow N
    times the limit."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_environment(CACHE_URL=cache_url),
    )
    assert result.returncode != 0
    assert "accounts.E001" in result.stdout + result.stderr
    assert "CACHE_URL" in result.stdout + result.stderr


def test_production_requires_a_second_factor_of_customer_admins():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.MFA_REQUIRED_FOR_CUSTOMER_ADMINS, s.DEBUG, s.SESSION_COOKIE_HTTPONLY)"
    )
    env = production_environment(DJANGO_SETTINGS_MODULE="trustcentre.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["True", "False", "True"], result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env=production_environment(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_use_host_prefixed_secure_cookies_and_hsts():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    env = production_environment(DJANGO_SETTINGS_MODULE="trustcentre.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "31536000",
        "True",
    ]


def test_production_refuses_to_start_without_an_audit_chain_key():
    result = manage("check", env=production_environment(AUDIT_CHAIN_KEY=None))
    assert result.returncode != 0
    assert "AUDIT_CHAIN_KEY must be set" in result.stderr
