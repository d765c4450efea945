from django.contrib import admin

from .models import FavoriteMovie, FavoriteQuote, Movie, Quote


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = ("name", "runtime_in_minutes", "budget_in_millions", "academy_award_wins", "id")
    ordering = ("position",)


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ("dialog", "movie", "character", "id")
    list_filter = ("movie",)
    search_fields = ("dialog", "id", "character")
    ordering = ("position",)


@admin.register(FavoriteMovie)
class FavoriteMovieAdmin(admin.ModelAdmin):
    list_display = ("user_id", "movie", "created_at")
    search_fields = ("user_id",)


@admin.register(FavoriteQuote)
class FavoriteQuoteAdmin(admin.ModelAdmin):
    list_display = ("user_id", "quote", "created_at")
    search_fields = ("user_id",)
