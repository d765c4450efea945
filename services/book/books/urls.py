from django.urls import path

from . import apis

app_name = "books"

urlpatterns = [
    path("v2/book", apis.BookListApi.as_view(), name="list"),
    path("v2/book/<str:id>", apis.BookDetailApi.as_view(), name="detail"),
    path("v2/book/<str:id>/chapter", apis.BookChapterListApi.as_view(), name="chapters"),
    path("v2/chapter", apis.ChapterListApi.as_view(), name="chapter-list"),
    path("v2/chapter/<str:id>", apis.ChapterDetailApi.as_view(), name="chapter-detail"),
    path("v2/me/favorites/books", apis.FavoriteBookListApi.as_view(), name="favorite-books"),
    path("v2/me/favorites/books/<str:id>", apis.FavoriteBookApi.as_view(), name="favorite-book"),
]
