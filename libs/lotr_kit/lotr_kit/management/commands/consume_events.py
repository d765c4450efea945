"""This service's event worker: consumes lotr.<LOTR_EVENTS_CONSUMER>.events (docs/events.md)."""

import contextlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from prometheus_client import start_http_server

from lotr_kit.events import Worker, connection, queue_name, safe_broker_url


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--metrics-port", type=int, help="Serve Prometheus metrics on this port.")
        parser.add_argument("--heartbeat", type=Path, help="A file touched every second or so (liveness probes).")

    def handle(self, *args, metrics_port, heartbeat, **options):
        consumer = getattr(settings, "LOTR_EVENTS_CONSUMER", "")
        if not consumer:
            raise CommandError("This service consumes no events (LOTR_EVENTS_CONSUMER is not set).")
        if metrics_port:
            start_http_server(metrics_port, addr="0.0.0.0")
        self.stdout.write(f"worker: {queue_name(consumer)} on {safe_broker_url()}")
        with connection() as conn, contextlib.suppress(KeyboardInterrupt):
            Worker(conn, consumer, max_tries=settings.LOTR_EVENTS_MAX_TRIES, heartbeat=heartbeat).run()
