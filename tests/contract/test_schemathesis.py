"""schemathesis against each service's own OpenAPI document, with a bounded budget: no 5xx,
no answer its schema does not declare, nothing valid refused and nothing invalid accepted.

Run by `make schemathesis` (CI runs it too); not part of `make test`'s collection."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.stack import free_port

SERVICES = ("book", "movie", "character", "accounts")
# Test cases per operation and phase: a couple of minutes for the four services on two cores.
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10")


@pytest.fixture(scope="module")
def services(start_service):
    """Wired as in production: movie and character ask each other (quotes, names), accounts
    reads every service's favorites for an export."""
    ports = {name: free_port() for name in ("book", "movie", "character")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    accounts = start_service(
        "accounts",
        BOOK_SERVICE_URL=urls["book"],
        MOVIE_SERVICE_URL=urls["movie"],
        CHARACTER_SERVICE_URL=urls["character"],
    )
    wiring = {"ACCOUNTS_SERVICE_URL": accounts.url}
    return {
        "accounts": accounts,
        "book": start_service("book", port=ports["book"], **wiring),
        "movie": start_service("movie", port=ports["movie"], CHARACTER_SERVICE_URL=urls["character"], **wiring),
        "character": start_service("character", port=ports["character"], MOVIE_SERVICE_URL=urls["movie"], **wiring),
    }


@pytest.fixture(scope="module")
def access(services):
    """An access JWT, so the operations that need a user are exercised too."""
    url = services["accounts"].url
    credentials = {"email": "schemathesis@shire.me", "password": "Mellon-2-friend!"}
    requests.post(f"{url}/auth/register", json=credentials, timeout=10)
    response = requests.post(f"{url}/auth/login", json=credentials, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access"]


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_answers_as_its_schema_says(services, access, service, tmp_path):
    url = services[service].url
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{url}/api/schema/",
        "--url",
        url,
        # Every check runs (schemathesis' default); schemathesis.toml turns off, per operation,
        # the ones the schema cannot serve (a --checks option here would override it).
        "--max-examples",
        MAX_EXAMPLES,
        # Stateful runs need links between operations, which these documents do not declare.
        "--phases",
        "examples,coverage,fuzzing",
        "--generation-allow-x00",
        "false",
        "--seed",
        "1",
        "--generation-database",
        "none",
        "--header",
        f"Authorization: Bearer {access}",
        "--no-color",
        "--workers",
        "1",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path, timeout=600)

    # Generated payloads can be huge runs of one character: shorten them so the report fits.
    report = re.sub(r"(.{1,8}?)\1{20,}", r"\1\1\1…", result.stdout + result.stderr)
    assert result.returncode == 0, report[-30000:]
