"""JWT verification does not depend on accounts being up when a worker starts: the public
keys come from LOTR_JWKS_FILE (the last JWKS fetched, or one provided by configuration),
the accounts JWKS URL being the refresh path only."""

import json

import pytest
import requests

PASSWORD = "Mellon-2-friend!"
UNAVAILABLE = {"success": False, "message": "Service currently not available."}


@pytest.fixture(scope="module")
def accounts_and_token(start_service):
    accounts = start_service("accounts")
    credentials = {"email": "merry@buckland.me", "password": PASSWORD}
    requests.post(f"{accounts.url}/auth/register", json=credentials, timeout=10).raise_for_status()
    login = requests.post(f"{accounts.url}/auth/login", json=credentials, timeout=10).json()
    return accounts, login["access"]


def favorites(service, token):
    return requests.get(
        f"{service.url}/v2/me/favorites/books", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def test_a_worker_started_while_accounts_is_down_verifies_with_the_keys_last_fetched(
    start_service, accounts_and_token, tmp_path
):
    accounts, token = accounts_and_token
    kept = tmp_path / "jwks.json"
    wiring = {"ACCOUNTS_SERVICE_URL": accounts.url, "LOTR_JWKS_FILE": str(kept)}
    first = start_service("book", **wiring)
    assert favorites(first, token).status_code == 200  # fetched from accounts, and kept
    first.stop()

    accounts.stop()
    started_while_down = start_service("book", **wiring)
    response = favorites(started_while_down, token)

    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0
    assert set(json.loads(kept.read_text())) == {"keys"}


def test_keys_provided_by_configuration_verify_without_accounts(start_service, accounts_and_token, tmp_path):
    accounts, token = accounts_and_token
    provided = tmp_path / "configmap" / "jwks.json"
    provided.parent.mkdir()
    provided.write_text(accounts.manage("export_jwks"))
    accounts.stop()  # (already stopped by the test above when run in order)

    book = start_service("book", ACCOUNTS_SERVICE_URL=accounts.url, LOTR_JWKS_FILE=str(provided))
    by_jwt = favorites(book, token)
    forged = favorites(book, token[:-4] + "AAAA")

    assert by_jwt.status_code == 200, by_jwt.text
    assert forged.status_code == 401


def test_without_kept_keys_a_worker_started_while_accounts_is_down_answers_503(
    start_service, accounts_and_token, tmp_path
):
    accounts, token = accounts_and_token
    accounts.stop()

    book = start_service("book", ACCOUNTS_SERVICE_URL=accounts.url, LOTR_JWKS_FILE=str(tmp_path / "none.json"))
    response = favorites(book, token)

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
