from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.tokens import private_key_generate


class Command(BaseCommand):
    """Writes a development RSA key to JWT_PRIVATE_KEY_FILE unless one is there or JWT_PRIVATE_KEY
    is set. Touches nothing else; production keys come from a Secret, never from here."""

    help = __doc__

    def handle(self, *args, **options):
        if settings.JWT_PRIVATE_KEY:
            self.stdout.write("JWT_PRIVATE_KEY is set; nothing to do.")
            return
        path = Path(settings.JWT_PRIVATE_KEY_FILE)
        if private_key_generate(path):
            self.stdout.write(f"Wrote a new development signing key to {path}.")
        else:
            self.stdout.write(f"Signing key already at {path}.")
