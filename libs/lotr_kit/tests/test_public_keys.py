"""lotr_kit.auth.PublicKeys: a request with a known key never waits on a refresh; an unknown
key id (a rotation) is asked for at once."""

import json
import threading
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from lotr_kit.auth import PublicKeys


def jwks(*kids: str) -> dict:
    keys = []
    for kid in kids:
        public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
        keys.append({**jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True), "kid": kid, "use": "sig"})
    return {"keys": keys}


class SlowAccounts:
    """The JWKS fetch, answering only once `release` is set."""

    def __init__(self, document: dict):
        self.document, self.release, self.calls = document, threading.Event(), 0

    def __call__(self) -> dict:
        self.calls += 1
        assert self.release.wait(10), "never released"
        return self.document


def test_stale_known_keys_are_refreshed_while_the_request_goes_on(tmp_path):
    kept = tmp_path / "jwks.json"
    kept.write_text(json.dumps(jwks("old")))
    accounts = SlowAccounts(jwks("old", "new"))
    keys = PublicKeys(accounts, str(kept), lifespan=300)

    assert keys.key("old") is not None  # from the file; the refresh it starts waits on accounts
    assert keys.key("old") is not None
    assert not accounts.release.is_set()  # answered while accounts has not
    assert accounts.calls == 1  # one refresh under way, not one per request

    accounts.release.set()
    deadline = time.monotonic() + 5
    while "new" not in keys.keys and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "new" in keys.keys
    assert kept.read_text().count('"kid"') == 2  # the answer is written back for the next worker


def test_an_unknown_key_id_waits_for_the_answer():
    accounts = SlowAccounts(jwks("rotated"))
    keys = PublicKeys(accounts, "", lifespan=300)
    threading.Timer(0.2, accounts.release.set).start()

    assert keys.key("rotated") is not None
    assert accounts.release.is_set()  # it waited for accounts' answer
