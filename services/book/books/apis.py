from lotr_kit.views import FavoriteItemApi, FavoriteListApi, ResourceDetailApi, ResourceListApi, SubResourceListApi

from .models import FavoriteBook
from .resources import BOOK, BOOK_CHAPTER, CHAPTER
from .selectors import book_exists, book_list, chapter_list, chapter_list_for_book


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


class BookChapterListApi(SubResourceListApi):
    resource = BOOK_CHAPTER
    public = True  # the book routes need no token, even when reads do (as in the original)
    schema_name = "BookChapter"

    def parent_exists(self, parent_id):
        return book_exists(book_id=parent_id)

    def get_queryset(self, parent_id):
        return chapter_list_for_book(book_id=parent_id)


class ChapterListApi(ResourceListApi):
    resource = CHAPTER

    def get_queryset(self):
        return chapter_list()


class ChapterDetailApi(ResourceDetailApi):
    resource = CHAPTER

    def get_queryset(self):
        return chapter_list()


class FavoriteBookListApi(FavoriteListApi):
    resource = BOOK
    favorite_model = FavoriteBook
    item_field = "book"


class FavoriteBookApi(FavoriteItemApi):
    resource = BOOK
    favorite_model = FavoriteBook
    item_field = "book"
