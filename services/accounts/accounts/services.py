"""Writes of the accounts service: users, logins, refresh-token rotation, API keys."""

import hashlib
import secrets
from datetime import timedelta

import jwt
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lotr_kit.errors import ApiError
from lotr_kit.events import outbox_add

from .models import ApiKey, RefreshToken, User
from .tokens import access_token_issue, refresh_token_decode, refresh_token_sign

API_KEY_PREFIX = "lotr_"


class AccountError(ApiError):
    """A request this service refuses: the kit's exception handler answers it (lotr_kit/errors.py)."""


def user_register(*, email: str, password: str) -> User:
    email = User.objects.normalize_email(email).lower()
    if len(email) > 254:  # lower-casing can lengthen some characters ("İ" becomes two)
        raise AccountError("email: Ensure this field has no more than 254 characters.", errors={"email": ["Too long."]})
    candidate = User(email=email)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages), errors={"password": error.messages}) from None
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password)
    except IntegrityError:
        raise AccountError("User already exists", errors={"email": ["User already exists"]}) from None


def _hash(key: str) -> str:
    # API keys are 32 random bytes: a fast hash is enough to keep them unreadable at rest,
    # and it lets a key be found by its hash (unlike salted password hashes).
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, user: User, name: str, from_login: bool = False) -> tuple[ApiKey, str]:
    """A new key; the plaintext is returned once and never stored. A user holds at most
    ACCOUNTS_MAX_API_KEYS live keys besides the one of their last login."""
    from django.conf import settings

    if not from_login:
        # The user's row is locked, so concurrent creations count one after the other.
        User.objects.select_for_update().filter(pk=user.pk).first()
        live = ApiKey.objects.filter(user=user, from_login=False, revoked_at__isnull=True).count()
        if live >= settings.ACCOUNTS_MAX_API_KEYS:
            raise AccountError(
                f"This account already has {live} API keys, the most allowed: revoke one "
                "(DELETE /auth/keys/{id}) before creating another.",
                status=400,
            )
    plaintext = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        user=user, name=name, prefix=plaintext[:12], key_hash=_hash(plaintext), from_login=from_login
    )
    return key, plaintext


def api_key_revoke(*, user: User, key_id: str) -> bool:
    return bool(ApiKey.objects.filter(user=user, pk=key_id, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def api_key_verify(key: str) -> dict | None:
    """The owner of a live key, or None (lotr_kit.auth's verifier in this service)."""
    found = (
        ApiKey.objects.filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .values("user_id", "user__email")
        .first()
    )
    return {"user_id": found["user_id"], "email": found["user__email"]} if found else None


def _refresh_issue(*, user: User, family: str) -> str:
    from django.conf import settings

    jti = secrets.token_hex(16)
    expires_at = timezone.now() + timedelta(seconds=settings.JWT_REFRESH_TTL_SECONDS)
    RefreshToken.objects.create(jti=jti, user=user, family=family, expires_at=expires_at)
    return refresh_token_sign(user=user, jti=jti, expires_at=expires_at)


@transaction.atomic
def user_login(*, user: User) -> dict:
    """Tokens for a user whose password was checked: access + refresh JWTs, and an API key
    as the One API's `access_token` (this login's key replaces the previous login's)."""
    ApiKey.objects.filter(user=user, from_login=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    _, access_token = api_key_create(user=user, name="login", from_login=True)
    access = access_token_issue(user=user)
    return {
        "token": access,
        "email": user.email,
        "access_token": access_token,
        "access": access,
        "refresh": _refresh_issue(user=user, family=secrets.token_hex(16)),
    }


def refresh_rotate(*, token: str) -> dict:
    """New access and refresh tokens for a live refresh token, which is used up. A token
    used twice means it leaked: every token of its family is revoked."""
    try:
        claims = refresh_token_decode(token)
    except jwt.PyJWTError:
        raise AccountError("Invalid or expired refresh token.", status=401) from None
    with transaction.atomic():
        stored = RefreshToken.objects.select_for_update().select_related("user").filter(jti=claims["jti"]).first()
        reused = stored is not None and stored.revoked_at is not None
        if reused:
            RefreshToken.objects.filter(family=stored.family, revoked_at__isnull=True).update(revoked_at=timezone.now())
        elif stored is not None and stored.user.is_active:
            stored.revoked_at = timezone.now()
            stored.save(update_fields=["revoked_at"])
            return {
                "access": access_token_issue(user=stored.user),
                "refresh": _refresh_issue(user=stored.user, family=stored.family),
            }
    # Outside the transaction, so the family's revocation above stays.
    raise AccountError("Invalid or expired refresh token.", status=401)


def refresh_revoke(*, token: str) -> None:
    """Logout: the refresh token (and the rest of its family) stops working."""
    try:
        claims = refresh_token_decode(token)
    except jwt.PyJWTError:
        raise AccountError("Invalid or expired refresh token.", status=401) from None
    stored = RefreshToken.objects.filter(jti=claims["jti"]).first()
    if stored is None:
        raise AccountError("Invalid or expired refresh token.", status=401)
    RefreshToken.objects.filter(family=stored.family, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise AccountError("The current password is not correct.", errors={"old_password": ["Not correct."]})
    try:
        password_validation.validate_password(new_password, user=user)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages), errors={"new_password": error.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Sessions elsewhere end: refresh tokens stop working (access tokens expire on their own).
    RefreshToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_delete(*, user: User) -> None:
    """The account, its API keys and refresh tokens go in one transaction, with a
    `user.deleted` event in the outbox of that same transaction: the relay announces it to
    every service, whose workers delete the user's data and refuse their tokens (docs/events.md)."""
    with transaction.atomic():
        outbox_add("user.deleted", {"user_id": user.id})
        ApiKey.objects.filter(user=user).delete()
        RefreshToken.objects.filter(user=user).delete()
        user.delete()
