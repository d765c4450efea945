from django.contrib import admin

from .models import Character, FavoriteCharacter


@admin.register(Character)
class CharacterAdmin(admin.ModelAdmin):
    list_display = ("name", "race", "gender", "realm", "id")
    list_filter = ("race", "gender")
    search_fields = ("name", "id")
    ordering = ("position",)


@admin.register(FavoriteCharacter)
class FavoriteCharacterAdmin(admin.ModelAdmin):
    list_display = ("user_id", "character", "created_at")
    search_fields = ("user_id",)
