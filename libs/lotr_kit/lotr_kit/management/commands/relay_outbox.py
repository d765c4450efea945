"""Publish this service's outbox to the broker (docs/events.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from prometheus_client import start_http_server

from lotr_kit.events import relay_forever, safe_broker_url


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.2, help="Seconds between looks at an empty outbox.")
        parser.add_argument("--once", action="store_true", help="Publish what is waiting, then exit.")
        parser.add_argument("--metrics-port", type=int, help="Serve Prometheus metrics on this port.")
        parser.add_argument("--heartbeat", type=Path, help="A file touched every round (liveness probes).")

    def handle(self, *args, interval, once, metrics_port, heartbeat, **options):
        consumers = list(getattr(settings, "LOTR_EVENTS_CONSUMERS", []))
        if metrics_port:
            start_http_server(metrics_port, addr="0.0.0.0")
        self.stdout.write(f"relay: outbox -> {safe_broker_url()} (queues of {', '.join(consumers) or 'none'})")
        try:
            relay_forever(interval=interval, consumers=consumers, once=once, heartbeat=heartbeat)
        except KeyboardInterrupt:
            pass
        except Exception as error:
            raise CommandError(f"relay: {type(error).__name__}: {error}") from None
