from django.contrib import admin

from .models import Book, Chapter, FavoriteBook


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ("name", "id")
    ordering = ("position",)


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ("chapter_name", "book", "id")
    list_filter = ("book",)
    search_fields = ("chapter_name", "id")
    ordering = ("position",)


@admin.register(FavoriteBook)
class FavoriteBookAdmin(admin.ModelAdmin):
    list_display = ("user_id", "book", "created_at")
    search_fields = ("user_id",)
