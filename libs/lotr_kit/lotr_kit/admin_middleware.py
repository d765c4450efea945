"""Django's session, CSRF, auth, messages and clickjacking middleware, for /admin/ only.

Imported by MIDDLEWARE (never by settings or logging, which load before the apps)."""

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware


class _AdminOnly:
    """Runs the middleware it is mixed into for /admin/ only. Sessions, CSRF, messages and
    the like serve Django admin alone; on API paths they cost time and do nothing (measured
    in bench/: about 15% of a list request). Subclassing the real class keeps Django's
    system checks for admin satisfied."""

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            return super().__call__(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        parent = getattr(super(), "process_view", None)
        if parent is not None and request.path_info.startswith("/admin/"):
            return parent(request, view_func, view_args, view_kwargs)
        return None


class AdminSessionMiddleware(_AdminOnly, SessionMiddleware):
    pass


class AdminCsrfViewMiddleware(_AdminOnly, CsrfViewMiddleware):
    pass


class AdminAuthenticationMiddleware(_AdminOnly, AuthenticationMiddleware):
    pass


class AdminMessageMiddleware(_AdminOnly, MessageMiddleware):
    pass


class AdminXFrameOptionsMiddleware(_AdminOnly, XFrameOptionsMiddleware):
    pass
