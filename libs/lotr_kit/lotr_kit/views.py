"""Generic read APIs for a declared Resource: list, single item, sub-resource list.

A service subclasses them with its resource and a selector; the query language,
envelope, ids and errors behave the same on every path of every service.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import APIView

from .auth import IsTokenUser, reads_ignore_tokens
from .favorites import Favorites
from .objectid import normalize_object_id
from .query import parse_query, sql
from .query.listing import paginate
from .query.resources import Resource
from .schema import ResourceAutoSchema, RouteKind


def max_limit() -> int:
    return settings.LOTR_MAX_LIMIT


def object_id_or_404(value: str) -> str:
    object_id = normalize_object_id(value)
    if object_id is None:
        raise Http404
    return object_id


class ReadOnlyApi(APIView):
    """GET and HEAD only: anything else is a 405 JSON whose Allow header says so."""

    http_method_names = ["get", "head"]

    def get_authenticators(self):
        # An open read answers the same whoever asks, so a token sent to it is not checked.
        return [] if reads_ignore_tokens(self) else super().get_authenticators()


class ResourceApi(ReadOnlyApi):
    resource: Resource
    schema = ResourceAutoSchema()
    kind = RouteKind.LIST  # "list", "detail" or "sublist": what the schema documents


class ResourceListApi(ResourceApi):
    """GET a filtered, sorted, paginated list of the resource."""

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get(self, request):
        query = parse_query(request.query_params, self.resource, max_limit=max_limit())
        return Response(paginate(query, self.get_queryset(), self.resource))


class ResourceDetailApi(ResourceApi):
    """GET one item as a one-doc envelope; paging and sort apply, filters are ignored (as the original)."""

    kind = RouteKind.DETAIL

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get(self, request, id):
        object_id = object_id_or_404(id)
        query = parse_query(request.query_params, self.resource, max_limit=max_limit(), filters=False)
        row = sql.one(self.get_queryset(), self.resource, object_id)
        if row is None:
            raise Http404
        rows = [row]
        window = query.window
        docs = self.resource.documents(rows[window.skip : window.skip + window.limit])
        return Response(window.envelope(docs, len(rows)))


class SubResourceListApi(ResourceApi):
    """GET the children of one parent (a book's chapters); 404 when the parent does not exist."""

    kind = RouteKind.SUBLIST

    def parent_exists(self, parent_id: str) -> bool:
        raise NotImplementedError

    def get_queryset(self, parent_id: str) -> QuerySet | sql.Rows:
        raise NotImplementedError

    def get(self, request, id):
        parent_id = object_id_or_404(id)
        query = parse_query(request.query_params, self.resource, max_limit=max_limit())
        if not self.parent_exists(parent_id):
            raise Http404
        return Response(paginate(query, self.get_queryset(parent_id), self.resource))


class FavoriteListApi(ResourceListApi):
    """The caller's favorites of this resource: the usual envelope, filters, sort and paging,
    with full documents."""

    kind = RouteKind.LIST
    permission_classes = [IsTokenUser]
    favorites: Favorites

    def get_queryset(self) -> sql.Rows:
        return self.favorites.kept(user_id=self.request.user.id)


class FavoriteItemApi(APIView):
    """PUT adds one item to the caller's favorites, DELETE removes it; both idempotent (204),
    404 for an item that does not exist."""

    http_method_names = ["put", "delete"]
    schema = ResourceAutoSchema()
    kind = RouteKind.FAVORITE
    resource: Resource
    permission_classes = [IsTokenUser]
    favorites: Favorites

    def put(self, request, id):
        if not self.favorites.add(user_id=request.user.id, item_id=object_id_or_404(id)):
            raise Http404
        return Response(status=204)

    def delete(self, request, id):
        if not self.favorites.remove(user_id=request.user.id, item_id=object_id_or_404(id)):
            raise Http404
        return Response(status=204)
