"""DELETE /auth/me: confirmation, what goes, and the user.deleted event in the outbox of the
same transaction. (Relay, workers and the other services: tests/system/test_events.py.)"""

import json
import time

import jwt
import pytest
from accounts.models import ApiKey, RefreshToken, User
from accounts.tokens import private_key, public_jwk

from lotr_kit.models import OutboxEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Mellon-2-friend!"


def call(client, method, path, body=None, **headers):
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(path, data=data, content_type="application/json", headers=headers)


@pytest.fixture
def signed_in(client):
    email = "frodo@shire.me"
    assert call(client, "post", "/auth/register", {"email": email, "password": PASSWORD}).status_code == 201
    tokens = call(client, "post", "/auth/login", {"email": email, "password": PASSWORD}).json()
    key = call(client, "post", "/auth/keys", {"name": "ci"}, Authorization=f"Bearer {tokens['access']}").json()["key"]
    return {**tokens, "key": key, "user": User.objects.get(email=email)}


def old_jwt(user, age: int) -> str:
    issued = int(time.time()) - age
    claims = {"iss": "lotr-accounts", "aud": "lotr-api", "sub": user.id, "email": user.email, "typ": "access"}
    claims |= {"iat": issued, "exp": issued + 3600, "jti": "x" * 32}
    return jwt.encode(claims, private_key(), algorithm="RS256", headers={"kid": public_jwk()["kid"]})


def test_with_the_password_everything_of_the_user_goes_and_one_event_is_recorded(client, signed_in):
    user = signed_in["user"]

    response = call(client, "delete", "/auth/me", {"password": PASSWORD}, Authorization=f"Bearer {signed_in['key']}")

    assert response.status_code == 204, response.content
    assert not User.objects.filter(pk=user.pk).exists()
    assert not ApiKey.objects.filter(user_id=user.pk).exists()
    assert not RefreshToken.objects.filter(user_id=user.pk).exists()
    event = OutboxEvent.objects.get()
    assert (event.type, event.payload, event.sent_at) == ("user.deleted", {"user_id": user.pk}, None)


def test_every_token_of_a_deleted_account_is_refused_here(client, signed_in):
    call(client, "delete", "/auth/me", {"password": PASSWORD}, Authorization=f"Bearer {signed_in['access']}")

    for token in (signed_in["access"], signed_in["key"], signed_in["access_token"]):
        assert call(client, "get", "/auth/me", Authorization=f"Bearer {token}").status_code == 401
    assert call(client, "post", "/auth/refresh", {"refresh": signed_in["refresh"]}).status_code == 401


def test_a_fresh_jwt_confirms_without_the_password(client, signed_in):
    response = call(client, "delete", "/auth/me", Authorization=f"Bearer {signed_in['access']}")

    assert response.status_code == 204, response.content
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("body", "token", "message"),
    [
        ({"password": "Not-the-1-password"}, "access", "The password is not correct."),
        (None, "key", "Confirm the deletion"),  # an API key is no fresh sign-in
        (None, "old", "Confirm the deletion"),
    ],
)
def test_without_a_confirmation_nothing_is_deleted(client, signed_in, body, token, message):
    sent = old_jwt(signed_in["user"], age=301) if token == "old" else signed_in[token]

    response = call(client, "delete", "/auth/me", body, Authorization=f"Bearer {sent}")

    assert response.status_code == 403, response.content
    assert response.json()["success"] is False
    assert response.json()["message"].startswith(message)
    assert User.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_a_bad_body_is_a_400_and_no_token_a_401(client, signed_in):
    bad = call(client, "delete", "/auth/me", {"password": ["x"]}, Authorization=f"Bearer {signed_in['access']}")
    anonymous = call(client, "delete", "/auth/me", {"password": PASSWORD})

    assert bad.status_code == 400
    assert bad.json()["success"] is False
    assert anonymous.status_code == 401
    assert User.objects.exists()
