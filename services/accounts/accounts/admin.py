from django.contrib import admin

from .models import ApiKey, RefreshToken, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "is_active", "is_staff", "date_joined", "id")
    search_fields = ("email", "id")
    exclude = ("password",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix")


@admin.register(RefreshToken)
class RefreshTokenAdmin(admin.ModelAdmin):
    list_display = ("jti", "user", "family", "expires_at", "revoked_at")
