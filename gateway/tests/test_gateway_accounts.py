"""Accounts through the gateway, end to end: register, login, API keys, favorites in every
service, revocation, refresh, logout; rate limits on registration; accounts going away."""

import time

import pytest
import requests

PASSWORD = "Mellon-2-friend!"
GANDALF = "5cd99d4bde30eff6ebccfea0"
FELLOWSHIP_MOVIE = "5cd95395de30eff6ebccde5c"
FELLOWSHIP_BOOK = "5cf5805fb53e011a64671582"
CLEANED_QUOTE = "5cd96e05de30eff6ebcce8d1"
FAVORITES = {
    "characters": GANDALF,
    "quotes": CLEANED_QUOTE,
    "movies": FELLOWSHIP_MOVIE,
    "books": FELLOWSHIP_BOOK,
}


@pytest.fixture(scope="module")
def gateway(start_gateway, upstreams):
    return start_gateway(upstreams)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_the_whole_account_journey_through_the_gateway(gateway):
    url = gateway.url
    credentials = {"email": "aragorn@gondor.me", "password": PASSWORD}

    registered = requests.post(f"{url}/auth/register", json=credentials, timeout=10)
    login = requests.post(f"{url}/auth/login", json=credentials, timeout=10).json()
    created = requests.post(f"{url}/auth/keys", json={"name": "ranger"}, headers=bearer(login["access"]), timeout=10)
    key = created.json()["key"]
    puts = {
        kind: requests.put(f"{url}/v2/me/favorites/{kind}/{item}", headers=bearer(key), timeout=10).status_code
        for kind, item in FAVORITES.items()
    }
    lists = {kind: requests.get(f"{url}/v2/me/favorites/{kind}", headers=bearer(key), timeout=10) for kind in FAVORITES}

    assert registered.status_code == 201, registered.text
    assert set(login) >= {"token", "email", "access_token", "access", "refresh"}
    assert created.status_code == 201, created.text
    assert puts == dict.fromkeys(FAVORITES, 204)
    for kind, item in FAVORITES.items():
        assert lists[kind].status_code == 200, lists[kind].text
        assert [doc["_id"] for doc in lists[kind].json()["docs"]] == [item]
        assert lists[kind].headers["X-Cache-Status"] == "BYPASS"
    direct = requests.get(f"{url}/v2/character/{GANDALF}", timeout=10).json()["docs"][0]
    assert lists["characters"].json()["docs"] == [direct]

    revoked = requests.delete(
        f"{url}/auth/keys/{created.json()['api_key']['id']}", headers=bearer(login["access"]), timeout=10
    )
    time.sleep(1.2)  # the services remember a key's check for LOTR_API_KEY_CACHE_SECONDS (1 here)
    after_revoke = requests.get(f"{url}/v2/me/favorites/characters", headers=bearer(key), timeout=10)

    assert revoked.status_code == 204
    assert after_revoke.status_code == 401
    assert after_revoke.json() == {"success": False, "message": "Unauthorized."}

    refreshed = requests.post(f"{url}/auth/refresh", json={"refresh": login["refresh"]}, timeout=10)
    with_new_access = requests.get(
        f"{url}/v2/me/favorites/books", headers=bearer(refreshed.json()["access"]), timeout=10
    )
    logout = requests.post(f"{url}/auth/logout", json={"refresh": refreshed.json()["refresh"]}, timeout=10)
    after_logout = requests.post(f"{url}/auth/refresh", json={"refresh": refreshed.json()["refresh"]}, timeout=10)

    assert refreshed.status_code == 200, refreshed.text
    assert [d["_id"] for d in with_new_access.json()["docs"]] == [FELLOWSHIP_BOOK]
    assert logout.status_code == 200
    assert after_logout.status_code == 401


def test_failed_logins_say_the_same_whether_the_email_exists(gateway):
    registered = requests.post(
        f"{gateway.url}/auth/register", json={"email": "boromir@gondor.me", "password": PASSWORD}, timeout=10
    )
    assert registered.status_code == 201, registered.text

    wrong_password = requests.post(
        f"{gateway.url}/auth/login", json={"email": "boromir@gondor.me", "password": "Wrong-1-pass!"}, timeout=10
    )
    unknown = requests.post(
        f"{gateway.url}/auth/login", json={"email": "nobody@gondor.me", "password": PASSWORD}, timeout=10
    )

    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json() == unknown.json() == {"success": False, "message": "Incorrect email or password."}


def test_internal_accounts_paths_are_not_routed(gateway):
    response = requests.get(f"{gateway.url}/internal/keys/verify", headers={"X-API-Key": "x"}, timeout=10)

    assert response.status_code == 404


def test_jwks_is_public_and_the_docs_list_the_accounts_schema(gateway):
    jwks = requests.get(f"{gateway.url}/auth/.well-known/jwks.json", timeout=10)
    schema = requests.get(f"{gateway.url}/api/accounts/schema/", timeout=10)

    assert jwks.status_code == 200
    assert jwks.json()["keys"][0]["alg"] == "RS256"
    assert b"/auth/login" in schema.content
    assert b"bearerAuth" in requests.get(f"{gateway.url}/api/character/schema/", timeout=10).content


def test_registrations_are_limited_per_client_address(start_gateway, upstreams):
    gateway = start_gateway(upstreams, GATEWAY_REGISTER_RATE="1r/m", GATEWAY_REGISTER_BURST="2")

    statuses = [
        requests.post(
            f"{gateway.url}/auth/register", json={"email": f"orc{n}@mordor.me", "password": PASSWORD}, timeout=10
        ).status_code
        for n in range(4)
    ]
    limited = requests.post(f"{gateway.url}/auth/register", json={"email": "x@y.me", "password": PASSWORD}, timeout=10)

    assert statuses == [201, 201, 201, 429]
    assert limited.status_code == 429
    assert limited.json() == {"success": False, "message": "Too many requests, please try again later."}
    assert limited.headers["Retry-After"] == "60"  # one request's worth of 1r/m
    assert requests.get(f"{gateway.url}/v2/book", timeout=10).status_code == 200  # other paths unaffected


def test_with_accounts_down_api_keys_get_503_and_jwts_keep_working(gateway, services):
    url = gateway.url
    credentials = {"email": "faramir@gondor.me", "password": PASSWORD}
    requests.post(f"{url}/auth/register", json=credentials, timeout=10)
    login = requests.post(f"{url}/auth/login", json=credentials, timeout=10).json()
    # Each service has seen the JWT's key id once, so it holds the public key.
    for kind in FAVORITES:
        assert requests.get(f"{url}/v2/me/favorites/{kind}", headers=bearer(login["access"]), timeout=10).ok

    services["accounts"].stop()
    time.sleep(1.2)  # past the one-second cache of API-key checks
    by_key = requests.get(f"{url}/v2/me/favorites/characters", headers=bearer(login["access_token"]), timeout=30)
    by_jwt = {
        kind: requests.get(f"{url}/v2/me/favorites/{kind}", headers=bearer(login["access"]), timeout=10).status_code
        for kind in FAVORITES
    }

    assert by_key.status_code == 503, by_key.text
    assert by_key.json() == {"success": False, "message": "Service currently not available."}
    assert by_jwt == dict.fromkeys(FAVORITES, 200)
    assert requests.post(f"{url}/auth/login", json=credentials, timeout=10).status_code == 503
