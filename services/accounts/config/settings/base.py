"""Settings of the accounts service: the shared defaults plus what is its own."""

from pathlib import Path

from lotr_kit.env import env_int, env_list, env_str
from lotr_kit.settings import *  # noqa: F403  shared defaults, see libs/lotr_kit/lotr_kit/settings.py
from lotr_kit.settings import COMMON_APPS, database_from_env, spectacular_settings

BASE_DIR = Path(__file__).resolve().parents[2]
# The checkout around services/<name>; in an image the service is /app and this is / (unused
# there: the image sets every path it needs).
REPO_DIR = BASE_DIR.parent.parent

INSTALLED_APPS = [*COMMON_APPS, "accounts"]
ROOT_URLCONF = "config.urls"
DATABASES = {"default": database_from_env(BASE_DIR / "var" / "accounts.sqlite3")}
STATIC_ROOT = env_str("DJANGO_STATIC_ROOT") or None
AUTH_USER_MODEL = "accounts.User"

# At least as strict as the original (8+ characters with a lower-case letter, an upper-case
# letter, a digit and a symbol), plus Django's checks against common and look-alike passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator"},
]

# The private key that signs JWTs (PEM): JWT_PRIVATE_KEY, or a file at JWT_PRIVATE_KEY_FILE.
# `manage.py ensure_signing_key` writes a development key there; no key is ever committed.
JWT_PRIVATE_KEY = env_str("JWT_PRIVATE_KEY")
JWT_PRIVATE_KEY_FILE = env_str("JWT_PRIVATE_KEY_FILE") or str(BASE_DIR / "var" / "jwt-signing-key.pem")
JWT_ACCESS_TTL_SECONDS = env_int("JWT_ACCESS_TTL_SECONDS", 900, minimum=1)
JWT_REFRESH_TTL_SECONDS = env_int("JWT_REFRESH_TTL_SECONDS", 14 * 24 * 3600, minimum=1)

# Live API keys one account may hold (POST /auth/keys past it: a 400), besides its login's key.
ACCOUNTS_MAX_API_KEYS = env_int("ACCOUNTS_MAX_API_KEYS", 25, minimum=1)

# This service verifies its own tokens without asking itself over HTTP.
LOTR_AUTH_KEY_RESOLVER = "accounts.tokens.verification_key"
LOTR_AUTH_API_KEY_VERIFIER = "accounts.services.api_key_verify"
LOTR_API_KEY_CACHE_SECONDS = 0  # the check is a local indexed lookup: revocation applies at once

# Bodies here are small JSON objects; anything larger is refused with a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024

SPECTACULAR_SETTINGS = spectacular_settings(
    title="Accounts service", description="Users, logins (JWT access and refresh tokens) and API keys."
)

# Events (docs/events.md): `manage.py relay_outbox` publishes this service's outbox and declares
# the durable queue of each consumer first, so a worker that never ran yet misses nothing.
LOTR_EVENTS_CONSUMERS = env_list("LOTR_EVENTS_CONSUMERS", ["book", "movie", "character"])
# Where GET /auth/me/export reads the user's favorites, with the caller's own token.
BOOK_SERVICE_URL = env_str("BOOK_SERVICE_URL", "http://127.0.0.1:8001")
MOVIE_SERVICE_URL = env_str("MOVIE_SERVICE_URL", "http://127.0.0.1:8002")
CHARACTER_SERVICE_URL = env_str("CHARACTER_SERVICE_URL", "http://127.0.0.1:8003")
# DELETE /auth/me without the password: only with an access JWT at most this old.
ACCOUNTS_DELETE_FRESH_SECONDS = env_int("ACCOUNTS_DELETE_FRESH_SECONDS", 300, minimum=1)
