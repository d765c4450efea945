"""Open reads answered without DRF's dispatch (`lotr_kit.views.ReadOnlyApi.as_view`) answer
what DRF's dispatch answers for the same request: the same status, headers in the same order,
and bytes. A service's test module subclasses `PlainReadContract` and lists its paths (lists,
items, sub-lists, paging, sorting, expansions, and each kind of error)."""

import pytest
from django.test import RequestFactory
from django.urls import resolve


class PlainReadContract:
    def plain_read_paths(self, data_dir) -> list[str]:
        raise NotImplementedError

    def prepare(self, settings) -> None:
        """Settings for the paths' error cases (another service down, say)."""

    def answer(self, view, url: str, match):
        response = view(RequestFactory().get(url), *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()  # DRF's answer is a template response, rendered by Django's handler
        return response.status_code, list(response.items()), response.content

    @pytest.mark.django_db
    def test_open_reads_answer_as_drf_dispatch_does(self, data_dir, settings):
        self.prepare(settings)
        paths = self.plain_read_paths(data_dir)
        statuses = set()
        for url in paths:
            match = resolve(url.partition("?")[0])
            through_drf = getattr(match.func, "through_drf", None)
            assert through_drf is not None, f"{url} is not answered without DRF's dispatch"
            plain = self.answer(match.func, url, match)
            assert plain == self.answer(through_drf, url, match), url
            statuses.add(plain[0])
        assert {200, 400, 404} <= statuses, statuses  # the paths cover answers and errors

    @pytest.mark.django_db
    def test_reads_that_need_a_user_or_a_token_go_through_drf(self, client, settings):
        favorites = next(p for p in self.favorite_lists())
        assert not hasattr(resolve(favorites).func, "through_drf")  # a user's list: DRF checks the token
        settings.LOTR_READS_REQUIRE_TOKEN = True
        url = self.token_read()
        response = client.get(url)
        assert response.status_code == 401, (url, response.status_code)
        assert response.json() == {"success": False, "message": "Unauthorized."}

    def favorite_lists(self) -> list[str]:
        raise NotImplementedError

    def token_read(self) -> str:
        """An open read that needs a token while LOTR_READS_REQUIRE_TOKEN is on."""
        raise NotImplementedError
