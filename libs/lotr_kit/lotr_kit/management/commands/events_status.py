"""Events at a glance: unsent outbox rows, and the messages waiting in each queue and in its
dead-letter queue. Exits 1 when a dead-letter queue holds anything (docs/events.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lotr_kit.events import connection, queue_depth, queue_name
from lotr_kit.models import OutboxEvent


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        consumers = list(getattr(settings, "LOTR_EVENTS_CONSUMERS", [])) or [settings.LOTR_EVENTS_CONSUMER]
        unsent = OutboxEvent.objects.filter(sent_at__isnull=True).count()
        parts, dead_total = [f"outbox {unsent} unsent"], 0
        try:
            with connection() as conn:
                conn.ensure_connection(max_retries=1)
                channel = conn.channel()
                for consumer in consumers:
                    waiting = queue_depth(channel, queue_name(consumer))
                    dead = queue_depth(channel, queue_name(consumer) + ".dead")
                    dead_total += dead
                    parts.append(f"{consumer} {waiting} waiting, {dead} dead")
        except Exception as error:
            raise CommandError(f"events: broker unavailable ({type(error).__name__}: {error})") from None
        self.stdout.write("events: " + "; ".join(parts))
        if dead_total:
            raise CommandError(f"{dead_total} event(s) in dead-letter queues: see docs/events.md")
