"""The portal's one settings module: every value comes from the environment (see README)."""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from trustcentre.lib.env import (
    cache_from_url,
    email_from_url,
    read,
    read_bool,
    read_int,
    read_list,
    read_ports,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(read("VAR_DIR", str(BASE_DIR / "var")))

# pytest (8.2+) sets PYTEST_VERSION for the whole run: tests get a throwaway key and plain HTTP.
TESTING = "PYTEST_VERSION" in os.environ
DEBUG = read_bool("DEBUG", False)

SECRET_KEY = read("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-local-key-only-for-debug-and-tests-" + "x" * 20
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see README).")
SECRET_KEY_FALLBACKS = read_list("SECRET_KEY_FALLBACKS")

# The audit chain is keyed (HMAC-SHA256) with a secret of its own, so that someone who can write
# to the database cannot recompute the chain after an edit. The key id is stored on each event;
# after a rotation the old keys stay in AUDIT_CHAIN_KEY_FALLBACKS ("id:secret,...") to verify
# the events they signed. Events from before keying (no key id) are accepted only up to
# AUDIT_CHAIN_UNKEYED_UNTIL_SEQ.
AUDIT_CHAIN_KEY = read("AUDIT_CHAIN_KEY")
if not AUDIT_CHAIN_KEY:
    if DEBUG or TESTING:
        AUDIT_CHAIN_KEY = "insecure-local-audit-chain-key-only-for-debug-and-tests"
    else:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEY must be set when DEBUG is off (see README).")
AUDIT_CHAIN_KEY_ID = read("AUDIT_CHAIN_KEY_ID", "1")
AUDIT_CHAIN_KEY_FALLBACKS = read_list("AUDIT_CHAIN_KEY_FALLBACKS")
AUDIT_CHAIN_UNKEYED_UNTIL_SEQ = read_int("AUDIT_CHAIN_UNKEYED_UNTIL_SEQ", 0)

ALLOWED_HOSTS = read_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = read_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = read("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

PROVIDER_NAME = read("PROVIDER_NAME", "Northwind Analytics")
DEFAULT_FROM_EMAIL = read("DEFAULT_FROM_EMAIL", "Trust Centre <trust@portal.localhost>")
SERVER_EMAIL = read("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "oauth2_provider",
    "trustcentre.accounts",
    "trustcentre.audit",
    "trustcentre.notifications",
    "trustcentre.jobs",
    "trustcentre.pages",
    "trustcentre.content",
    "trustcentre.documents",
    "subprocessors",
    "rights_requests",
    "exports",
    "exports.builtin_source",
    "exports.end_of_contract",
    "dpa",
    "dpa.breaches",
    "dpa.audits",
    "trustcentre.sso",
    "retention",
]

MIDDLEWARE = [
    "trustcentre.lib.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "trustcentre.lib.headers.CrossOriginResourcePolicyMiddleware",
    "trustcentre.lib.headers.ApiRequiresHttpsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "trustcentre.pages.public_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "trustcentre.accounts.middleware.UserTimezoneMiddleware",
    "trustcentre.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "trustcentre.accounts.middleware.StaffSessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "trustcentre.urls"
WSGI_APPLICATION = "trustcentre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trustcentre.pages.context_processors.navigation",
            ],
            # `{{ value|moment }}`: every time shown in one zone, labelled, in one format.
            "builtins": ["trustcentre.lib.moments"],
        },
    },
]

# Database: SQLite file in var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        read("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=read_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with a flush that steps around the audit log's triggers.
    DATABASES["default"]["ENGINE"] = "trustcentre.lib.sqlite_backend"
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_from_url(read("CACHE_URL", "locmem://"))}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# The password policy (SECURITY-TESTS rows 2, 3): at least 12 characters and no maximum, no
# composition rules; not too like the person's own email or name (the user model has
# full_name, not Django's default first and last name); not one of Django's 20,000 most
# common passwords, drawn from breached sets (a full offline breached-password set is a
# documented deviation: SECURITY.md); not all digits.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing cost is not what the tests are about; production keeps Django's PBKDF2 default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "pages:after_login"
LOGOUT_REDIRECT_URL = "pages:home"

