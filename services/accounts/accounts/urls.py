from django.urls import path

from . import apis

app_name = "accounts"

urlpatterns = [
    path("auth/register", apis.RegisterApi.as_view(), name="register"),
    path("auth/login", apis.LoginApi.as_view(), name="login"),
    path("auth/refresh", apis.RefreshApi.as_view(), name="refresh"),
    path("auth/logout", apis.LogoutApi.as_view(), name="logout"),
    path("auth/me", apis.MeApi.as_view(), name="me"),
    path("auth/me/export", apis.MeExportApi.as_view(), name="me-export"),
    path("auth/password", apis.PasswordApi.as_view(), name="password"),
    path("auth/keys", apis.KeyListApi.as_view(), name="keys"),
    path("auth/keys/<str:id>", apis.KeyDetailApi.as_view(), name="key"),
    path("auth/.well-known/jwks.json", apis.JwksApi.as_view(), name="jwks"),
    path("internal/keys/verify", apis.KeyVerifyInternalApi.as_view(), name="key-verify"),
]
