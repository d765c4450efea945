from lotr_kit.expand import ExpandableMixin
from lotr_kit.views import FavoriteItemApi, FavoriteListApi, ResourceDetailApi, ResourceListApi, SubResourceListApi

from .resources import BOOK, BOOK_CHAPTER, CHAPTER
from .selectors import book_exists, book_list, books_by_id, chapter_list, chapter_list_for_book
from .services import book_favorites


class ChapterExpandMixin(ExpandableMixin):
    """`expand=book` on a chapter answer: the books of the page in one query."""

    expandable = ("book",)

    def expansion(self, key, ids):
        return books_by_id(book_ids=ids)


class BookListApi(ResourceListApi):
    resource = BOOK
    public = True  # the book routes need no token, even when reads do (as in the original)

    def get_queryset(self):
        return book_list()


class BookDetailApi(ResourceDetailApi):
    resource = BOOK
    public = True  # the book routes need no token, even when reads do (as in the original)

    def get_queryset(self):
        return book_list()


class BookChapterListApi(ExpandableMixin, SubResourceListApi):
    # Its chapters carry no `book` key (the book is the one in the path), so nothing expands:
    # `expand=book` is a 400 saying so, never a 200 without the object that was asked for.
    expandable = ()

    resource = BOOK_CHAPTER
    public = True  # the book routes need no token, even when reads do (as in the original)
    schema_name = "BookChapter"

    def parent_exists(self, parent_id):
        return book_exists(book_id=parent_id)

    def get_queryset(self, parent_id):
        return chapter_list_for_book(book_id=parent_id)


class ChapterListApi(ChapterExpandMixin, ResourceListApi):
    resource = CHAPTER

    def get_queryset(self):
        return chapter_list()


class ChapterDetailApi(ChapterExpandMixin, ResourceDetailApi):
    resource = CHAPTER

    def get_queryset(self):
        return chapter_list()


class FavoriteBookListApi(FavoriteListApi):
    resource = BOOK
    favorites = book_favorites


class FavoriteBookApi(FavoriteItemApi):
    resource = BOOK
    favorites = book_favorites
