"""/auth: register, login, refresh, logout, me, password, API keys, JWKS."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from accounts.models import ApiKey, RefreshToken, User
from accounts.tokens import private_key, public_jwk
from cryptography.hazmat.primitives.asymmetric import rsa

pytestmark = pytest.mark.django_db

PASSWORD = "Mellon-2-friend!"
UNAUTHORIZED = {"success": False, "message": "Unauthorized."}


def post(client, path, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", headers=headers)


@pytest.fixture
def registered(client):
    def make(email="frodo@shire.me", password=PASSWORD):
        response = post(client, "/auth/register", {"email": email, "password": password})
        assert response.status_code == 201, response.content
        return email

    return make


@pytest.fixture
def login(client, registered):
    def make(email="frodo@shire.me"):
        if not User.objects.filter(email=email).exists():
            registered(email)
        response = post(client, "/auth/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.content
        return response.json()

    return make


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_register_creates_an_account(client):
    response = post(client, "/auth/register", {"email": "Sam@Shire.me", "password": PASSWORD})

    assert response.status_code == 201, response.content
    assert response.json() == {"success": True}
    user = User.objects.get()
    assert user.email == "sam@shire.me"
    assert user.check_password(PASSWORD)
    assert len(user.id) == 24


@pytest.mark.parametrize(
    ("password", "needs"),
    [
        ("Sh0rt!", "This password is too short. It must contain at least 8 characters."),
        ("alllowercase1!", "This password needs an upper-case letter."),
        ("ALLUPPERCASE1!", "This password needs a lower-case letter."),
        ("NoDigitsHere!", "This password needs a digit."),
        ("NoSymbols123", "This password needs a symbol."),
        ("P@ssw0rd", "This password is too common."),
        ("Pippin-shire1", "The password is too similar to the email."),
    ],
)
def test_register_refuses_weak_passwords_naming_the_rule(client, password, needs):
    response = post(client, "/auth/register", {"email": "pippin@shire.me", "password": password})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["success"] is False
    assert needs in body["message"]
    assert needs in body["errors"]["password"]
    assert not User.objects.exists()


def test_register_refuses_a_taken_email(client, registered):
    registered("merry@shire.me")

    response = post(client, "/auth/register", {"email": "MERRY@shire.me", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "User already exists",
        "errors": {"email": ["User already exists"]},
    }


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/auth/register", {"password": PASSWORD}, "email: This field is required."),
        ("/auth/register", {"email": "pippin@example.com"}, "password: This field is required."),
        ("/auth/register", {"email": "not-an-email", "password": PASSWORD}, "email: Enter a valid email address."),
        ("/auth/register", {"email": ["a@b.c"], "password": PASSWORD}, "email: Enter a valid email address."),
        ("/auth/register", {"email": "pippin@example.com", "password": 12345678}, "password: Not a valid string."),
        ("/auth/register", {"email": "pippin@example.com", "password": True}, "password: Not a valid string."),
        ("/auth/register", {"email": "pippin@example.com", "password": {"x": 1}}, "password: Not a valid string."),
        ("/auth/register", "[]", "Invalid data. Expected a dictionary, but got list."),
        ("/auth/register", '{"email": ', None),
        ("/auth/login", {}, "email: This field is required."),
        ("/auth/login", "not json", None),
        ("/auth/refresh", {}, "refresh: This field is required."),
        ("/auth/refresh", {"refresh": ["x"]}, "refresh: Not a valid string."),
        ("/auth/logout", {"refresh": None}, "refresh: This field may not be null."),
        # A number is no JSON string, though DRF would turn it into one (the schema says string).
        ("/auth/refresh", {"refresh": 12345}, "refresh: Not a valid string."),
        ("/auth/register", "[" * 3000 + "]" * 3000, "JSON parse error - nested too deeply."),
        ("/auth/register", {"email": "İ" * 200 + "@example.com", "password": PASSWORD}, None),
    ],
)
def test_bad_input_is_a_400_json(client, path, body, message):
    response = post(client, path, body)

    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["success"] is False
    if message:
        assert response.json()["message"] == message


def test_an_oversized_body_is_a_413_json(client):
    response = post(client, "/auth/register", {"email": "a@b.c", "password": "x" * 20000})

    assert response.status_code == 413, response.content
    assert response.json() == {"success": False, "message": "Request body too large."}


@pytest.mark.parametrize("path", ["/auth/register", "/auth/login", "/auth/refresh", "/auth/logout"])
def test_posting_endpoints_refuse_get_with_405(client, path):
    response = client.get(path)

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response.json()["success"] is False


def test_login_returns_the_original_keys_plus_jwts(client, login):
    body = login()

    assert list(body) == ["token", "email", "access_token", "access", "refresh"]
    assert body["email"] == "frodo@shire.me"
    assert body["token"] == body["access"]
    assert body["access_token"].startswith("lotr_")
    claims = jwt.decode(body["access"], options={"verify_signature": False})
    assert claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == 900


@pytest.mark.parametrize(
    "credentials",
    [{"email": "frodo@shire.me", "password": "Wrong-pass-1!"}, {"email": "nobody@shire.me", "password": PASSWORD}],
    ids=["wrong-password", "unknown-email"],
)
def test_failed_logins_answer_one_message(client, registered, credentials):
    registered()

    response = post(client, "/auth/login", credentials)

    assert response.status_code == 401
    assert response.json() == {"success": False, "message": "Incorrect email or password."}


def test_me_answers_with_a_jwt_or_an_api_key(client, login):
    tokens = login()

    by_jwt = client.get("/auth/me", headers=bearer(tokens["access"]))
    by_key = client.get(f"/auth/me?access_token={tokens['access_token']}")

    assert by_jwt.status_code == 200, by_jwt.content
    assert by_jwt.json()["email"] == "frodo@shire.me"
    assert by_key.json() == by_jwt.json()


def _forged(claims_change=None, key=None, headers=None):
    user = User.objects.get()
    now = datetime.now(UTC)
    claims = {
        "iss": "lotr-accounts",
        "aud": "lotr-api",
        "sub": user.id,
        "email": user.email,
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        **(claims_change or {}),
    }
    return jwt.encode(claims, key or private_key(), algorithm="RS256", headers=headers or {"kid": public_jwk()["kid"]})


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda: _forged({"exp": datetime.now(UTC) - timedelta(seconds=1)}), id="expired"),
        pytest.param(
            lambda: _forged(key=rsa.generate_private_key(public_exponent=65537, key_size=2048)), id="other-key"
        ),
        pytest.param(lambda: _forged(headers={"kid": "unknown"}), id="unknown-kid"),
        pytest.param(lambda: _forged({"aud": "someone-else"}), id="wrong-audience"),
        pytest.param(lambda: _forged({"typ": "refresh"}), id="refresh-as-access"),
        pytest.param(lambda: "a.b.c", id="garbage-jwt"),
        pytest.param(lambda: "lotr_not-a-real-key", id="unknown-api-key"),
    ],
)
def test_invalid_tokens_are_401(client, login, make_token):
    login()

    response = client.get("/auth/me", headers=bearer(make_token()))

    assert response.status_code == 401, response.content
    assert response.json() == UNAUTHORIZED
    assert "WWW-Authenticate" not in response


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Token abc"}, {"Authorization": "Bearer  abc"}, {"Authorization": "Bearer"}],
    ids=["none", "other-scheme", "two-spaces", "no-token"],
)
def test_me_needs_a_well_formed_token(client, headers):
    response = client.get("/auth/me", headers=headers)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_token_in_header_and_query_is_401(client, login):
    tokens = login()

    response = client.get(f"/auth/me?access_token={tokens['access_token']}", headers=bearer(tokens["access"]))

    assert response.status_code == 401


def test_refresh_rotates_and_a_reused_token_revokes_its_family(client, login):
    tokens = login()

    rotated = post(client, "/auth/refresh", {"refresh": tokens["refresh"]})
    reused = post(client, "/auth/refresh", {"refresh": tokens["refresh"]})
    after_reuse = post(client, "/auth/refresh", {"refresh": rotated.json()["refresh"]})

    assert rotated.status_code == 200, rotated.content
    assert set(rotated.json()) == {"access", "refresh"}
    assert client.get("/auth/me", headers=bearer(rotated.json()["access"])).status_code == 200
    assert reused.status_code == 401
    assert after_reuse.status_code == 401
    assert not RefreshToken.objects.filter(revoked_at__isnull=True).exists()


def test_logout_revokes_the_refresh_token(client, login):
    tokens = login()

    response = post(client, "/auth/logout", {"refresh": tokens["refresh"]})
    refreshed = post(client, "/auth/refresh", {"refresh": tokens["refresh"]})

    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert refreshed.status_code == 401
    assert refreshed.json() == {"success": False, "message": "Invalid or expired refresh token."}


def test_api_keys_are_shown_once_stored_hashed_listed_and_revoked(client, login):
    tokens = login()
    auth = bearer(tokens["access"])

    created = post(client, "/auth/keys", {"name": "my app"}, **auth)
    key = created.json()["key"]
    listed = client.get("/auth/keys", headers=auth)
    works = client.get("/auth/me", headers=bearer(key))
    revoked = client.delete(f"/auth/keys/{created.json()['api_key']['id']}", headers=auth)
    after = client.get("/auth/me", headers=bearer(key))

    assert created.status_code == 201, created.content
    stored = ApiKey.objects.get(pk=created.json()["api_key"]["id"])
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {stored.name, stored.prefix, stored.key_hash}
    assert key not in json.dumps(listed.json())
    assert [k["name"] for k in listed.json()["docs"]] == ["login", "my app"]
    assert listed.json()["docs"][1]["prefix"] == key[:12]
    assert works.status_code == 200
    assert revoked.status_code == 204
    assert after.status_code == 401


def test_live_api_keys_are_capped_per_account(client, login, settings):
    settings.ACCOUNTS_MAX_API_KEYS = 3
    auth = bearer(login()["access"])
    created = [post(client, "/auth/keys", {"name": f"app {n}"}, **auth) for n in range(3)]

    refused = post(client, "/auth/keys", {"name": "one too many"}, **auth)
    client.delete(f"/auth/keys/{created[0].json()['api_key']['id']}", headers=auth)
    after_revoking_one = post(client, "/auth/keys", {"name": "in its place"}, **auth)

    assert [r.status_code for r in created] == [201, 201, 201]
    assert refused.status_code == 400
    assert refused.json() == {
        "success": False,
        "message": "This account already has 3 API keys, the most allowed: revoke one "
        "(DELETE /auth/keys/{id}) before creating another.",
    }
    assert after_revoking_one.status_code == 201
    assert login()["access_token"]  # a login's own key is not counted


def test_answers_holding_tokens_are_never_stored_by_a_cache(client, login):
    tokens = login()
    logged_in = post(client, "/auth/login", {"email": "frodo@shire.me", "password": PASSWORD})
    refreshed = post(client, "/auth/refresh", {"refresh": tokens["refresh"]})
    created = post(client, "/auth/keys", {"name": "app"}, **bearer(tokens["access"]))

    for response in (logged_in, refreshed, created):
        assert response.status_code in (200, 201), response.content
        assert "no-store" in response["Cache-Control"], response.headers


def test_a_user_cannot_revoke_another_users_key(client, login):
    frodo = login("frodo@shire.me")
    sam = login("sam@shire.me")
    sams_key = post(client, "/auth/keys", {"name": "sam's"}, **bearer(sam["access"])).json()["api_key"]["id"]

    response = client.delete(f"/auth/keys/{sams_key}", headers=bearer(frodo["access"]))

    assert response.status_code == 404
    assert ApiKey.objects.get(pk=sams_key).revoked_at is None


@pytest.mark.parametrize("key_id", ["000000000000000000000000", "nope"])
def test_revoking_an_unknown_key_is_404(client, login, key_id):
    tokens = login()

    response = client.delete(f"/auth/keys/{key_id}", headers=bearer(tokens["access"]))

    assert response.status_code == 404


def test_a_new_login_replaces_the_previous_login_key(client, login):
    first = login()
    second = login()

    assert client.get("/auth/me", headers=bearer(first["access_token"])).status_code == 401
    assert client.get("/auth/me", headers=bearer(second["access_token"])).status_code == 200


def test_password_change_checks_both_passwords_and_ends_refresh_tokens(client, login):
    tokens = login()
    auth = bearer(tokens["access"])

    wrong = post(client, "/auth/password", {"old_password": "nope", "new_password": "An0ther-pass!"}, **auth)
    weak = post(client, "/auth/password", {"old_password": PASSWORD, "new_password": "weak"}, **auth)
    changed = post(client, "/auth/password", {"old_password": PASSWORD, "new_password": "An0ther-pass!"}, **auth)

    assert wrong.status_code == 400
    assert wrong.json()["message"] == "The current password is not correct."
    assert weak.status_code == 400
    assert changed.status_code == 200
    assert post(client, "/auth/refresh", {"refresh": tokens["refresh"]}).status_code == 401
    relogin = post(client, "/auth/login", {"email": "frodo@shire.me", "password": "An0ther-pass!"})
    assert relogin.status_code == 200


def test_jwks_publishes_the_key_that_verifies_access_tokens(client, login):
    tokens = login()

    keys = client.get("/auth/.well-known/jwks.json").json()["keys"]

    assert [k["kid"] for k in keys] == [jwt.get_unverified_header(tokens["access"])["kid"]]
    assert "d" not in keys[0]  # public part only
    public = jwt.PyJWK(keys[0]).key
    assert jwt.decode(tokens["access"], public, algorithms=["RS256"], audience="lotr-api")["email"] == "frodo@shire.me"


def test_internal_key_check_names_the_owner_of_live_keys_only(client, login):
    tokens = login()

    found = client.get("/internal/keys/verify", headers={"X-API-Key": tokens["access_token"]})
    unknown = client.get("/internal/keys/verify", headers={"X-API-Key": "lotr_nope"})

    assert found.json() == {"user_id": User.objects.get().id, "email": "frodo@shire.me"}
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/auth/keys", {}, "name: This field is required."),
        ("/auth/keys", {"name": ""}, "name: This field may not be blank."),
        ("/auth/keys", {"name": "x" * 101}, "name: Ensure this field has no more than 100 characters."),
        ("/auth/keys", "[1]", "Invalid data. Expected a dictionary, but got list."),
        ("/auth/password", {"old_password": PASSWORD}, "new_password: This field is required."),
        ("/auth/password", {"old_password": [], "new_password": "x"}, "old_password: Not a valid string."),
        ("/auth/password", "{", None),
    ],
)
def test_signed_in_endpoints_answer_bad_input_with_400(client, login, path, body, message):
    tokens = login()

    response = post(client, path, body, **bearer(tokens["access"]))

    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    if message:
        assert response.json()["message"] == message


@pytest.mark.parametrize("name", [-1566, 3.5, True, ["app"], None])
def test_an_api_key_name_must_be_a_json_string(client, login, name):
    tokens = login()

    response = post(client, "/auth/keys", {"name": name}, **bearer(tokens["access"]))

    assert response.status_code == 400, response.content
    assert response.json()["errors"]["name"]
