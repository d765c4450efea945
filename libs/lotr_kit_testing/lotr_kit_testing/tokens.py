"""Tokens for a service's suite without the accounts service: JWTs signed with a key of the
suite's own, and API keys held in memory, both checked through the kit's hooks
(LOTR_AUTH_KEY_RESOLVER, LOTR_AUTH_API_KEY_VERIFIER in lotr_kit.auth).

Only the service's side is tested this way: how it reads, verifies, caches and refuses a
token. Tokens that the real accounts service issued and revokes are the system and gateway
tests' part (tests/system, gateway/tests).
"""

import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from lotr_kit.auth import API_KEY_SHAPE, JWT_AUDIENCE, JWT_ISSUER
from lotr_kit.objectid import new_object_id

KEY_ID = "suite-key"
RESOLVER = "lotr_kit_testing.tokens.verification_key"
VERIFIER = "lotr_kit_testing.tokens.api_key_verify"


@cache
def signing_key() -> rsa.RSAPrivateKey:
    """The suite's own RSA key, made once per test process."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def verification_key(token: str):
    """LOTR_AUTH_KEY_RESOLVER: the suite's public key for its key id; any other id is unknown."""
    if jwt.get_unverified_header(token).get("kid") != KEY_ID:
        raise jwt.InvalidKeyError("unknown key id")
    return signing_key().public_key()


# API keys issued by `Issuer.api_key` and not revoked: key -> what the accounts service answers.
_api_keys: dict[str, dict] = {}


def api_key_verify(key: str) -> dict | None:
    """LOTR_AUTH_API_KEY_VERIFIER: the owner of a key issued here, None for any other."""
    return _api_keys.get(key)


class Issuer:
    """Mints tokens as the accounts service shapes them (claims, key id, API-key form)."""

    def access(self, *, user_id: str, expired=False, key=None, lifetime=timedelta(minutes=5)) -> str:
        """An access JWT for `user_id`, signed with the suite's key (or `key`, which no one trusts)."""
        now = datetime.now(UTC)
        claims = {
            "iss": JWT_ISSUER,
            "aud": JWT_AUDIENCE,
            "sub": user_id,
            "typ": "access",
            "iat": now - timedelta(hours=1),
            "exp": now - timedelta(seconds=5) if expired else now + lifetime,
        }
        return jwt.encode(claims, key or signing_key(), algorithm="RS256", headers={"kid": KEY_ID})

    def api_key(self, *, user_id: str, email: str) -> str:
        key = "lotr_" + secrets.token_urlsafe(32)
        assert API_KEY_SHAPE.fullmatch(key), key
        _api_keys[key] = {"user_id": user_id, "email": email}
        return key

    def revoke(self, key: str) -> None:
        _api_keys.pop(key, None)

    def user(self, email: str) -> dict:
        """A new user's id and tokens: `access` (a JWT) and `access_token` (an API key)."""
        user_id = new_object_id()
        return {
            "id": user_id,
            "email": email,
            "access": self.access(user_id=user_id),
            "access_token": self.api_key(user_id=user_id, email=email),
        }
