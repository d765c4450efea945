"""The JWT signing key (RS256, held by this service alone) and the tokens it signs."""

import base64
import hashlib
import json
import secrets
from datetime import timedelta
from functools import cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from lotr_kit.auth import JWT_AUDIENCE, JWT_ISSUER


def private_key_generate(path: Path) -> bool:
    """Write a new 2048-bit RSA key to `path` (mode 0600) unless one is there; True if written."""
    if path.exists():
        return False
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(pem)
    return True


@cache
def private_key():
    pem = settings.JWT_PRIVATE_KEY.encode() if settings.JWT_PRIVATE_KEY else None
    if pem is None:
        path = Path(settings.JWT_PRIVATE_KEY_FILE)
        if not path.is_file():
            raise ImproperlyConfigured(
                f"No JWT signing key: set JWT_PRIVATE_KEY, or put a PEM file at JWT_PRIVATE_KEY_FILE ({path}); "
                "`python manage.py ensure_signing_key` writes one for development."
            )
        pem = path.read_bytes()
    return serialization.load_pem_private_key(pem, password=None)


@cache
def public_jwk() -> dict:
    """The public key as a JWK, with the RFC 7638 thumbprint as its key id."""
    jwk = RSAAlgorithm.to_jwk(private_key().public_key(), as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def jwks() -> dict:
    return {"keys": [public_jwk()]}


def verification_key(token: str):
    """For lotr_kit.auth: this service checks its own tokens with its own public key."""
    kid = jwt.get_unverified_header(token).get("kid")
    if kid != public_jwk()["kid"]:
        raise jwt.InvalidKeyError("Unknown key id.")
    return private_key().public_key()


def _sign(claims: dict) -> str:
    return jwt.encode(claims, private_key(), algorithm="RS256", headers={"kid": public_jwk()["kid"]})


def access_token_issue(*, user) -> str:
    now = timezone.now()
    return _sign(
        {
            "iss": JWT_ISSUER,
            "aud": JWT_AUDIENCE,
            "sub": user.id,
            "email": user.email,
            "typ": "access",
            "iat": now,
            "exp": now + timedelta(seconds=settings.JWT_ACCESS_TTL_SECONDS),
            "jti": secrets.token_hex(16),
        }
    )


def refresh_token_sign(*, user, jti: str, expires_at) -> str:
    return _sign(
        {
            "iss": JWT_ISSUER,
            "aud": JWT_AUDIENCE,
            "sub": user.id,
            "typ": "refresh",
            "iat": timezone.now(),
            "exp": expires_at,
            "jti": jti,
        }
    )


def refresh_token_decode(token: str) -> dict:
    """Claims of a refresh token signed here; raises jwt.PyJWTError otherwise."""
    claims = jwt.decode(
        token,
        verification_key(token),
        algorithms=["RS256"],
        audience=JWT_AUDIENCE,
        issuer=JWT_ISSUER,
        options={"require": ["exp", "sub", "jti", "typ"]},
    )
    if claims["typ"] != "refresh":
        raise jwt.InvalidTokenError("Not a refresh token.")
    return claims
