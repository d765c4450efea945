from django.apps import AppConfig
from django.db.backends.signals import connection_created


class LotrKitConfig(AppConfig):
    """Installed in every service for the hooks below and the event tables (models.py)."""

    name = "lotr_kit"
    label = "lotr_kit"

    def ready(self):
        from . import checks  # noqa: F401  registers them
        from .query.regex import install_sqlite_regexp

        connection_created.connect(install_sqlite_regexp, dispatch_uid="lotr_kit.query.regex")
