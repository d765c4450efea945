import time

import jwt
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lotr_kit.auth import IsTokenUser
from lotr_kit.objectid import normalize_object_id
from lotr_kit.schema import ERROR

from .export import user_export
from .models import User
from .services import (
    AccountError,
    api_key_create,
    api_key_revoke,
    api_key_verify,
    password_change,
    refresh_revoke,
    refresh_rotate,
    user_delete,
    user_login,
    user_register,
)
from .tokens import jwks


class IsoDateTimeField(serializers.DateTimeField):
    """A time as Python's isoformat() writes it ("+00:00", not DRF's "Z")."""

    def to_representation(self, value):
        return value.isoformat() if value else None


# Output serializers: each shapes an answer and is the schema of that answer.
class SuccessSerializer(serializers.Serializer):
    success = serializers.BooleanField()


class TokensSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Access JWT, short-lived.")
    refresh = serializers.CharField(help_text="Refresh JWT; each use rotates it.")


class LoginSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Access JWT (as `access`).")
    email = serializers.EmailField()
    access_token = serializers.CharField(help_text="An API key; the next login replaces it.")
    access = serializers.CharField(help_text="Access JWT, short-lived.")
    refresh = serializers.CharField(help_text="Refresh JWT; each use rotates it.")


class UserSerializer(serializers.Serializer):
    id = serializers.CharField()
    email = serializers.EmailField()
    date_joined = IsoDateTimeField()


class ApiKeySerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = IsoDateTimeField()
    revoked_at = IsoDateTimeField(allow_null=True)


class ApiKeyListSerializer(serializers.Serializer):
    docs = ApiKeySerializer(many=True)
    total = serializers.IntegerField()


class NewApiKeySerializer(serializers.Serializer):
    key = serializers.CharField()
    api_key = ApiKeySerializer()


class JwksSerializer(serializers.Serializer):
    keys = serializers.ListField()


class ExportUserSerializer(UserSerializer):
    last_login = IsoDateTimeField(allow_null=True)


class SessionSerializer(serializers.Serializer):
    expires_at = IsoDateTimeField()
    revoked_at = IsoDateTimeField(allow_null=True)


class ExportSerializer(serializers.Serializer):
    user = ExportUserSerializer()
    api_keys = ApiKeySerializer(many=True)
    sessions = SessionSerializer(many=True)
    favorites = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))


def answer(serializer_class, instance, code: int = status.HTTP_200_OK, *, no_store: bool = False) -> Response:
    """`instance` shaped by `serializer_class`; with `no_store` (tokens, keys) no cache, shared or
    the browser's, may keep it."""
    response = Response(serializer_class(instance).data, status=code)
    if no_store:
        patch_cache_control(response, no_store=True)
    return response


SUCCESS = {"success": True}


