"""The contract of /v2/me/favorites/<kind> and of tokens, shared by the services that keep favorites.

A service's test module subclasses `FavoritesContract` (pytest collects the subclass, named
Test...) and gives it a `favorite_case` fixture: which kind, and two documents of it. Tokens
are the suite's own (the `token_issuer` and `signed_in` fixtures of lotr_kit_testing.pytest_plugin).
"""

import time
from dataclasses import dataclass
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

UNAUTHORIZED = {"success": False, "message": "Unauthorized."}
NOT_FOUND = {"success": False, "message": "Not found."}


@dataclass
class FavoriteCase:
    kind: str  # "characters", "movies", ...
    first: dict  # two documents of the resource, as the API serves them
    second: dict

    @property
    def path(self) -> str:
        return f"/v2/me/favorites/{self.kind}"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class FavoritesContract:
    """Favorites of one kind: who may read and change them, and how."""

    @pytest.fixture
    def frodo(self, signed_in):
        return signed_in("frodo@shire.me")

    @pytest.fixture
    def sam(self, signed_in):
        return signed_in("sam@shire.me")

    @pytest.mark.django_db
    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_favorites_need_a_token(self, client, favorite_case, method):
        path = favorite_case.path if method == "get" else f"{favorite_case.path}/{favorite_case.first['_id']}"

        response = getattr(client, method)(path)

        assert response.status_code == 401, response.content
        assert response.json() == UNAUTHORIZED

    @pytest.mark.django_db
    @pytest.mark.parametrize(
        "flaw", ["garbage", "expired", "other-key", "bad-api-key", "one-api-key", "two-spaces", "query-and-header"]
    )
    def test_favorites_refuse_bad_tokens(self, client, favorite_case, token_issuer, frodo, flaw):
        headers = {
            "garbage": bearer("not.a.jwt"),
            "expired": bearer(token_issuer.access(user_id=frodo["id"], expired=True)),
            "other-key": bearer(
                token_issuer.access(
                    user_id=frodo["id"],
                    key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
                )
            ),
            "bad-api-key": bearer("lotr_this-key-was-never-issued"),
            # A the-one-api.dev token: open reads ignore it, favorites do not.
            "one-api-key": bearer("Xq3_kP9-vLm2Zt7wBn4R"),
            "two-spaces": {"Authorization": f"Bearer  {frodo['access']}"},
            "query-and-header": bearer(frodo["access"]),
        }[flaw]
        query = f"?access_token={frodo['access']}" if flaw == "query-and-header" else ""

        response = client.get(favorite_case.path + query, headers=headers)

        assert response.status_code == 401, response.content
        assert response.json() == UNAUTHORIZED

    @pytest.mark.django_db
    def test_a_token_signed_with_the_trusted_key_is_accepted(self, client, favorite_case, token_issuer, frodo):
        response = client.get(favorite_case.path, headers=bearer(token_issuer.access(user_id=frodo["id"])))

        assert response.status_code == 200, response.content

    @pytest.mark.django_db
    def test_a_token_that_worked_stops_working_when_it_expires(self, client, favorite_case, token_issuer, frodo):
        """Verified tokens are remembered (lotr_kit.auth.verified_jwt), their expiry is not."""
        token = token_issuer.access(user_id=frodo["id"], lifetime=timedelta(seconds=2))
        expires = jwt.decode(token, options={"verify_signature": False})["exp"]

        before = client.get(favorite_case.path, headers=bearer(token))
        time.sleep(max(0.0, expires - time.time()) + 0.1)
        after = client.get(favorite_case.path, headers=bearer(token))

        assert before.status_code == 200, before.content
        assert after.status_code == 401
        assert after.json() == UNAUTHORIZED

    @pytest.mark.django_db
    def test_favorites_add_list_and_remove_idempotently(self, client, favorite_case, frodo):
        auth = bearer(frodo["access"])
        item = f"{favorite_case.path}/{favorite_case.first['_id']}"

        first_put = client.put(item, headers=auth)
        second_put = client.put(item, headers=auth)
        listed = client.get(favorite_case.path, headers=auth)
        deleted = client.delete(item, headers=auth)
        deleted_again = client.delete(item, headers=auth)
        after = client.get(favorite_case.path, headers=auth)

        assert (first_put.status_code, second_put.status_code) == (204, 204)
        assert listed.json() == {
            "docs": [favorite_case.first],
            "total": 1,
            "limit": 1000,
            "offset": 0,
            "page": 1,
            "pages": 1,
        }
        assert (deleted.status_code, deleted_again.status_code) == (204, 204)
        assert after.json()["docs"] == []

    @pytest.mark.django_db
    def test_favorites_work_with_an_api_key_too(self, client, favorite_case, frodo):
        auth = bearer(frodo["access_token"])

        added = client.put(f"{favorite_case.path}/{favorite_case.first['_id']}", headers=auth)
        listed = client.get(f"{favorite_case.path}?access_token={frodo['access_token']}")

        assert added.status_code == 204
        assert listed.json()["docs"] == [favorite_case.first]

    @pytest.mark.django_db
    @pytest.mark.parametrize("method", ["put", "delete"])
    @pytest.mark.parametrize("item_id", ["000000000000000000000000", "not-an-id"])
    def test_favorites_of_something_that_does_not_exist_are_404(self, client, favorite_case, frodo, method, item_id):
        response = getattr(client, method)(f"{favorite_case.path}/{item_id}", headers=bearer(frodo["access"]))

        assert response.status_code == 404
        assert response.json() == NOT_FOUND

    @pytest.mark.django_db
    def test_one_user_never_sees_or_changes_anothers_favorites(self, client, favorite_case, frodo, sam):
        item = f"{favorite_case.path}/{favorite_case.first['_id']}"
        client.put(item, headers=bearer(frodo["access"]))

        sams_list = client.get(favorite_case.path, headers=bearer(sam["access"]))
        sams_delete = client.delete(item, headers=bearer(sam["access"]))
        frodos_list = client.get(favorite_case.path, headers=bearer(frodo["access"]))

        assert sams_list.json()["total"] == 0
        assert sams_delete.status_code == 204  # removes nothing of Frodo's
        assert frodos_list.json()["docs"] == [favorite_case.first]

    @pytest.mark.django_db
    def test_favorites_lists_take_the_query_language(self, client, favorite_case, frodo, django_assert_max_num_queries):
        auth = bearer(frodo["access"])
        for doc in (favorite_case.first, favorite_case.second):
            client.put(f"{favorite_case.path}/{doc['_id']}", headers=auth)
        expected = sorted([favorite_case.first, favorite_case.second], key=lambda d: d["_id"], reverse=True)

        with django_assert_max_num_queries(2):
            page = client.get(f"{favorite_case.path}?sort=_id:desc&limit=1&page=2", headers=auth)
        filtered = client.get(f"{favorite_case.path}?_id={favorite_case.second['_id']}", headers=auth)
        bad = client.get(f"{favorite_case.path}?nope=1", headers=auth)

        assert page.json() == {"docs": expected[1:], "total": 2, "limit": 1, "page": 2, "pages": 2}
        assert filtered.json()["docs"] == [favorite_case.second]
        assert bad.status_code == 400

    @pytest.mark.django_db
    def test_a_revoked_api_key_stops_working_after_the_cache_time(
        self, client, favorite_case, token_issuer, frodo, settings
    ):
        """The answer about an API key is kept LOTR_API_KEY_CACHE_SECONDS, no longer."""
        settings.LOTR_API_KEY_CACHE_SECONDS = 1
        key = token_issuer.api_key(user_id=frodo["id"], email=frodo["email"])
        assert client.get(favorite_case.path, headers=bearer(key)).status_code == 200

        token_issuer.revoke(key)
        time.sleep(1.2)
        response = client.get(favorite_case.path, headers=bearer(key))

        assert response.status_code == 401
        assert response.json() == UNAUTHORIZED

    @pytest.fixture
    def gollum(self, signed_in):
        """A user of their own: deleted by the test, so no other test's user is revoked."""
        from lotr_kit.revocation import revoked_users

        yield signed_in("gollum@misty-mountains.me")
        revoked_users.ids, revoked_users.read_at = frozenset(), float("-inf")  # the rows are rolled back

    @pytest.mark.django_db
    def test_user_deleted_removes_the_favorites_and_refuses_every_token_even_cached(
        self, client, favorite_case, gollum, sam, settings
    ):
        """The worker's handler of `user.deleted` (lotr_kit.events; the broker's side is in
        tests/system/test_events.py): the user's rows go, other users' stay, and a
        token of the user is refused though its API-key check is still cached."""
        from lotr_kit.events import user_deleted
        from lotr_kit.models import RevokedUser

        settings.LOTR_REVOCATION_REFRESH_SECONDS = 0
        settings.LOTR_API_KEY_CACHE_SECONDS = 300
        item = f"{favorite_case.path}/{favorite_case.first['_id']}"
        for user in (gollum, sam):
            assert client.put(item, headers=bearer(user["access"])).status_code == 204
        assert client.get(favorite_case.path, headers=bearer(gollum["access_token"])).status_code == 200  # cached

        user_deleted({"user_id": gollum["id"]})
        user_deleted({"user_id": gollum["id"]})  # again: at least once delivery

        assert RevokedUser.objects.filter(user_id=gollum["id"]).count() == 1
        for token in (gollum["access"], gollum["access_token"]):
            refused = client.get(favorite_case.path, headers=bearer(token))
            assert refused.status_code == 401, refused.content
            assert refused.json() == UNAUTHORIZED
        kept = client.get(favorite_case.path, headers=bearer(sam["access"])).json()
        assert [doc["_id"] for doc in kept["docs"]] == [favorite_case.first["_id"]]

    @pytest.mark.django_db
    @pytest.mark.parametrize("data", [{}, {"user_id": "not-an-id"}, {"user_id": None}])
    def test_user_deleted_without_a_valid_user_id_is_malformed(self, data):
        from lotr_kit.events import MalformedEvent, user_deleted

        with pytest.raises(MalformedEvent):
            user_deleted(data)
