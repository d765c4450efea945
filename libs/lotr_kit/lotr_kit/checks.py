"""System checks of the kit: what `check --deploy` cannot see for itself."""

from django.conf import settings
from django.core.checks import Error, Tags, register

ADMIN_PROTECTIONS = {
    "lotr_kit.admin_middleware.AdminCsrfViewMiddleware": "security.W003",
    "lotr_kit.admin_middleware.AdminXFrameOptionsMiddleware": "security.W002",
}


@register(Tags.security, deploy=True)
def admin_protections(app_configs, **kwargs):
    """Django's CSRF and clickjacking checks are silenced in production because their
    middleware runs for /admin/ under another name: it must then be there."""
    return [
        Error(f"{path} is not in MIDDLEWARE, and {check} is silenced.", id="lotr_kit.E001")
        for path, check in ADMIN_PROTECTIONS.items()
        if check in settings.SILENCED_SYSTEM_CHECKS and path not in settings.MIDDLEWARE
    ]
