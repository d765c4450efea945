"""Settings every service shares. A service's config/settings/base.py star-imports this
module, then adds its app, database and title with `database_from_env` and
`spectacular_settings`. Everything that differs between machines is an env var.
"""

import contextlib
import logging
import secrets
from importlib.metadata import version

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .docs import FILTER_LANGUAGE
from .env import env_bool, env_float, env_int, env_list, env_str

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set: set it to a long random string (or DJANGO_DEBUG=true for a throwaway key)."
        )
    SECRET_KEY = secrets.token_urlsafe(50)
    logging.getLogger("lotr_kit.settings").warning("DJANGO_SECRET_KEY is not set; using a random key (debug only).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# DJANGO_ENV=production (the containers' config.env): the settings `manage.py check --deploy
# --fail-level WARNING` asks for (`make check-deploy`, run in CI). docs/security.md.
DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r}: use development or production.")
if DJANGO_ENV == "production":
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG=true with DJANGO_ENV=production: debug pages would show settings.")
    # Admin's session and CSRF cookies go over HTTPS only.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # TLS ends in front of the services: the gateway always sets X-Forwarded-Proto itself
    # (gateway/snippets/proxy.conf), overwriting what a client sent, so the header is trusted.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [
        # SECURE_HSTS_SECONDS: HSTS is decided in one place, the gateway, which sends it on
        # every response (gateway/snippets/headers.conf); the services are never reached directly.
        "security.W004",
        # SECURE_SSL_REDIRECT: the services speak plain HTTP inside the network (the gateway,
        # the probes); redirecting to HTTPS is the TLS terminator's job in front of the gateway.
        "security.W008",
        # XFrameOptionsMiddleware and CsrfViewMiddleware do run, for /admin/ only, as the
        # subclasses in lotr_kit/admin_middleware.py, which this check does not recognise;
        # lotr_kit.checks errors out if they are missing. The API takes tokens, not cookies.
        "security.W002",
        "security.W003",
    ]

# The largest `limit` a client may ask for; larger values are capped (spec decisions table).
LOTR_MAX_LIMIT = env_int("LOTR_MAX_LIMIT", 10000, minimum=1)
# Reads of /v2 data need a valid token when on (the book routes stay open, as in the original).
LOTR_READS_REQUIRE_TOKEN = env_bool("LOTR_READS_REQUIRE_TOKEN", False)
# Where the accounts service answers: its JWKS verifies JWTs, it checks API keys.
ACCOUNTS_SERVICE_URL = env_str("ACCOUNTS_SERVICE_URL", "http://127.0.0.1:8004")
# How long an API key's check is remembered: a revoked key works at most this long.
LOTR_API_KEY_CACHE_SECONDS = env_int("LOTR_API_KEY_CACHE_SECONDS", 30, minimum=0)
# How often a process rereads the users whose tokens are refused (deleted accounts): a
# deletion reaches every token check at most this long after the service's worker saw it.
LOTR_REVOCATION_REFRESH_SECONDS = env_float("LOTR_REVOCATION_REFRESH_SECONDS", 1.0)
# How often a process looks for `data.changed` events its service's worker recorded (an import
# or a sync changed data somewhere): what it cached from that data is dropped at most this late.
LOTR_DATA_CHANGES_REFRESH_SECONDS = env_float("LOTR_DATA_CHANGES_REFRESH_SECONDS", 1.0)
# The message broker of the events (docs/events.md): RabbitMQ, e.g. amqp://guest:guest@127.0.0.1:5672//;
# unset, the development broker, a SQLite file under var/ (not for production).
LOTR_BROKER_URL = env_str("LOTR_BROKER_URL", "")
# A failing event is tried this many times, then moved to the service's dead-letter queue.
LOTR_EVENTS_MAX_TRIES = env_int("LOTR_EVENTS_MAX_TRIES", 5, minimum=1)
# Calls to other services; past them (after retries on connection failures and 502-504), a 503.
SERVICE_CONNECT_TIMEOUT = env_float("SERVICE_CONNECT_TIMEOUT", 1.0)
SERVICE_READ_TIMEOUT = env_float("SERVICE_READ_TIMEOUT", 10.0)
SERVICE_RETRIES = env_int("SERVICE_RETRIES", 2, minimum=0)

# Time one list request may spend matching regex filters; past it, a 400.
LOTR_REGEX_TIMEOUT_MS = env_int("LOTR_REGEX_TIMEOUT_MS", 2000, minimum=1)

COMMON_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "lotr_kit",
]

MIDDLEWARE = [
    "lotr_kit.metrics.PrometheusBeforeMiddleware",  # django-prometheus's series, less work (metrics.py)
    "lotr_kit.middleware.RequestIdMiddleware",
    # ETag on every GET and 304 for a matching If-None-Match, through the gateway too.
    "lotr_kit.middleware.ConditionalGetMiddleware",
    "lotr_kit.middleware.ApiPathMiddleware",
    "lotr_kit.errors.JsonErrorMiddleware",
    "lotr_kit.middleware.PrivateResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lotr_kit.admin_middleware.AdminSessionMiddleware",
    "lotr_kit.middleware.CommonMiddleware",
    "lotr_kit.admin_middleware.AdminCsrfViewMiddleware",
    "lotr_kit.admin_middleware.AdminAuthenticationMiddleware",
    "lotr_kit.admin_middleware.AdminMessageMiddleware",
    "lotr_kit.admin_middleware.AdminXFrameOptionsMiddleware",
    "lotr_kit.metrics.PrometheusAfterMiddleware",
]

