"""Who is calling: one DRF authentication class for every service.

A token comes as `Authorization: Bearer <token>` (the scheme in any case, exactly one
space) or as `?access_token=<token>`, never both. A JWT (three dot-separated parts) is
verified locally with the accounts service's public keys (JWKS, fetched once and kept;
fetched again for an unknown key id). Anything else is an API key, checked with the
accounts service over HTTP and remembered for LOTR_API_KEY_CACHE_SECONDS, which is how
long a revoked key may still work. A token that is sent but not valid is a 401 wherever
tokens are looked at; no token means an anonymous caller. Open data reads do not look at
tokens at all (`reads_ignore_tokens`).
"""

import hashlib
import re
import time
from dataclasses import dataclass
from functools import cache, lru_cache

import jwt
from django.conf import settings
from django.core.cache import caches
from django.utils.module_loading import import_string
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from .client import ServiceClient, ServiceUnavailable

# The only shape the accounts service issues (`lotr_` + 32 random bytes, URL-safe base64):
# anything else is refused here, without asking accounts.
API_KEY_SHAPE = re.compile(r"lotr_[A-Za-z0-9_-]{43}")

JWT_ALGORITHMS = ["RS256"]
JWT_AUDIENCE = "lotr-api"
JWT_ISSUER = "lotr-accounts"


class AccountsUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "Service currently not available."


@dataclass(frozen=True)
class TokenUser:
    """The caller a valid token names; services keep only its id next to their own rows."""

    id: str
    email: str
    via: str  # "jwt" or "api_key"

    is_authenticated = True
    is_anonymous = False


def token_from_request(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION")
    query = request.query_params.get("access_token") if hasattr(request, "query_params") else None
    if header is not None and query is not None:
        raise exceptions.AuthenticationFailed("Send the token in the Authorization header or access_token, not both.")
    if header is not None:
        parts = header.split(" ")
        if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1]:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Bearer <token>'.")
        return parts[1]
    if query is not None:
        if not query:
            raise exceptions.AuthenticationFailed("Empty access_token.")
        return query
    return None


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = token_from_request(request)
        if token is None:
            return None
        if token.count(".") == 2:
            return jwt_user(token), token
        return api_key_user(token), token

    def authenticate_header(self, request):
        # A value makes DRF answer 401 rather than 403; the error handler sends no
        # WWW-Authenticate header, as the original does not.
        return "Bearer"


def jwt_user(token: str) -> TokenUser:
    user, expires = verified_jwt(token)
    if time.time() >= expires:
        raise exceptions.AuthenticationFailed("Invalid or expired token.")
    return user


# A JWT cannot change, so its verification (an RSA signature check, most of an authenticated
# request's time here) is done once per token and kept until it expires; every use still
# checks the expiry. Failures are not kept: an exception leaves no entry.
@lru_cache(maxsize=4096)
def verified_jwt(token: str) -> tuple[TokenUser, float]:
    try:
        key = verification_key(token)
        claims = jwt.decode(
            token,
            key,
            algorithms=JWT_ALGORITHMS,
            audience=JWT_AUDIENCE,
            issuer=JWT_ISSUER,
            options={"require": ["exp", "iat", "sub", "typ"]},
        )
    except jwt.PyJWKClientConnectionError:
        raise AccountsUnavailable from None
    except jwt.PyJWTError:
        raise exceptions.AuthenticationFailed("Invalid or expired token.") from None
    if claims.get("typ") != "access":
        raise exceptions.AuthenticationFailed("Not an access token.")
    return TokenUser(id=claims["sub"], email=claims.get("email", ""), via="jwt"), float(claims["exp"])


def verification_key(token: str):
    """The public key for the token's key id: LOTR_AUTH_KEY_RESOLVER, else the accounts JWKS."""
    resolver = getattr(settings, "LOTR_AUTH_KEY_RESOLVER", None)
    if resolver:
        return import_string(resolver)(token)
    return jwks_client().get_signing_key_from_jwt(token).key


@cache
def jwks_client() -> jwt.PyJWKClient:
    # cache_keys keeps every key once seen, so JWTs keep verifying while accounts is down;
    # an unknown key id (after a rotation) triggers one fetch, at most every cooldown.
    return jwt.PyJWKClient(
        f"{settings.ACCOUNTS_SERVICE_URL.rstrip('/')}/auth/.well-known/jwks.json",
        cache_keys=True,
        lifespan=300,
        timeout=settings.SERVICE_CONNECT_TIMEOUT + settings.SERVICE_READ_TIMEOUT,
        cooldown_duration=10,
    )


def api_key_user(key: str) -> TokenUser:
    """The owner of an API key, asked of the accounts service and cached briefly."""
    if not API_KEY_SHAPE.fullmatch(key):
        raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
    cache_key = "lotr-api-key:" + hashlib.sha256(key.encode()).hexdigest()
    store = caches["default"]
    found = store.get(cache_key)
    if found is None:
        verifier = getattr(settings, "LOTR_AUTH_API_KEY_VERIFIER", None)
        found = import_string(verifier)(key) if verifier else _verify_remotely(key)
        store.set(cache_key, found or {}, settings.LOTR_API_KEY_CACHE_SECONDS)
    if not found:
        raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
    return TokenUser(id=found["user_id"], email=found["email"], via="api_key")


@cache
def accounts_service() -> ServiceClient:
    return ServiceClient.from_settings(settings.ACCOUNTS_SERVICE_URL)


def _verify_remotely(key: str) -> dict | None:
    try:
        response = accounts_service().get("/internal/keys/verify", headers={"X-API-Key": key})
    except ServiceUnavailable:
        raise AccountsUnavailable from None
    if response.status_code == 200:
        body = response.json()
        return {"user_id": body["user_id"], "email": body["email"]}
    if response.status_code == 404:
        return None
    raise AccountsUnavailable


def reads_ignore_tokens(view) -> bool:
    """Whether a read view looks at no token at all: the book routes never do, the other
    /v2 data reads not while reads are open (LOTR_READS_REQUIRE_TOKEN off), as the original's
    public routes do; so an SDK still sending its the-one-api.dev key works unchanged.
    Views that need a user (favorites) always check the token."""
    if any(isinstance(permission, IsTokenUser) for permission in view.get_permissions()):
        return False
    return getattr(view, "public", False) or not settings.LOTR_READS_REQUIRE_TOKEN


class ReadsRequireToken(BasePermission):
    """Reads are open unless LOTR_READS_REQUIRE_TOKEN is on; views with `public = True`
    (the book routes, as in the original) stay open even then."""

    def has_permission(self, request, view):
        if not settings.LOTR_READS_REQUIRE_TOKEN or getattr(view, "public", False):
            return True
        return request.user is not None


class IsTokenUser(BasePermission):
    """A user is needed (favorites, account pages)."""

    def has_permission(self, request, view):
        return isinstance(request.user, TokenUser)
