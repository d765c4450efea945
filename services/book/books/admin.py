from django.contrib import admin

from .models import Book, Chapter


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
