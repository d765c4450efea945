import json

from django.core.management.base import BaseCommand

from accounts.tokens import jwks


class Command(BaseCommand):
    """Prints the JWKS (public keys only) that verifies this service's JWTs: the document to
    provide the other services as LOTR_JWKS_FILE (a Kubernetes ConfigMap, say), so they verify
    tokens even when they start while accounts is down."""

    help = __doc__

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(jwks()))