# /v2/book/ and /v2/book answer the same (ApiPathMiddleware); no redirects.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"

STATIC_URL = "/static/"
# Served by WhiteNoise from the installed apps (Swagger UI and admin assets), so a
# service needs no collectstatic to run; images collect them at build time instead.
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["lotr_kit.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["lotr_kit.renderers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "lotr_kit.renderers.AlwaysJSONNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": ["lotr_kit.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["lotr_kit.auth.ReadsRequireToken"],
    "UNAUTHENTICATED_USER": None,
    # No OPTIONS self-description: other methods than GET/HEAD are a 405 (decisions table).
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "lotr_kit.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "lotr_kit.schema.ResourceAutoSchema",
    # `format` is a filter field name like any other, not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lotr_kit.middleware.RequestIdLogFilter"}},
    "formatters": {"json": {"()": "lotr_kit.middleware.JsonLogFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
# Error reports (debug pages, mail to ADMINS) without the caller's token (lotr_kit/error_reports.py).
DEFAULT_EXCEPTION_REPORTER = "lotr_kit.error_reports.RedactingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "lotr_kit.error_reports.RedactingExceptionReporterFilter"


# The longest /readyz waits for the database (seconds): below the readiness probe's timeout.
DB_READY_TIMEOUT = env_float("DB_READY_TIMEOUT", 2.0)
# Models that must hold rows before /readyz says ready ("app.Model"; the data services set it).
LOTR_READY_MODELS: list[str] = []

# A connection used this recently skips the health check (lotr_kit/db/postgresql/base.py).
DB_HEALTH_CHECK_IDLE_SECONDS = env_float("DB_HEALTH_CHECK_IDLE_SECONDS", 1.0)


# SQLite (`make run` without DATABASE_URL): readers never wait for the writer (WAL), a commit
# waits for the log, not the disk (synchronous=NORMAL, safe in WAL mode: a power cut loses at
# most the last commits, never the file), reads from the mapped file, and a writer waits up to
# DB_SQLITE_BUSY_TIMEOUT seconds for another (`timeout`) in a transaction that takes the write
# lock when it begins (IMMEDIATE): with Django's DEFERRED one, two that read, then write, fail
# at once with "database is locked", a 500 (tests/system/test_favorites_race.py).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=67108864",
    "transaction_mode": "IMMEDIATE",
    "timeout": env_float("DB_SQLITE_BUSY_TIMEOUT", 20.0),
}


def database_from_env(default_sqlite_path) -> dict:
    """DATABASE_URL (dj-database-url), or an SQLite file under the service's var/."""
    url = env_str("DATABASE_URL") or f"sqlite:///{default_sqlite_path}"
    if url.startswith("sqlite:"):
        # Only a checkout's local run uses the default file. An image (read-only, non-root)
        # always has DATABASE_URL; without it, SQLite itself reports the unwritable path when
        # a query runs, instead of every command failing here on import.
        with contextlib.suppress(OSError):
            default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, checking a persistent connection only after it sat idle.
        config["ENGINE"] = "lotr_kit.db.postgresql"
        # Server-side parameters, and psycopg preparing a statement once a connection has run
        # it five times (its own default; Django turns it off unless asked): PostgreSQL then
        # plans each list query once per connection instead of on every request, which costs
        # more than running it on these tables (pgbench on the filtered list: twice the rate).
        # Off for a pooler in transaction mode that cannot keep prepared statements.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("server_side_binding", True)
        if env_bool("DB_PREPARED_STATEMENTS", True):
            options.setdefault("prepare_threshold", 5)
        # Client-side limits, so a database that stops answering costs a request a few seconds
        # and a 503, never a worker thread for good (docs/resilience.md):
        # connecting (libpq counts whole seconds, 2 at least), a dead peer on an idle connection
        # (TCP keepalives: found within idle + interval x count seconds), data the peer does not
        # acknowledge (tcp_user_timeout), and a server that acknowledges but never answers (the
        # backend's deadline on every wait, lotr_kit/db/postgresql/base.py).
        statement_timeout_ms = env_int("DB_STATEMENT_TIMEOUT_MS", 5000, minimum=0)
        options.setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 2, minimum=1))
        options.setdefault("options", f"-c statement_timeout={statement_timeout_ms}")
        options.setdefault("keepalives", 1)
        options.setdefault("keepalives_idle", env_int("DB_KEEPALIVES_IDLE", 10, minimum=1))
        options.setdefault("keepalives_interval", env_int("DB_KEEPALIVES_INTERVAL", 2, minimum=1))
        options.setdefault("keepalives_count", env_int("DB_KEEPALIVES_COUNT", 3, minimum=1))
        options.setdefault("tcp_user_timeout", env_int("DB_TCP_USER_TIMEOUT_MS", 5000, minimum=0))
        # The server's own limit plus a second for the answer to arrive; 0 turns it off.
        default_client_ms = statement_timeout_ms + 1000 if statement_timeout_ms else 0
        options.setdefault("client_timeout_ms", env_int("DB_CLIENT_TIMEOUT_MS", default_client_ms, minimum=0))
    return config


def spectacular_settings(*, title: str, description: str) -> dict:
    return {
        "TITLE": title,
        "DESCRIPTION": f"{description}\n\n{FILTER_LANGUAGE}",
        # The release, from the VERSION file through the lotr-kit package's metadata.
        "VERSION": version("lotr-kit"),
        "SERVE_INCLUDE_SCHEMA": False,
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "COMPONENT_SPLIT_REQUEST": True,
    }
