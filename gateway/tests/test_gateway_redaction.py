"""No credential in any log: an API key and a JWT sent in the query and in the Authorization
header, through the gateway to the services, on success and error paths (a 401, a 400, a
service that is down so nginx writes an error line), are found in no log file; every log
file is readable by its owner only."""

import stat
import time

import pytest
import requests

PASSWORD = "Mellon-2-friend!"
GANDALF = "5cd99d4bde30eff6ebccfea0"


@pytest.fixture(scope="module")
def secrets_sent(start_gateway, services, upstreams):
    # The movie service's address answers nothing: nginx logs an error line for each request.
    gateway = start_gateway({**upstreams, "movie": "127.0.0.1:9"})
    url = gateway.url
    credentials = {"email": "faramir@ithilien.me", "password": PASSWORD}
    requests.post(f"{url}/auth/register", json=credentials, timeout=10).raise_for_status()
    login = requests.post(f"{url}/auth/login", json=credentials, timeout=10).json()
    jwt, key = login["access"], login["access_token"]
    sent = [
        requests.get(f"{url}/v2/me/favorites/characters?access_token={key}", timeout=10),
        requests.get(f"{url}/v2/me/favorites/characters?limit=2&access_token={jwt}", timeout=10),
        requests.get(f"{url}/v2/me/favorites/books", headers={"Authorization": f"Bearer {key}"}, timeout=10),
        requests.put(f"{url}/v2/me/favorites/characters/{GANDALF}?access_token={key}", timeout=10),
        requests.get(f"{url}/v2/me/favorites/books?access%5Ftoken={key}", timeout=10),
        requests.get(f"{url}/v2/me/favorites/books?access_token={key}&access_token={key}&limit=x", timeout=10),
        requests.get(f"{url}/v2/me/favorites/movies?access_token={key}", timeout=10),  # service down
        # Not a key: 401 where tokens are looked at (open reads ignore them).
        requests.get(f"{url}/v2/me/favorites/characters?access_token={key[:-1]}Z", timeout=10),
        requests.get(f"{url}/v2/me/favorites/quotes", headers={"Authorization": f"Bearer {jwt}"}, timeout=10),
    ]
    time.sleep(1)  # the access logs are written after the answers
    gateway.stop()  # the error log filter has written every line once nginx is gone
    return {"key": key, "jwt": jwt, "statuses": [r.status_code for r in sent], "gateway": gateway}


def log_files(secrets_sent, services):
    logs = secrets_sent["gateway"].prefix / "logs"
    return {
        "gateway access": logs / "access.log",
        "gateway errors": logs / "error.log",
        **{f"{name} access": process.access_log for name, process in services.items()},
    }


def test_the_requests_reached_every_path(secrets_sent):
    assert secrets_sent["statuses"] == [200, 200, 200, 204, 200, 400, 503, 401, 503]


def test_no_log_holds_a_credential(secrets_sent, services):
    files = log_files(secrets_sent, services)
    texts = {name: path.read_text() for name, path in files.items()}

    for name, text in texts.items():
        assert secrets_sent["key"] not in text, name
        assert secrets_sent["key"][5:30] not in text, name  # not even a part of it
        assert secrets_sent["jwt"].split(".")[2] not in text, name
    # The lines are there, the credentials replaced.
    assert texts["gateway access"].count("access_token=[REDACTED]") >= 5
    assert "access_token=[REDACTED]" in texts["gateway errors"]
    assert "access_token=[REDACTED]" in texts["character access"]


def test_every_log_file_is_private(secrets_sent, services):
    for name, path in log_files(secrets_sent, services).items():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
