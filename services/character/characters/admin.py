from django.contrib import admin

from .models import Character


@admin.register(Character)
class CharacterAdmin(admin.ModelAdmin):
    list_display = ("name", "race", "gender", "realm", "id")
    list_filter = ("race", "gender")
    search_fields = ("name", "id")
    ordering = ("position",)
