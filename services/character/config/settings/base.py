"""Settings of the character service: the shared defaults plus what is its own."""

from pathlib import Path

from lotr_kit.env import env_float, env_str
from lotr_kit.settings import *  # noqa: F403  shared defaults, see libs/lotr_kit/lotr_kit/settings.py
from lotr_kit.settings import COMMON_APPS, database_from_env, spectacular_settings

BASE_DIR = Path(__file__).resolve().parents[2]
# The checkout around services/<name>; in an image the service is /app and this is / (unused
# there: the image sets every path it needs).
REPO_DIR = BASE_DIR.parent.parent

INSTALLED_APPS = [*COMMON_APPS, "characters"]
ROOT_URLCONF = "config.urls"
DATABASES = {"default": database_from_env(BASE_DIR / "var" / "character.sqlite3")}
# The accounts service's public keys as last fetched (or as configured): JWTs verify with
# them while accounts is down, in workers started since too (lotr_kit/auth.py PublicKeys).
LOTR_JWKS_FILE = env_str("LOTR_JWKS_FILE") or str(BASE_DIR / "var" / "jwks.json")
# /readyz answers 503 until the data is imported (manage.py import_data).
LOTR_READY_MODELS = ["characters.Character"]
# Where collectstatic puts files for images; unset locally, where WhiteNoise finds them in the apps.
STATIC_ROOT = env_str("DJANGO_STATIC_ROOT") or None

# One-API-format CSVs for import_data; the project's own small sample when unset.
LOTR_DATA_DIR = env_str("LOTR_DATA_DIR") or str(REPO_DIR / "data" / "sample")

SPECTACULAR_SETTINGS = spectacular_settings(
    title="Character service", description="Characters; their quotes come from the movie service."
)

# The movie service answers /v2/character/{id}/quote; a slow or absent one means a 503.
MOVIE_SERVICE_URL = env_str("MOVIE_SERVICE_URL", "http://127.0.0.1:8002")
# How long a character found in the table is trusted for its quotes while the movie service's
# answer vouches for it (characters.selectors.character_seen): characters change only on import or sync.
LOTR_SEEN_CHARACTER_SECONDS = env_float("LOTR_SEEN_CHARACTER_SECONDS", 300.0)

# Events (docs/events.md): this service's worker consumes lotr.character.events; on user.deleted it
# deletes the user's rows of these models and refuses the user's tokens from then on.
LOTR_EVENTS_CONSUMER = "character"
LOTR_USER_DATA_MODELS = ["characters.FavoriteCharacter"]