class AccountsApi(APIView):
    """A refused request (AccountError) is answered by the kit's exception handler."""

    def validated(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class AnonymousApi(AccountsApi):
    """Endpoints used before there is a token: an Authorization header here is ignored."""

    authentication_classes = []
    permission_classes = []


class SignedInApi(AccountsApi):
    permission_classes = [IsTokenUser]

    def user(self) -> User:
        user = User.objects.filter(pk=self.request.user.id, is_active=True).first()
        if user is None:
            raise exceptions.AuthenticationFailed("This account does not exist any more.")
        return user


class StrictStrings:
    """Input fields take JSON strings only, as the schema says: DRF would turn -1566 into "-1566"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(StrictStrings, serializers.CharField):
    pass


class EmailTextField(StrictStrings, serializers.EmailField):
    pass


class Credentials(serializers.Serializer):
    email = EmailTextField(max_length=254)
    password = TextField(max_length=128, trim_whitespace=False)


class RegisterApi(AnonymousApi):
    @extend_schema(tags=["auth"], request=Credentials, responses={201: SuccessSerializer, 400: ERROR, 413: ERROR})
    def post(self, request):
        """Create an account. The password needs 8+ characters with a lower-case letter, an
        upper-case letter, a digit and a symbol, and must not be a common one."""
        data = self.validated(Credentials)
        user_register(email=data["email"], password=data["password"])
        return answer(SuccessSerializer, SUCCESS, status.HTTP_201_CREATED)


class LoginApi(AnonymousApi):
    @extend_schema(
        tags=["auth"],
        request=Credentials,
        responses={
            200: LoginSerializer,
            400: ERROR,
            401: ERROR,
            413: ERROR,
        },
    )
    def post(self, request):
        """Sign in: The One API's `token`, `email` and `access_token`, plus JWTs."""
        data = self.validated(Credentials)
        user = authenticate(request, username=data["email"].lower(), password=data["password"])
        if user is None:
            # One answer whether or not the email exists.
            raise AccountError("Incorrect email or password.", status=401)
        return answer(LoginSerializer, user_login(user=user), no_store=True)


class RefreshInput(serializers.Serializer):
    refresh = TextField(max_length=4096)


class RefreshApi(AnonymousApi):
    @extend_schema(
        tags=["auth"], request=RefreshInput, responses={200: TokensSerializer, 400: ERROR, 401: ERROR, 413: ERROR}
    )
    def post(self, request):
        """New access and refresh tokens; the refresh token sent is used up."""
        return answer(TokensSerializer, refresh_rotate(token=self.validated(RefreshInput)["refresh"]), no_store=True)


class LogoutApi(AnonymousApi):
    @extend_schema(
        tags=["auth"], request=RefreshInput, responses={200: SuccessSerializer, 400: ERROR, 401: ERROR, 413: ERROR}
    )
    def post(self, request):
        """Revoke the refresh token (and the tokens it was rotated from or into)."""
        refresh_revoke(token=self.validated(RefreshInput)["refresh"])
        return answer(SuccessSerializer, SUCCESS)


class DeleteInput(serializers.Serializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False, required=False)


class MeApi(SignedInApi):
    @extend_schema(tags=["auth"], responses={200: UserSerializer, 401: ERROR})
    def get(self, request):
        """The signed-in account: its id, its email and when it was created."""
        return answer(UserSerializer, self.user())

    @extend_schema(tags=["auth"], request=DeleteInput, responses={204: None, 401: ERROR, 403: ERROR})
    def delete(self, request):
        """Delete the account, with the password in the body, or with an access JWT signed in
        the last ACCOUNTS_DELETE_FRESH_SECONDS (300). API keys and refresh tokens go at once;
        every service deletes the user's favorites and refuses their tokens within seconds."""
        user = self.user()
        # No body at all (a plain DELETE with a fresh JWT) is no confirmation error.
        password = self.validated(DeleteInput).get("password") if request.body else None
        if password is not None:
            if not user.check_password(password):
                raise AccountError("The password is not correct.", status=403)
        elif not self.fresh_jwt():
            raise AccountError(
                'Confirm the deletion: send your password ({"password": ...}), or sign in again and '
                f"send the new access JWT within {settings.ACCOUNTS_DELETE_FRESH_SECONDS} seconds.",
                status=403,
            )
        user_delete(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def fresh_jwt(self) -> bool:
        if self.request.user.via != "jwt":
            return False
        # The signature was checked by the authentication already; only its age is read here.
        issued = jwt.decode(self.request.auth, options={"verify_signature": False}).get("iat", 0)
        return time.time() - float(issued) <= settings.ACCOUNTS_DELETE_FRESH_SECONDS


class PasswordInput(serializers.Serializer):
    old_password = TextField(max_length=128, trim_whitespace=False)
    new_password = TextField(max_length=128, trim_whitespace=False)


class PasswordApi(SignedInApi):
    @extend_schema(
        tags=["auth"], request=PasswordInput, responses={200: SuccessSerializer, 400: ERROR, 401: ERROR, 413: ERROR}
    )
    def post(self, request):
        """Change the password; every refresh token of the account stops working."""
        data = self.validated(PasswordInput)
        password_change(user=self.user(), old_password=data["old_password"], new_password=data["new_password"])
        return answer(SuccessSerializer, SUCCESS)


class KeyInput(serializers.Serializer):
    name = TextField(max_length=100)


class KeyListApi(SignedInApi):
    @extend_schema(
        tags=["auth"],
        responses={200: ApiKeyListSerializer, 401: ERROR},
    )
    def get(self, request):
        """The account's API keys (never the keys themselves, only their first characters)."""
        keys = list(self.user().api_keys.all())
        return answer(ApiKeyListSerializer, {"docs": keys, "total": len(keys)})

    @extend_schema(
        tags=["auth"],
        request=KeyInput,
        responses={
            201: NewApiKeySerializer,
            400: ERROR,
            401: ERROR,
            413: ERROR,
        },
    )
    def post(self, request):
        """Create an API key. The key is in this answer only: it is stored hashed."""
        key, plaintext = api_key_create(user=self.user(), name=self.validated(KeyInput)["name"])
        return answer(NewApiKeySerializer, {"key": plaintext, "api_key": key}, status.HTTP_201_CREATED, no_store=True)


class KeyDetailApi(SignedInApi):
    @extend_schema(tags=["auth"], responses={204: None, 401: ERROR, 404: ERROR})
    def delete(self, request, id):
        """Revoke an API key. Services that cached it stop accepting it within
        LOTR_API_KEY_CACHE_SECONDS."""
        key_id = normalize_object_id(id)
        if key_id is None or not api_key_revoke(user=self.user(), key_id=key_id):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class JwksApi(AnonymousApi):
    @extend_schema(tags=["auth"], responses={200: JwksSerializer})
    def get(self, request):
        """The public keys that verify this service's JWTs."""
        return answer(JwksSerializer, jwks())


class KeyVerifyInternalApi(AnonymousApi):
    """Other services ask here whom an API key belongs to; not routed by the gateway."""

    schema = None

    def get(self, request):
        owner = api_key_verify(request.headers.get("X-API-Key", ""))
        if owner is None:
            raise Http404
        return Response(owner)


class MeExportApi(SignedInApi):
    @extend_schema(
        tags=["auth"],
        responses={
            200: ExportSerializer,
            401: ERROR,
            503: ERROR,
        },
    )
    def get(self, request):
        """Everything stored about the account: the account, its API keys (never the keys
        themselves), its sessions, and its favorites in every service."""
        authorization = f"Bearer {request.auth}"
        return answer(ExportSerializer, user_export(user=self.user(), authorization=authorization), no_store=True)
