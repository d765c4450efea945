"""Who is calling: one DRF authentication class for every service.

A token comes as `Authorization: Bearer <token>` (the scheme in any case, exactly one
space) or as `?access_token=<token>`, never both. A JWT (three dot-separated parts) is
verified locally with the accounts service's public keys: those of LOTR_JWKS_FILE (a JWKS
document: the last one fetched, or one provided by configuration), refreshed from the
accounts service's JWKS URL, so a worker started while accounts is down still verifies.
Anything else is an API key, checked with the accounts service over HTTP and remembered
for LOTR_API_KEY_CACHE_SECONDS, which is how long a revoked key may still work. A token
that is sent but not valid is a 401 wherever tokens are looked at; no token means an
anonymous caller. Open data reads do not look at tokens at all (`reads_ignore_tokens`).
"""

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import jwt
from django.conf import settings
from django.core.cache import caches
from django.utils.module_loading import import_string
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from .client import ServiceClient, ServiceUnavailable
from .revocation import revoked_users

# The only shape the accounts service issues (`lotr_` + 32 random bytes, URL-safe base64):
# anything else is refused here, without asking accounts.
API_KEY_SHAPE = re.compile(r"lotr_[A-Za-z0-9_-]{43}")

logger = logging.getLogger("lotr_kit.auth")

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
        user = jwt_user(token) if token.count(".") == 2 else api_key_user(token)
        if user.id in revoked_users:  # a deleted account (lotr_kit/revocation.py)
            raise exceptions.AuthenticationFailed("This account does not exist any more.")
        return user, token

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
    except jwt.PyJWTError:
        raise exceptions.AuthenticationFailed("Invalid or expired token.") from None
    if claims.get("typ") != "access":
        raise exceptions.AuthenticationFailed("Not an access token.")
    return TokenUser(id=claims["sub"], email=claims.get("email", ""), via="jwt"), float(claims["exp"])


def verification_key(token: str):
    """The public key for the token's key id: LOTR_AUTH_KEY_RESOLVER, else the accounts keys."""
    resolver = getattr(settings, "LOTR_AUTH_KEY_RESOLVER", None)
    if resolver:
        return import_string(resolver)(token)
    kid = jwt.get_unverified_header(token).get("kid")
    if not isinstance(kid, str):
        raise jwt.InvalidTokenError("no key id")
    return public_keys().key(kid)


class PublicKeys:
    """The accounts service's public keys by key id.

    Read at start from `path` when it exists: the JWKS last fetched by any worker, or one
    provided by configuration (a mounted ConfigMap, `manage.py export_jwks` of accounts).
    The JWKS URL is the refresh path only: asked for an unknown key id (a rotation) and once
    the keys are older than `lifespan`, at most every `cooldown` seconds after a failure; each
    answer replaces the keys and is written back to `path` when it is writable. While
    accounts is down, the keys held keep verifying; only an unknown key id is a 503. A
    request whose key is known never waits on the network: stale keys are refreshed in a
    thread of their own while it goes on (a slow name lookup or a restarting accounts could
    otherwise hold it for the client's whole timeout).
    """

    def __init__(self, fetch, path: str, *, lifespan: float = 300, cooldown: float = 10):
        self.fetch, self.path, self.lifespan, self.cooldown = fetch, Path(path) if path else None, lifespan, cooldown
        self.lock = threading.Lock()
        self.keys: dict[str, object] = {}
        self.fetched_at = self.failed_at = float("-inf")
        if self.path is not None and self.path.is_file():
            try:
                self.keys = self._parse(json.loads(self.path.read_text()))
            except (ValueError, jwt.PyJWTError) as error:
                logger.warning("LOTR_JWKS_FILE %s is not a usable JWKS (%s); fetching instead", self.path, error)

    @staticmethod
    def _parse(document: dict) -> dict:
        return {k.key_id: k.key for k in jwt.PyJWKSet.from_dict(document).keys if k.key_id}

    def key(self, kid: str):
        known = self.keys.get(kid)
        if known is not None:
            if time.monotonic() - self.fetched_at > self.lifespan and self.lock.acquire(blocking=False):
                threading.Thread(target=self._refresh_and_release, name="jwks-refresh", daemon=True).start()
            return known
        with self.lock:  # an unknown key id (a rotation): asked for now, one thread at a time
            self._refresh()
        found = self.keys.get(kid)
        if found is not None:
            return found
        if self.failed_at > self.fetched_at:
            raise AccountsUnavailable
        raise jwt.InvalidKeyError("unknown key id")

    def _refresh_and_release(self) -> None:
        try:
            self._refresh()
        finally:
            self.lock.release()

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self.failed_at < self.cooldown or now - self.fetched_at < 1:
            return
        try:
            document = self.fetch()
            keys = self._parse(document)
        except (ServiceUnavailable, ValueError, KeyError, jwt.PyJWTError) as error:
            self.failed_at = now
            logger.warning("fetching the accounts JWKS failed: %s", error)
            return
        self.keys, self.fetched_at = keys, now
        if self.path is not None:
            self._save(document)

    def _save(self, document: dict) -> None:
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w") as out:
                json.dump(document, out)
            os.chmod(temporary, 0o644)  # public keys
            os.replace(temporary, self.path)
        except OSError as error:  # a read-only mount: the configured keys stay as they are
            logger.info("LOTR_JWKS_FILE %s not written: %s", self.path, error)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


def _fetch_jwks() -> dict:
    response = accounts_service().get("/auth/.well-known/jwks.json")
    if response.status_code != 200:
        raise ServiceUnavailable(f"JWKS answered {response.status_code}")
    return response.json()


@cache
def public_keys() -> PublicKeys:
    return PublicKeys(_fetch_jwks, getattr(settings, "LOTR_JWKS_FILE", ""))


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


def needs_user(view) -> bool:
    """Whether a view (its class or an instance) is for a signed-in user only (favorites)."""
    return any(issubclass(permission, IsTokenUser) for permission in view.permission_classes)


def reads_ignore_tokens(view) -> bool:
    """Whether a read view (its class or an instance) looks at no token at all: the book
    routes never do, the other /v2 data reads not while reads are open
    (LOTR_READS_REQUIRE_TOKEN off), as the original's public routes do; so an SDK still
    sending its the-one-api.dev key works unchanged. Views that need a user (favorites)
    always check the token."""
    if needs_user(view):
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
