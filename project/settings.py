"""Settings for the service, read from the environment.

Defaults give the embedded setup (SQLite file, in-memory channel layer,
DEBUG on) so one command runs everything on a laptop. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0. The table
of settings lives in README.md.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from project.env import env_bool, env_int, env_json_list, env_list, env_str, redis_url

# Lets generic Django classes (ModelAdmin[Person]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)
_DEV_SECRET = "dev-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105 - DEBUG only
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    msg = "SECRET_KEY must be set when DEBUG is off."
    raise ImproperlyConfigured(msg)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "guardian",
    "axes",
    "strawberry_django",
    "djangosaml2",
    "core",
    "permissions",
]

MIDDLEWARE = [
    "project.robots.NoIndexMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The SAML sign-in's own session: the IdP posts back cross-site (SameSite=None).
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "project.middleware.AssuranceMiddleware",
    "project.middleware.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a lockout seen by a login page into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "project.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/graphql/"
ASGI_APPLICATION = "project.asgi.application"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "permissions.backends.RosterBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No object permissions are ever granted to anonymous visitors.
ANONYMOUS_USER_NAME = None
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    try:
        # Persistent connections leak from the thread pools of an ASGI server, so
        # they are off unless DB_CONN_MAX_AGE asks for them (use a pooler).
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
        )
    except ValueError as error:
        msg = f"DATABASE_URL={url!r} is not a database URL: {error}"
        raise ImproperlyConfigured(msg) from None
    if config["ENGINE"] not in {
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    }:
        msg = f"DATABASE_URL={url!r}: only sqlite:// and postgres:// are supported."
        raise ImproperlyConfigured(msg)
    if config["ENGINE"] == "django.db.backends.postgresql" and env_int("DB_POOL_SIZE", 0):
        # psycopg's pool: a request borrows an open connection instead of
        # opening one (docs/performance.md); Django asks CONN_MAX_AGE=0 with it.
        size = env_int("DB_POOL_SIZE", 0)
        config["OPTIONS"] = {"pool": {"min_size": min(2, size), "max_size": size}}
        config["CONN_MAX_AGE"] = 0
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Daphne serves requests from several threads; a short busy wait
        # avoids 'database is locked' when two of them write at once.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
        config["CONN_MAX_AGE"] = 0
        # Tests use a file as a deployment does: an in-memory database shares
        # one cache between threads, whose table locks fail at once ('table is
        # locked') where a file's writer waits out the timeout.
        config["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"sks-test-{os.getpid()}.sqlite3")
        }
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # redis-py waits 5 s for a reply by default, as long as channels_redis
            # blocks in BZPOPMIN: under load the reply lost that race and the
            # error closed the sockets waiting for events. A socket_timeout in
            # the URL still wins.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        },
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Kept summaries (SUMMARY_CACHE_SECONDS) are shared by every server process, and
# with the worker that counts them ahead (`manage.py summaries_refresh`),
# through Redis; without it each process keeps its own.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "skolsidan",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "build" / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded pictures; larger files are refused with a validation error.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 5_000_000, minimum=1_000)
# An SS 12000 import that would end more than this share of the open rows of
# any kind (and at least IMPORT_MASS_END_MIN of them) writes nothing unless
# given --allow-mass-end: a partial export must not end families' access.
IMPORT_MAX_END_PERCENT = env_int("IMPORT_MAX_END_PERCENT", 10)
IMPORT_MASS_END_MIN = env_int("IMPORT_MASS_END_MIN", 20, minimum=1)
# The live SS 12000 sync (`manage.py sync_ss12000`, docs/ss12000-import.md).
SS12000_URL = env_str("SS12000_URL", "")
SS12000_TOKEN_URL = env_str("SS12000_TOKEN_URL", "")
SS12000_CLIENT_ID = env_str("SS12000_CLIENT_ID", "")
SS12000_CLIENT_SECRET = env_str("SS12000_CLIENT_SECRET", "")
SS12000_SCOPE = env_str("SS12000_SCOPE", "")
SS12000_PAGE_SIZE = env_int("SS12000_PAGE_SIZE", 500, minimum=1)
SS12000_LOCK_MINUTES = env_int("SS12000_LOCK_MINUTES", 60, minimum=1)
SS12000_STALE_MINUTES = env_int("SS12000_STALE_MINUTES", 60, minimum=1)
# Where `import_ss12000` writes each run's report (JSON and text).
IMPORT_REPORT_DIR = Path(env_str("IMPORT_REPORT_DIR", str(BASE_DIR / "var" / "import-reports")))
# Bodies above this go to a temporary file, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The terms of use everyone accepts on first login; a new version asks again.
TERMS_VERSION = env_str("TERMS_VERSION", "2026-08")

GRAPHIQL = env_bool("GRAPHIQL", default=DEBUG)
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", default=True)
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 12, minimum=1)
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 25_000, minimum=1)
# Summaries publish no count under this (small-cell suppression).
SUMMARY_MIN_CELL = env_int("SUMMARY_MIN_CELL", 5, minimum=3)
# Summaries are counted at most this often (seconds) and kept meanwhile; 0 counts each time.
SUMMARY_CACHE_SECONDS = env_int("SUMMARY_CACHE_SECONDS", 300, minimum=0)

# Notice email (`manage.py send_notice_emails`): at most one digest per
# person per interval, through Django's email backend.
NOTICE_EMAIL_INTERVAL = env_int("NOTICE_EMAIL_INTERVAL", 3600, minimum=60)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Skolsidan <noreply@skolsidan.example.com>")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# Django waits for a silent mail server forever by default, which would stall the worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
# Open websockets check their credential this often (seconds) besides on every
# operation and every credential event, so an expired session or token closes too.
SOCKET_RECHECK_SECONDS = env_int("SOCKET_RECHECK_SECONDS", 60, minimum=1)

# Failed sign-ins (django-axes, every path that calls authenticate: the
# login mutation, /accounts/login/, the admin's login): LOGIN_FAILURE_LIMIT
# failures for one login name, or LOGIN_ADDRESS_FAILURE_LIMIT from one client
# address, refuse every try, right password or not, until
# LOGIN_LOCKOUT_MINUTES after the last counted failure. Tries during a
# lockout are not counted, so it ends on time; `manage.py axes_reset_username
# NAME` (or axes_reset_ip, or the admin's access attempts) lifts it sooner.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Proxies (load balancers) in front of the service that append to
# X-Forwarded-For; 0 takes the connecting address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # separately, name first
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "project.throttle.LoginAttemptHandler"
AXES_CLIENT_IP_CALLABLE = "project.throttle.client_ip"
AXES_COOLOFF_MESSAGE = "Too many failed sign-ins; try again later."
# No row per successful sign-in: the failures are all the throttle needs,
# and they are deleted once their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True

# Sign-in with e-legitimation (families, pupils) and the municipality's own
# identity provider (staff) over OpenID Connect: a JSON list of providers,
# inline or `@/path/to/file.json` (docs/login.md). Unset, passwords only.
OIDC_PROVIDERS = env_json_list("OIDC_PROVIDERS")
# Where a client sends a user whose sign-in is too weak for a pupil's page.
STRONG_LOGIN_URL = env_str("STRONG_LOGIN_URL", "/login/?strong=1")
# The scheme and host the providers redirect back to, when a proxy hides them
# ("https://skola.example.se"); unset, the request's own.
OIDC_REDIRECT_BASE = env_str("OIDC_REDIRECT_BASE", "").rstrip("/")

# Staff sign-in over SAML 2 (Skolfederation, docs/login.md): the federation's
# or the IdP's metadata (a file, or an https URL), and the service's own key
# and certificate. Unset metadata means no SAML sign-in.
SAML_IDP_METADATA = env_str("SAML_IDP_METADATA", "")
SAML_KEY_FILE = env_str("SAML_KEY_FILE", "")
SAML_CERT_FILE = env_str("SAML_CERT_FILE", "")
SAML_ENTITY_ID = env_str("SAML_ENTITY_ID", "")  # default: <base>/saml2/metadata/
SAML_LABEL = env_str("SAML_LABEL", "Personal: logga in via Skolfederation")
SAML_CONFIG_LOADER = "core.login.saml.config_loader"
SAML_SESSION_COOKIE_NAME = "saml_session"
SAML_CREATE_UNKNOWN_USER = False  # accounts come from the register (core.services.signin)
SAML_CSP_HANDLER = ""  # the service sets its own security headers
if SAML_IDP_METADATA and not (SAML_KEY_FILE and SAML_CERT_FILE):
    msg = "SAML_IDP_METADATA is set: SAML_KEY_FILE and SAML_CERT_FILE are needed too."
    raise ImproperlyConfigured(msg)

# Bearer tokens: every token expires, TOKEN_DEFAULT_DAYS after it is made
# unless asked otherwise, and never later than TOKEN_MAX_DAYS.
TOKEN_MAX_DAYS = env_int("TOKEN_MAX_DAYS", 365, minimum=1)
TOKEN_DEFAULT_DAYS = env_int("TOKEN_DEFAULT_DAYS", 90, minimum=1)
if TOKEN_MAX_DAYS > 3650 or TOKEN_DEFAULT_DAYS > TOKEN_MAX_DAYS:  # noqa: PLR2004 - ten years
    msg = (
        f"TOKEN_DEFAULT_DAYS={TOKEN_DEFAULT_DAYS} and TOKEN_MAX_DAYS={TOKEN_MAX_DAYS}: "
        "the default must not exceed the maximum, nor the maximum 3650."
    )
    raise ImproperlyConfigured(msg)

_ADMIN_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
# First path segments the service answers itself; the admin may not shadow them.
_ROUTES = frozenset(
    {
        "accounts",
        "analytics",
        "graphql",
        "healthz",
        "login",
        "media",
        "robots.txt",
        "saml2",
        "static",
    }
)


def _admin_path(raw: str) -> str:
    """The admin's URL prefix ('staff-7hq2/'), or '' for no admin at all."""
    value = raw.strip()
    if not value:
        return ""
    segments = value.split("/")
    if (
        segments[-1] != ""
        or not all(_ADMIN_SEGMENT.fullmatch(segment) for segment in segments[:-1])
        or segments[0] in _ROUTES
    ):
        msg = (
            f"ADMIN_PATH={raw!r} must be path segments each ending in '/', without a "
            "leading '/', e.g. 'staff-7hq2/', and not one of the service's own paths."
        )
        raise ImproperlyConfigured(msg)
    return value


# Where the Django admin answers. Unset: admin/ in development; with
# DEBUG=0 no admin at all until a path is chosen (one hard to guess).
ADMIN_PATH = _admin_path(env_str("ADMIN_PATH", "admin/" if DEBUG else ""))

STRAWBERRY_DJANGO = {
    "FIELD_DESCRIPTION_FROM_HELP_TEXT": True,
    "TYPE_DESCRIPTION_FROM_MODEL_DOCSTRING": True,
    "MAP_AUTO_ID_AS_GLOBAL_ID": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes reports each sign-in at INFO; failures and lockouts are warnings.
    # pysaml2's schema loader and djangosaml2 chat at INFO on every import.
    "loggers": {
        "axes": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},
        "saml2": {"level": "WARNING"},
        "djangosaml2": {"level": "WARNING"},
    },
}
