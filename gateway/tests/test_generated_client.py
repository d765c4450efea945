"""A Python client generated from the gateway's /openapi.json by a real generator
(openapi-python-client), used as is against the running gateway and services: the merged
document is what client generators need, with no hand edits."""

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from gateway.openapi import build

GANDALF = "5cd99d4bde30eff6ebccfea0"
FELLOWSHIP_BOOK = "5cf5805fb53e011a64671582"
PASSWORD = "Mellon-2-friend!"


@pytest.fixture(scope="module")
def lotr_client(tmp_path_factory):
    """The generated package, imported from a temporary folder; nothing leaves the machine."""
    folder = tmp_path_factory.mktemp("generated")
    bin_dir = Path(sys.executable).parent
    generated = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(build.JSON_FILE),
            "--meta",
            "none",
            "--output-path",
            str(folder / "lotr_client"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(folder)},  # its ruff post-hook is ours
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout + generated.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("lotr_client")
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == "lotr_client" or n.startswith("lotr_client.")]:
            del sys.modules[name]
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def gateway(start_gateway, upstreams):
    return start_gateway(upstreams)


@pytest.fixture
def client(lotr_client, gateway):
    # Undocumented statuses raise: every answer must be one the document declares.
    return lotr_client.Client(base_url=gateway.url, raise_on_unexpected_status=True)


def raw(gateway, path):
    return requests.get(f"{gateway.url}{path}", timeout=10).json()


def test_lists_with_filters_sort_and_paging(lotr_client, client, gateway):
    from lotr_client.api.character import character_list
    from lotr_client.models import CharacterList

    paged = character_list.sync(client=client, race="Hobbit,Human", sort="name:asc", limit=5, page=2)
    offset = character_list.sync(client=client, name="/foot/i", limit=3, offset=1, page=0)

    assert isinstance(paged, CharacterList)
    assert paged.to_dict() == raw(gateway, "/v2/character?race=Hobbit,Human&sort=name:asc&limit=5&page=2")
    assert paged.page == 2
    assert paged.total >= len(paged.docs) > 0
    assert all(doc.race in ("Hobbit", "Human") for doc in paged.docs)
    assert [d.name for d in paged.docs] == sorted(d.name for d in paged.docs)
    assert isinstance(offset, CharacterList)
    assert offset.to_dict() == raw(gateway, "/v2/character?name=/foot/i&limit=3&offset=1")
    assert offset.page is lotr_client.types.UNSET  # offset mode: no page key, as the original


def test_get_by_id_and_sub_resources(client, gateway):
    from lotr_client.api.book import book_detail
    from lotr_client.api.chapter import book_chapter_list
    from lotr_client.api.character import character_detail
    from lotr_client.api.quote import character_quote_list, quote_random

    gandalf = character_detail.sync(GANDALF, client=client)
    quotes = character_quote_list.sync(GANDALF, client=client, limit=3, sort="dialog:des")
    chapters = book_chapter_list.sync(FELLOWSHIP_BOOK, client=client, limit=2)
    book = book_detail.sync(FELLOWSHIP_BOOK, client=client)
    missing = character_detail.sync("000000000000000000000000", client=client)
    random = quote_random.sync(client=client)

    assert [doc.name for doc in gandalf.docs] == ["Gandalf"]
    assert gandalf.docs[0].field_id == GANDALF
    assert quotes.to_dict() == raw(gateway, f"/v2/character/{GANDALF}/quote?limit=3&sort=dialog:des")
    assert all(q.character == GANDALF and q.id == q.field_id for q in quotes.docs)
    assert chapters.to_dict() == raw(gateway, f"/v2/book/{FELLOWSHIP_BOOK}/chapter?limit=2")
    assert book.docs[0].name == "The Fellowship Of The Ring"
    assert missing.message == "Not found."
    assert random.id == random.field_id


def test_a_bad_query_comes_back_as_the_documented_error(client):
    from lotr_client.api.character import character_list
    from lotr_client.models import Error

    error = character_list.sync(client=client, limit=0)

    assert isinstance(error, Error)
    assert error.success is False
    assert error.errors.to_dict() == {"limit": "Invalid limit '0': it must be a positive integer."}


def test_register_login_and_favorites_with_the_jwt(lotr_client, client, gateway):
    from lotr_client.api.auth import auth_login_create, auth_me_retrieve, auth_register_create
    from lotr_client.api.character import favorite_character_list, put_favorite_character
    from lotr_client.api.quote import favorite_quote_list
    from lotr_client.models import CredentialsRequest, Login

    credentials = CredentialsRequest(email="galadriel@lorien.me", password=PASSWORD)
    registered = auth_register_create.sync_detailed(client=client, body=credentials)
    login = auth_login_create.sync(client=client, body=credentials)
    assert registered.status_code == 201, registered.content
    assert isinstance(login, Login)

    signed_in = lotr_client.AuthenticatedClient(
        base_url=gateway.url, token=login.access, raise_on_unexpected_status=True
    )
    me = auth_me_retrieve.sync(client=signed_in)
    put = put_favorite_character.sync_detailed(GANDALF, client=signed_in)
    favorites = favorite_character_list.sync(client=signed_in, sort="name:asc")
    no_quotes = favorite_quote_list.sync(client=signed_in)
    anonymous = favorite_character_list.sync(client=lotr_client.AuthenticatedClient(base_url=gateway.url, token="x"))

    assert me.email == "galadriel@lorien.me"
    assert put.status_code == 204
    assert [doc.field_id for doc in favorites.docs] == [GANDALF]
    assert no_quotes.total == 0
    assert anonymous.message == "Unauthorized."
