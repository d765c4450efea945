"""Generic read APIs for a declared Resource: list, single item, sub-resource list.

A service subclasses them with its resource and a selector; the query language,
envelope, ids and errors behave the same on every path of every service.
"""

import functools

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from .auth import IsTokenUser, needs_user, reads_ignore_tokens
from .favorites import Favorites
from .objectid import normalize_object_id
from .query import parse_query, sql
from .query.listing import paginate
from .query.resources import Resource
from .renderers import JSONRenderer
from .schema import ResourceAutoSchema, RouteKind

RENDERER = JSONRenderer()
CONTENT_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"


def max_limit() -> int:
    return settings.LOTR_MAX_LIMIT


def object_id_or_404(value: str) -> str:
    object_id = normalize_object_id(value)
    if object_id is None:
        raise Http404
    return object_id


class PlainRead:
    """What a read view uses of DRF's Request (`query_params`, the Django request behind it),
    for reads answered without DRF's dispatch (`ReadOnlyApi.as_view`)."""

    __slots__ = ("_request",)
    user = None
    auth = None

    def __init__(self, request):
        self._request = request

    @property
    def query_params(self):
        return self._request.GET

    def __getattr__(self, name):
        return getattr(self._request, name)


class ReadOnlyApi(APIView):
    """GET and HEAD only: anything else is a 405 JSON whose Allow header says so.

    An open read (one that looks at no token, `reads_ignore_tokens`) skips DRF's dispatch: no
    Request wrapper, authenticators, permissions, negotiation or template response, which are
    all fixed for it. The view's own `get` runs the same, its errors go through the same
    exception handler, and the answer has the same status, headers and bytes; everything else
    (writes, reads that need a user, reads while tokens are required) goes through DRF. That
    is 11-15% of the instructions of a list or an item in-process (docs/performance.md); the
    schema still comes from the same classes."""

    http_method_names = ["get", "head"]

    @classmethod
    def as_view(cls, **initkwargs):
        through_drf = super().as_view(**initkwargs)
        if needs_user(cls):
            return through_drf

        def view(request, *args, **kwargs):
            if request.method in ("GET", "HEAD") and reads_ignore_tokens(cls):
                return cls(**initkwargs).plain_read(request, *args, **kwargs)
            return through_drf(request, *args, **kwargs)

        # `cls`, `initkwargs` and `csrf_exempt` as DRF's view carries them (URLs, the schema);
        # `through_drf` is DRF's own view, which the tests compare with.
        functools.update_wrapper(view, through_drf)
        view.through_drf = through_drf
        return view

    def plain_read(self, request, *args, **kwargs) -> HttpResponse:
        self.setup(request, *args, **kwargs)
        read = PlainRead(request)
        self.request, self.headers, self.format_kwarg = read, {}, None
        try:
            response = self.get(read, *args, **kwargs)
        except Exception as exc:
            context = {"view": self, "args": args, "kwargs": kwargs, "request": read}
            response = self.get_exception_handler()(exc, context)
            if response is None:
                raise
        if isinstance(response, Response):  # rendered as DRF's finalize_response and JSONRenderer do
            plain = HttpResponse(RENDERER.render(response.data), status=response.status_code, content_type=CONTENT_TYPE)
            for name, value in response.items():
                if name != "Content-Type":
                    plain[name] = value
            response = plain
        for name, value in self.default_response_headers.items():
            response[name] = value
        return response

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
