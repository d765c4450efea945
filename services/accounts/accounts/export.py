"""GET /auth/me/export: what this service keeps about a user, and their favorites from the
data services, each asked with the caller's own token (docs/events.md explains why)."""

from django.conf import settings

from lotr_kit.client import ServiceClient, ServiceUnavailable

from .models import User
from .services import AccountError

# (name in the export, setting of the service's URL, the service's list of the caller's favorites)
FAVORITES = (
    ("books", "BOOK_SERVICE_URL", "/v2/me/favorites/books"),
    ("movies", "MOVIE_SERVICE_URL", "/v2/me/favorites/movies"),
    ("quotes", "MOVIE_SERVICE_URL", "/v2/me/favorites/quotes"),
    ("characters", "CHARACTER_SERVICE_URL", "/v2/me/favorites/characters"),
)
PAGE = 1000


def _favorites(client: ServiceClient, path: str, authorization: str) -> list[dict]:
    docs, page = [], 1
    while True:
        try:
            response = client.get(
                path, query_string=f"limit={PAGE}&page={page}", headers={"Authorization": authorization}
            )
        except ServiceUnavailable:
            response = None
        if response is None or response.status_code != 200:
            raise AccountError(
                "The export could not read every service's data; nothing was left out on purpose: try again.",
                status=503,
            )
        body = response.json()
        docs.extend(body.get("docs", []))
        if page >= int(body.get("pages") or 1):
            return docs
        page += 1


def user_export(*, user: User, authorization: str) -> dict:
    """The account, its API keys, its sessions (the API shapes them) and its favorites in every
    service, each list read whole; AccountError (503) when a service does not answer."""
    favorites = {}
    for name, setting, path in FAVORITES:
        client = ServiceClient.from_settings(getattr(settings, setting))
        favorites[name] = _favorites(client, path, authorization)
    return {
        "user": user,
        "api_keys": list(user.api_keys.all()),
        "sessions": list(user.refresh_tokens.order_by("expires_at")),
        "favorites": favorites,
    }