# django-allauth: email is the login; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
# Confirming who one is before a sensitive operation takes the password: allauth would also offer
# a code sent by email, which proves only access to the mailbox.
ACCOUNT_REAUTHENTICATION_METHODS = ["password"]
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PROVIDER_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if (DEBUG or TESTING) else "https"
ACCOUNT_ADAPTER = "trustcentre.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}

# django-otp: TOTP with a 30 s step, one step of drift either way.
OTP_TOTP_ISSUER = PROVIDER_NAME
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
PRIVATE_FILES_ROOT = Path(read("PRIVATE_FILES_ROOT", str(VAR_DIR / "private")))
for _folder in (STATIC_ROOT, PRIVATE_FILES_ROOT, VAR_DIR / "mail", VAR_DIR / "broker"):
    try:
        _folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only deployment provides its own folders
        pass
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_FILES_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if read("PRIVATE_STORAGE", "local") == "s3":
    # Any S3-compatible service; credentials come from the usual AWS_* variables.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": read("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": read("AWS_S3_ENDPOINT_URL") or None,
            "region_name": read("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

EMAIL_URL = read("EMAIL_URL", f"file://{VAR_DIR / 'mail'}")
for _name, _value in email_from_url(EMAIL_URL).items():
    globals()[_name] = _value

# Security headers and cookies. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER.
HTTPS = read_bool("HTTPS", not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = HTTPS
# API clients get a clear refusal over plain HTTP rather than a redirect that would resend
# their key in the clear (trustcentre.lib.headers.ApiRequiresHttpsMiddleware).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^api/", r"^oauth/"]
SECURE_HSTS_SECONDS = read_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = read_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = read_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if read_bool("TRUST_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
MESSAGE_STORAGE = "trustcentre.lib.messages.MessageStorage"
# The CSRF refusal is the portal's own page (Django's inline-styled one is blocked by the CSP).
CSRF_FAILURE_VIEW = "trustcentre.pages.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = read_int("SESSION_COOKIE_AGE", 12 * 60 * 60)
STAFF_SESSION_IDLE_SECONDS = read_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
STAFF_SESSION_MAX_SECONDS = read_int("STAFF_SESSION_MAX_SECONDS", 12 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Celery: the broker defaults to a folder (no server needed); Redis in production.
CELERY_BROKER_URL = read("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": read_int("CELERY_VISIBILITY_TIMEOUT", 3600)
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = str(VAR_DIR / "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        data_folder_in=_broker_folder,
        data_folder_out=_broker_folder,
        control_folder=str(VAR_DIR / "broker-control"),
        store_processed=False,
    )
CELERY_TASK_ALWAYS_EAGER = read_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = read_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = read_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "trustcentre.notifications.*": {"queue": "notifications"},
    "exports.*": {"queue": "exports"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "deliver-due-outbox-messages": {
        "task": "trustcentre.notifications.tasks.deliver_due_messages",
        "schedule": 60.0,
    },
    "requeue-stalled-jobs": {
        "task": "trustcentre.jobs.tasks.requeue_stalled_jobs",
        "schedule": 120.0,
    },
    "anchor-audit-chain": {
        "task": "trustcentre.audit.tasks.anchor_audit_chain",
        "schedule": 300.0,
    },
    "delete-expired-exports": {"task": "exports.tasks.delete_expired_exports", "schedule": 3600.0},
}
# The provider's own closing days, on top of weekends and each regime's public holidays, for
# every period counted in business or working days (trustcentre/lib/business_days.py): ISO
# dates, comma-separated.
BUSINESS_HOLIDAYS = read_list("BUSINESS_HOLIDAYS")
# Each legal regime's calendar: the public holidays (a country and optional subdivision of the
# `holidays` package) and the zone whose calendar days count. EU GDPR and the Data Act use the
# provider's Member State (Regulation 1182/71 Art. 2) and seat; UK GDPR England's bank
# holidays; CCPA California's business days.
EU_MEMBER_STATES = (
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
).split()


def _regime_calendar(prefix, country, subdivision, zone, *, allowed_countries=None):
    import zoneinfo

    import holidays

    country = read(f"{prefix}_HOLIDAYS_COUNTRY", country).strip().upper()
    subdivision = read(f"{prefix}_HOLIDAYS_SUBDIVISION", subdivision).strip().upper()
    supported = holidays.list_supported_countries()
    if country not in supported or (allowed_countries and country not in allowed_countries):
        raise ImproperlyConfigured(
            f"{prefix}_HOLIDAYS_COUNTRY must be an ISO 3166-1 code the holidays package knows"
            + (" and an EU Member State" if allowed_countries else "")
            + f", not {country!r}"
        )
    if subdivision and subdivision not in supported[country]:
        raise ImproperlyConfigured(
            f"{prefix}_HOLIDAYS_SUBDIVISION must be one of {', '.join(supported[country])} "
            f"for {country}, not {subdivision!r}"
        )
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{prefix}_DEADLINE_TIME_ZONE must be an IANA time zone, not {zone!r}"
        ) from None
    return country, subdivision, zone


EU_HOLIDAYS_COUNTRY, EU_HOLIDAYS_SUBDIVISION, EU_DEADLINE_TIME_ZONE = _regime_calendar(
    "EU",
    "DE",
    "",
    # SUBPROCESSOR_DEADLINE_TIME_ZONE, the older name, still sets the provider's zone.
    read("EU_DEADLINE_TIME_ZONE", read("SUBPROCESSOR_DEADLINE_TIME_ZONE", "Europe/Berlin")),
    allowed_countries=EU_MEMBER_STATES,
)
UK_HOLIDAYS_COUNTRY, UK_HOLIDAYS_SUBDIVISION, UK_DEADLINE_TIME_ZONE = _regime_calendar(
    "UK", "GB", "ENG", read("UK_DEADLINE_TIME_ZONE", "Europe/London")
)
CCPA_HOLIDAYS_COUNTRY, CCPA_HOLIDAYS_SUBDIVISION, CCPA_DEADLINE_TIME_ZONE = _regime_calendar(
    "CCPA", "US", "CA", read("CCPA_DEADLINE_TIME_ZONE", "America/Los_Angeles")
)
# The one clock every page, email and PDF shows its times in (labelled), unless a signed-in
# user chose another in their profile: by default the provider's own zone.
TIME_ZONE = read("TIME_ZONE", EU_DEADLINE_TIME_ZONE)
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
    raise ImproperlyConfigured(f"TIME_ZONE must be an IANA time zone, not {TIME_ZONE!r}") from error
JOB_HEARTBEAT_TIMEOUT = read_int("JOB_HEARTBEAT_TIMEOUT", 300)
JOB_MAX_ATTEMPTS = read_int("JOB_MAX_ATTEMPTS", 3)
# Exports (issue 3): limits published in the Data Act register, retention of the archives, how
# long a download link works, and where a worker writes data files while a job runs (kept
# there between attempts, so a re-run after a crash resumes).
EXPORT_MAX_PERIOD_DAYS = read_int("EXPORT_MAX_PERIOD_DAYS", 366)
EXPORT_MAX_FILE_BYTES = read_int("EXPORT_MAX_FILE_BYTES", 2 * 1024**3)
EXPORT_RETENTION_DAYS = read_int("EXPORT_RETENTION_DAYS", 7)
EXPORT_LINK_MAX_AGE = read_int("EXPORT_LINK_MAX_AGE", 60 * 60)
EXPORT_WORK_DIR = Path(read("EXPORT_WORK_DIR", str(VAR_DIR / "export-work")))
# The data sources whose categories are exported, listed in the register and erased (dotted
# paths of exports.sources.base.DataSource classes, comma-separated).
EXPORT_DATA_SOURCES = read_list(
    "EXPORT_DATA_SOURCES", "exports.builtin_source.source.BuiltinSource"
)
# Where the sources store the data, as the register states it (a source or category may name
# its own): the provider running the storage, its region and the jurisdiction it is under.
EXPORT_STORAGE_PROVIDER = read("EXPORT_STORAGE_PROVIDER", "Hetzner Online GmbH")
EXPORT_STORAGE_REGION = read("EXPORT_STORAGE_REGION", "Falkenstein and Nuremberg, Germany")
EXPORT_STORAGE_JURISDICTION = read("EXPORT_STORAGE_JURISDICTION", "EU (Germany)")
# The secret pepper of the suppression list's HMAC-SHA256 hashes (exports.models.identifier_hash).
# Empty: one derived from SECRET_KEY. Rotating it (or SECRET_KEY, when empty) makes every
# existing entry unrecognisable, so erased subjects could be imported again.
SUPPRESSION_PEPPER = read("SUPPRESSION_PEPPER", "")
# Outbox delivery: retries back off exponentially (with jitter) from the base to the cap; a row
# left in "sending" longer than the timeout belonged to a worker that died and is retried.
OUTBOX_MAX_ATTEMPTS = read_int("OUTBOX_MAX_ATTEMPTS", 10)
OUTBOX_RETRY_BASE_SECONDS = read_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = read_int("OUTBOX_RETRY_MAX_SECONDS", 3600)
OUTBOX_SENDING_TIMEOUT = read_int("OUTBOX_SENDING_TIMEOUT", 300)

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "trustcentre.accounts.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "trustcentre.accounts.throttling.ApiKeyRateThrottle",
        "trustcentre.accounts.throttling.AnonymousWriteThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "trustcentre.lib.api.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "trustcentre.lib.api.problem_details_handler",
    # drf-spectacular's AutoSchema, also documenting the problem+json error responses.
    "DEFAULT_SCHEMA_CLASS": "trustcentre.lib.api_schema.ProblemDetailsAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["trustcentre.lib.parsers.StrictJSONParser"],
    "NUM_PROXIES": read_int("NUM_PROXIES", 0),
}
API_RATE_LIMIT_PER_MINUTE = read_int("API_RATE_LIMIT_PER_MINUTE", 500)

# OAuth 2.0 for API clients (django-oauth-toolkit): the client-credentials grant only
# (oauthlib's BackendApplicationServer has no other), short-lived access tokens stored only as
# SHA-256 checksums, client secrets hashed like passwords. An API client's tokens count against
# the same per-client limit as a key (API_RATE_LIMIT_PER_MINUTE).
OAUTH_ACCESS_TOKEN_SECONDS = read_int("OAUTH_ACCESS_TOKEN_SECONDS", 600)
# Token requests per client address and minute: client secrets are long random strings, this
# only keeps the endpoint (and its audit events) from being flooded.
OAUTH_TOKEN_REQUESTS_PER_MINUTE = read_int("OAUTH_TOKEN_REQUESTS_PER_MINUTE", 60)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OAUTH2_SERVER_CLASS": "oauthlib.oauth2.BackendApplicationServer",
    "OAUTH2_VALIDATOR_CLASS": "trustcentre.accounts.oauth.ApiClientValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": OAUTH_ACCESS_TOKEN_SECONDS,
    "ACCESS_TOKEN_GENERATOR": "trustcentre.accounts.oauth.access_token_generator",
    "SCOPES": {
        "read": "Read the organisation, its members, security notices and exports",
        "export": "Request and download data exports",
        "objections": "Object to sub-processor changes",
        "rights_requests": "Rights requests",
    },
    "DEFAULT_SCOPES": ["read"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "ALLOW_URI_WILDCARDS": False,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RFC 9700: every gate on; none of the grants they concern is served here anyway.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
ANONYMOUS_WRITE_LIMIT_PER_MINUTE = read_int("ANONYMOUS_WRITE_LIMIT_PER_MINUTE", 20)
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PROVIDER_NAME} Trust Centre API",
    "DESCRIPTION": "Public feeds and organisation APIs of the trust and privacy portal.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # No validator badge: Swagger UI would send the schema's address to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One name for the export formats wherever they appear (request, job, register), and for
    # the export statuses.
    "ENUM_NAME_OVERRIDES": {
        "ExportFormatEnum": "exports.models.ExportFormat.values",
        "ExportStatusEnum": "exports.models.DISPLAY_STATUSES",
    },
}

# Logging: JSON lines in production, with the request id on every line.
LOG_FORMAT = read("LOG_FORMAT", "text" if (DEBUG or TESTING) else "json")
LOG_LEVEL = read("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "trustcentre.lib.request_id.RequestIdFilter"},
        "refused_host": {"()": "trustcentre.lib.request_id.RefusedHostAsWarning"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security.DisallowedHost": {"filters": ["refused_host"]},
    },
}

# Trust centre: public content, documents, access requests and NDAs (issue 4).
# Uploads: the largest document file accepted; access rules: domains refused at once, domains
# approved at once, and free-mail domains that always go to legal; how long grants, NDAs and
# download links last; how early the expiry reminder goes out; the review cadence.
TRUST_UPLOAD_MAX_BYTES = read_int("TRUST_UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
TRUST_DENY_DOMAINS = read_list("TRUST_DENY_DOMAINS", "")
TRUST_ALLOW_DOMAINS = read_list("TRUST_ALLOW_DOMAINS", "")
TRUST_FREE_MAIL_DOMAINS = read_list(
    "TRUST_FREE_MAIL_DOMAINS",
    "gmail.com,googlemail.com,yahoo.com,outlook.com,hotmail.com,live.com,icloud.com,me.com,"
    "aol.com,gmx.de,gmx.net,web.de,proton.me,protonmail.com,mail.com,yandex.com,t-online.de",
)
TRUST_GRANT_DAYS = read_int("TRUST_GRANT_DAYS", 90)
TRUST_NDA_MONTHS = read_int("TRUST_NDA_MONTHS", 12)
TRUST_DOWNLOAD_LINK_MAX_AGE = read_int("TRUST_DOWNLOAD_LINK_MAX_AGE", 10 * 60)
TRUST_EXPIRY_REMINDER_DAYS = read_int("TRUST_EXPIRY_REMINDER_DAYS", 7)
TRUST_REVIEW_INTERVAL_DAYS = read_int("TRUST_REVIEW_INTERVAL_DAYS", 365)
TRUST_REVIEW_DUE_SOON_DAYS = read_int("TRUST_REVIEW_DUE_SOON_DAYS", 30)
# security.txt (RFC 9116): contact, how long the file is valid, preferred languages.
TRUST_SECURITY_CONTACT = read("TRUST_SECURITY_CONTACT", "security@northwind.example")
TRUST_SECURITY_TXT_DAYS = read_int("TRUST_SECURITY_TXT_DAYS", 180)
TRUST_SECURITY_TXT_LANGUAGES = read("TRUST_SECURITY_TXT_LANGUAGES", "en, de")
CELERY_BEAT_SCHEDULE["trust-centre-daily-reminders"] = {
    "task": "trustcentre.content.tasks.send_daily_reminders",
    "schedule": 24 * 60 * 60.0,
}

# Sub-processors: register, change notices, subscriptions, webhooks (issue 5).
# The default objection window (a DPA may set its own: subprocessors/terms.py) and the zone
# whose calendar days count; notices announced within the coalescing window go out as one email.
SUBPROCESSOR_OBJECTION_WINDOW_DAYS = read_int("SUBPROCESSOR_OBJECTION_WINDOW_DAYS", 30)
# The sub-processor pages read the EU regime's zone by this name.
SUBPROCESSOR_DEADLINE_TIME_ZONE = EU_DEADLINE_TIME_ZONE
SUBPROCESSOR_COALESCE_SECONDS = read_int("SUBPROCESSOR_COALESCE_SECONDS", 300)
SUBPROCESSOR_FANOUT_CHUNK = read_int("SUBPROCESSOR_FANOUT_CHUNK", 200)
# Double opt-in: how long a confirmation link works, how soon another confirmation email may go
# to the same address, and when unconfirmed subscriptions are deleted.
SUBSCRIPTION_CONFIRM_MAX_AGE = read_int("SUBSCRIPTION_CONFIRM_MAX_AGE", 48 * 60 * 60)
SUBSCRIPTION_RESEND_SECONDS = read_int("SUBSCRIPTION_RESEND_SECONDS", 10 * 60)
SUBSCRIPTION_UNVERIFIED_DAYS = read_int("SUBSCRIPTION_UNVERIFIED_DAYS", 7)
# Webhooks (Standard Webhooks): request timeout, the destination ports allowed, and, for tests
# and local development only, whether plain http, any port and loopback/private/link-local
# destinations are allowed.
WEBHOOK_TIMEOUT_SECONDS = read_int("WEBHOOK_TIMEOUT_SECONDS", 15)
WEBHOOK_ALLOWED_PORTS = read_ports("WEBHOOK_ALLOWED_PORTS", "443")
WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = read_bool("WEBHOOK_ALLOW_PRIVATE_DESTINATIONS", False)
CELERY_BEAT_SCHEDULE["subprocessor-notices-effective"] = {
    "task": "subprocessors.tasks.make_due_notices_effective",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["subprocessor-dispatches"] = {
    "task": "subprocessors.tasks.run_due_dispatches",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["subscriptions-delete-unverified"] = {
    "task": "subprocessors.tasks.delete_unverified_subscriptions",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["deliver-due-webhooks"] = {
    "task": "trustcentre.notifications.tasks.deliver_due_webhooks",
    "schedule": 30.0,
}

# Rights requests: intake, deadlines, fulfilment (issue 7).
# Lifetimes (seconds) of the email-confirmation link, the status page's one-time code and
# link, and the requester's access once proven; the download link; days an access zip is
# kept; days before an unconfirmed request's personal data is deleted; intake limits.
RIGHTS_REQUEST_VERIFY_LINK_MAX_AGE = read_int("RIGHTS_REQUEST_VERIFY_LINK_MAX_AGE", 48 * 3600)
RIGHTS_REQUEST_STATUS_CODE_MAX_AGE = read_int("RIGHTS_REQUEST_STATUS_CODE_MAX_AGE", 15 * 60)
RIGHTS_REQUEST_STATUS_LINK_MAX_AGE = read_int("RIGHTS_REQUEST_STATUS_LINK_MAX_AGE", 7 * 86400)
RIGHTS_REQUEST_ACCESS_SECONDS = read_int("RIGHTS_REQUEST_ACCESS_SECONDS", 30 * 60)
RIGHTS_REQUEST_DOWNLOAD_LINK_MAX_AGE = read_int("RIGHTS_REQUEST_DOWNLOAD_LINK_MAX_AGE", 15 * 60)
RIGHTS_REQUEST_ARCHIVE_DAYS = read_int("RIGHTS_REQUEST_ARCHIVE_DAYS", 30)
RIGHTS_REQUEST_UNVERIFIED_DAYS = read_int("RIGHTS_REQUEST_UNVERIFIED_DAYS", 7)
RIGHTS_REQUEST_REMINDER_DAYS = [7, 2]
RIGHTS_REQUEST_INTAKE_PER_IP_PER_HOUR = read_int("RIGHTS_REQUEST_INTAKE_PER_IP_PER_HOUR", 10)
RIGHTS_REQUEST_INTAKE_PER_EMAIL_PER_HOUR = read_int("RIGHTS_REQUEST_INTAKE_PER_EMAIL_PER_HOUR", 5)
# Tries of a status page's one-time code, per reference and per client address, in an hour.
RIGHTS_REQUEST_CODE_CHECKS_PER_REFERENCE_PER_HOUR = read_int(
    "RIGHTS_REQUEST_CODE_CHECKS_PER_REFERENCE_PER_HOUR", 10
)
RIGHTS_REQUEST_CODE_CHECKS_PER_IP_PER_HOUR = read_int(
    "RIGHTS_REQUEST_CODE_CHECKS_PER_IP_PER_HOUR", 30
)
CELERY_BEAT_SCHEDULE["rights-request-reminders"] = {
    "task": "rights_requests.tasks.send_deadline_reminders",
    "schedule": 86400.0,
}
CELERY_BEAT_SCHEDULE["rights-request-purge-unverified"] = {
    "task": "rights_requests.tasks.purge_unverified_requests",
    "schedule": 3600.0,
}

# End of contract: return, switching and deletion (issue 8).
# Backups holding erased data are overwritten within this many days (printed on the deletion
# certificate); retrieval may be extended up to this many days after the transition; the
# deletion job deletes this many rows per statement.
END_OF_CONTRACT_BACKUP_RETENTION_DAYS = read_int("END_OF_CONTRACT_BACKUP_RETENTION_DAYS", 35)
END_OF_CONTRACT_RETRIEVAL_MAX_DAYS = read_int("END_OF_CONTRACT_RETRIEVAL_MAX_DAYS", 90)
END_OF_CONTRACT_DELETION_BATCH_ROWS = read_int("END_OF_CONTRACT_DELETION_BATCH_ROWS", 25000)
CELERY_BEAT_SCHEDULE["end-of-contract-open-cases"] = {
    "task": "exports.end_of_contract.tasks.open_cases_for_ended_contracts",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["end-of-contract-advance-cases"] = {
    "task": "exports.end_of_contract.tasks.advance_cases",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["end-of-contract-deletion-reminders"] = {
    "task": "exports.end_of_contract.tasks.send_deletion_reminders",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["end-of-contract-start-due-deletions"] = {
    "task": "exports.end_of_contract.tasks.start_due_deletions",
    "schedule": 3600.0,
}

# Data processing agreements: templates, signing, executed PDFs, contract terms (issue 6).
# How soon after becoming aware of a personal data breach the customer is notified (the DPA's
# placeholder and the breach notifications' due time read the same figure).
DPA_BREACH_NOTIFICATION_HOURS = read_int("DPA_BREACH_NOTIFICATION_HOURS", 48)
# The provider as a party to the DPA; empty: the legal name and address of the provider profile.
DPA_PROVIDER_LEGAL_NAME = read("DPA_PROVIDER_LEGAL_NAME", "")
DPA_PROVIDER_ADDRESS = read("DPA_PROVIDER_ADDRESS", "")
# Lifetime (seconds) of a signed download link to an agreement's PDF; hours between two
# reminders to sign sent to one organisation; largest negotiated DPA accepted (bytes).
DPA_DOWNLOAD_LINK_MAX_AGE = read_int("DPA_DOWNLOAD_LINK_MAX_AGE", 5 * 60)
DPA_REMINDER_INTERVAL_HOURS = read_int("DPA_REMINDER_INTERVAL_HOURS", 24)
DPA_UPLOAD_MAX_BYTES = read_int("DPA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# The function that gives the terms of an organisation's agreement in force to the core and the
# other apps (trustcentre.accounts.agreements); empty: no organisation has one.
AGREEMENT_TERMS_PROVIDER = "dpa.terms.agreement_terms"

# Breach notifications to affected customers (issue 6).
# The due time of a notification is DPA_BREACH_NOTIFICATION_HOURS (above) after awareness, in
# elapsed hours (dpa/breaches/deadlines.py). Pages per list:
BREACHES_PAGE_SIZE = read_int("BREACHES_PAGE_SIZE", 25)

# Login protection, sessions and deployment checks (issue 9).
# Customer admins (of customers and former customers; prospects are the documented exception)
# must set up and use a second factor before the portal and the API (SECURITY-TESTS row 4).
# On unless turned off, under pytest too: the test fixtures give customer admins an
# authenticator and sign them in with it (tests/conftest.py).
MFA_REQUIRED_FOR_CUSTOMER_ADMINS = read_bool("MFA_REQUIRED_FOR_CUSTOMER_ADMINS", True)

# Single sign-on: OpenID Connect identity providers per organisation (issue 9).
# Each organisation's IdP is an allauth SocialApp (provider "openid_connect") linked by
# trustcentre.sso.models.IdentityProvider; the adapter accepts only a verified email at a domain
# routed to that IdP, so it alone decides when an existing account is linked by email.
SOCIALACCOUNT_ADAPTER = "trustcentre.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = read_int("SSO_REQUESTS_TIMEOUT", 5)
# Plain-http issuers only for tests and local development (a provider on loopback).
SSO_ALLOW_HTTP_ISSUERS = read_bool("SSO_ALLOW_HTTP_ISSUERS", False)
# The sign-in, sign-up and reset forms route by domain (allauth's own forms underneath).
ACCOUNT_FORMS = {
    "login": "trustcentre.sso.forms.LoginForm",
    "reset_password": "trustcentre.sso.forms.ResetPasswordForm",
    "reset_password_from_key": "trustcentre.sso.forms.ResetPasswordKeyForm",
    "signup": "trustcentre.sso.forms.SignupForm",
}
