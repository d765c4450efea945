"""Events between services: a transactional outbox, a relay to the broker, a worker per
service (docs/events.md). Plumbing only; what a service does with an event is its settings':

    LOTR_BROKER_URL          amqp://... (RabbitMQ), or the development broker, a SQLite file
    LOTR_EVENTS_CONSUMER     this service's name: its queue is lotr.<name>.events
    LOTR_EVENTS_CONSUMERS    (the relay) every consumer's name: their queues are declared
                             before anything is published, so a worker never started yet
                             still finds every event waiting
    LOTR_USER_DATA_MODELS    models with a user_id: emptied for that user on user.deleted

Events: `user.deleted` (accounts, with the deletion) and `data.changed` (a data service's
import or sync that changed rows, with the change; lotr_kit.commands publishes it).

Delivery is at least once: the relay marks a row sent only once the broker confirmed it, so
a crash in between sends it again; handlers are idempotent. A message whose handling fails
is published again with its try count, behind the others; after LOTR_EVENTS_MAX_TRIES it
goes to the dead-letter queue lotr.<name>.events.dead (`manage.py events_status`).
"""

import json
import logging
import time
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, transaction
from django.utils import timezone
from kombu import Connection, Exchange, Queue
from kombu.mixins import ConsumerProducerMixin
from prometheus_client import Counter, Gauge, Histogram

from .objectid import normalize_object_id
from .revocation import KEEP

logger = logging.getLogger("lotr_kit.events")

EVENTS = Exchange("lotr.events", type="topic", durable=True)
TRIES_HEADER = "x-lotr-tries"

PUBLISHED = Counter("lotr_events_published_total", "Outbox events the broker confirmed.", ["type"])
PUBLISH_FAILURES = Counter("lotr_events_publish_failures_total", "Relay rounds that failed (broker or database).")
OUTBOX_DEPTH = Gauge("lotr_events_outbox_depth", "Outbox events not yet confirmed by the broker.")
DELIVERED = Counter("lotr_events_delivered_total", "Events handled (acknowledged).", ["consumer", "type"])
FAILED = Counter("lotr_events_failed_total", "Tries of an event that failed.", ["consumer", "type"])
DEAD_LETTERED = Counter("lotr_events_dead_lettered_total", "Events moved to the dead-letter queue.", ["consumer"])
QUEUE_DEPTH = Gauge("lotr_events_queue_depth", "Messages waiting in a queue.", ["queue"])
LAG = Histogram(
    "lotr_events_consumer_lag_seconds",
    "From the event's creation (in the outbox) to its handling by a worker.",
    ["consumer"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600),
)


class MalformedEvent(ValueError):
    """An event no try can handle: it is dead-lettered after its tries like any failure."""


# ---- queues ------------------------------------------------------------------------------


def queue_name(consumer: str) -> str:
    return f"lotr.{consumer}.events"


def consumer_queue(consumer: str) -> Queue:
    """Durable, bound to every event. Retries and dead letters go straight to a queue by its
    name (the default exchange), which RabbitMQ and the development broker both route."""
    return Queue(queue_name(consumer), exchange=EVENTS, routing_key="#", durable=True)


def _declare(channel, consumer: str) -> None:
    EVENTS(channel).declare()
    consumer_queue(consumer)(channel).declare()
    Queue(queue_name(consumer) + ".dead", durable=True)(channel).declare()


def broker_url() -> str:
    """LOTR_BROKER_URL, else the development broker: kombu's SQLAlchemy transport on one
    SQLite file under the repository's var/, shared by the services of `make run`."""
    if settings.LOTR_BROKER_URL:
        return settings.LOTR_BROKER_URL
    return "sqla+sqlite:///" + str(Path(settings.REPO_DIR) / "var" / "events-broker.sqlite3")


def connection() -> Connection:
    url = broker_url()
    if url.startswith("sqla+sqlite:///"):
        Path(url.removeprefix("sqla+sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # Publisher confirms: a publish returns once RabbitMQ has the message (ignored by the
    # development broker, whose publish is a committed SQLite insert).
    options = {"confirm_publish": True} if url.startswith(("amqp", "pyamqp")) else {}
    return Connection(url, transport_options=options, connect_timeout=5)


# ---- outbox ------------------------------------------------------------------------------


def outbox_add(event_type: str, data: dict) -> None:
    """Record an event; call inside the transaction of the change it announces."""
    from .models import OutboxEvent

    OutboxEvent.objects.create(type=event_type, payload=data)


def _body(row) -> dict:
    return {"id": str(row.id), "type": row.type, "occurred_at": row.created_at.isoformat(), "data": row.payload}


def relay_once(producer, *, batch: int = 100) -> int:
    """Publish unsent outbox rows, oldest first; each is marked sent once confirmed. Returns
    how many were sent. Rows are locked (SKIP LOCKED) so two relays never send the same row
    at once; an error leaves the unsent rest for the next round."""
    from .models import OutboxEvent

    with transaction.atomic():
        rows = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("created_at")[:batch]
        )
        for row in rows:
            _publish(producer, row)
    OUTBOX_DEPTH.set(OutboxEvent.objects.filter(sent_at__isnull=True).count())
    return len(rows)


def _publish(producer, row) -> None:
    """Publish one outbox row and mark it sent (once the broker confirmed it)."""
    from .models import OutboxEvent

    try:
        producer.publish(
            _body(row),
            exchange=EVENTS,
            routing_key=row.type,
            serializer="json",
            delivery_mode=2,
            message_id=str(row.id),
            retry=False,
        )
    except Exception:
        OutboxEvent.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        raise
    OutboxEvent.objects.filter(pk=row.pk).update(sent_at=timezone.now(), attempts=row.attempts + 1)
    PUBLISHED.labels(row.type).inc()


def publish_pending() -> int:
    """Publish what this service's outbox holds, once, now (a command that just wrote to it).
    Raises if the broker cannot be reached: the rows stay for the next try.

    Unlike the relay, no transaction spans the publishing: this service's own worker writes
    to the same database when the event reaches it, and on SQLite a transaction that has read
    and then waits to write deadlocks with that ("database is locked")."""
    from .models import OutboxEvent

    rows = list(OutboxEvent.objects.filter(sent_at__isnull=True).order_by("created_at"))
    with connection() as conn:
        conn.ensure_connection(max_retries=1)
        channel = conn.channel()
        EVENTS(channel).declare()
        producer = conn.Producer(channel)
        for row in rows:
            _publish(producer, row)
    return len(rows)


def relay_forever(*, interval: float, consumers: list[str], once: bool = False, heartbeat: Path | None = None) -> None:
    """Publish the outbox, round after round; reconnects after a broker or database failure."""
    from .models import OutboxEvent

    while True:
        try:
            with connection() as conn:
                conn.ensure_connection(max_retries=1)
                channel = conn.channel()
                for consumer in consumers:
                    _declare(channel, consumer)
                producer = conn.Producer(channel)
                logger.info("relay connected to %s", conn.as_uri())
                while True:
                    sent = relay_once(producer)
                    if heartbeat is not None:
                        heartbeat.touch()
                    if once:
                        return
                    if not sent:
                        time.sleep(interval)
                    # Sent rows older than a week go: the outbox is not an archive.
                    if sent:
                        OutboxEvent.objects.filter(sent_at__lt=timezone.now() - timedelta(days=7)).delete()
        except (OperationalError, InterfaceError, DatabaseError) as error:
            PUBLISH_FAILURES.inc()
            logger.warning("relay: database unavailable (%s); trying again", error)
            close_old_connections()
        except Exception as error:  # the broker: connection refused, lost, a nack
            PUBLISH_FAILURES.inc()
            logger.warning("relay: broker unavailable (%s: %s); trying again", type(error).__name__, error)
            if once:
                raise
        time.sleep(min(interval * 5, 2.0))


# ---- handlers ----------------------------------------------------------------------------


def user_deleted(data: dict) -> None:
    """Forget the user: refuse their tokens here, delete their rows. Idempotent."""
    from .models import RevokedUser

    user_id = normalize_object_id(str(data.get("user_id", "")))
    if user_id is None:
        raise MalformedEvent(f"user.deleted without a valid user_id: {data.get('user_id')!r}")
    with transaction.atomic():
        RevokedUser.objects.bulk_create([RevokedUser(user_id=user_id)], ignore_conflicts=True)
        # Kept longer than any token of theirs lives (lotr_kit/revocation.py), then pruned.
        RevokedUser.objects.filter(revoked_at__lt=timezone.now() - 2 * KEEP).delete()
        for label in getattr(settings, "LOTR_USER_DATA_MODELS", []):
            apps.get_model(label).objects.filter(user_id=user_id).delete()


def data_changed(data: dict) -> None:
    """An import or a sync changed some service's data: record it, and this service's server
    processes drop what they cached from it (lotr_kit.datachanges). A second delivery only
    costs one more drop."""
    from .models import DataChange

    service = data.get("service")
    if not isinstance(service, str) or not service:
        raise MalformedEvent(f"data.changed without a service name: {service!r}")
    with transaction.atomic():
        DataChange.objects.create(service=service[:64])
        # Only the newest row is read; older ones are kept a while, then pruned.
        DataChange.objects.filter(received_at__lt=timezone.now() - KEEP).delete()


HANDLERS = {"user.deleted": user_deleted, "data.changed": data_changed}


def parse(raw: bytes | str) -> dict:
    try:
        event = json.loads(raw)
    except (ValueError, TypeError) as error:
        raise MalformedEvent(f"not JSON: {error}") from None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str) or not isinstance(event.get("data"), dict):
        raise MalformedEvent("an event is an object with a string `type` and an object `data`")
    return event


def _lag(event: dict) -> float | None:
    try:
        occurred = timezone.datetime.fromisoformat(event["occurred_at"])
    except (KeyError, TypeError, ValueError):
        return None
    return max(0.0, (timezone.now() - occurred).total_seconds())


class Worker(ConsumerProducerMixin):
    """Consumes lotr.<consumer>.events; see the module's docstring for tries and dead letters."""

    def __init__(self, conn: Connection, consumer: str, *, max_tries: int, heartbeat: Path | None = None):
        self.connection, self.consumer, self.max_tries, self.heartbeat = conn, consumer, max_tries, heartbeat
        self.last_depth, self.depth_channel = 0.0, None

    def get_consumers(self, Consumer, channel):
        _declare(channel, self.consumer)
        return [Consumer(queues=[consumer_queue(self.consumer)], on_message=self.on_message, prefetch_count=10)]

    def on_connection_revived(self):
        logger.info("worker %s connected", self.consumer)

    def on_iteration(self):
        if self.heartbeat is not None:
            self.heartbeat.touch()
        # Queue depths on RabbitMQ only: the development broker's channels each keep a
        # database session (and its read lock) open; `manage.py events_status` reads it there.
        if self.connection.transport.driver_type == "amqp" and time.monotonic() - self.last_depth > 10:
            self.last_depth = time.monotonic()
            try:
                if self.depth_channel is None:
                    self.depth_channel = self.producer_connection.channel()
                for name in (queue_name(self.consumer), queue_name(self.consumer) + ".dead"):
                    QUEUE_DEPTH.labels(name).set(queue_depth(self.depth_channel, name))
            except Exception as error:  # a metric is never worth stopping for
                self.depth_channel = None
                logger.info("queue depth not read: %s", error)

    def on_message(self, message):
        tries = int((message.headers or {}).get(TRIES_HEADER, 0)) + 1
        event_type = "unknown"
        try:
            event = parse(message.body)
            event_type = event["type"] if event["type"] in HANDLERS else "other"
            handler = HANDLERS.get(event["type"])
            if handler is not None:
                close_old_connections()
                handler(event["data"])
                lag = _lag(event)
                if lag is not None:
                    LAG.labels(self.consumer).observe(lag)
            DELIVERED.labels(self.consumer, event_type).inc()
            message.ack()
        except (OperationalError, InterfaceError) as error:
            # The database is away: not the event's fault, so no try is counted.
            logger.warning("worker %s: database unavailable (%s); the event waits", self.consumer, error)
            close_old_connections()
            time.sleep(1)
            message.requeue()
        except Exception as error:
            FAILED.labels(self.consumer, event_type).inc()
            dead = tries >= self.max_tries
            headers = {TRIES_HEADER: tries, "x-lotr-error": f"{type(error).__name__}: {error}"[:500]}
            self.producer.publish(
                message.body,
                exchange="",
                routing_key=queue_name(self.consumer) + (".dead" if dead else ""),
                headers=headers,
                content_type=message.content_type or "application/octet-stream",
                content_encoding=message.content_encoding or "binary",
                delivery_mode=2,
                retry=True,
            )
            message.ack()
            if dead:
                DEAD_LETTERED.labels(self.consumer).inc()
                logger.error("worker %s: event dead-lettered after %d tries: %s", self.consumer, tries, error)
            else:
                logger.warning("worker %s: try %d failed: %s", self.consumer, tries, error)


def queue_depth(channel, name: str) -> int:
    """Messages ready in a queue (a passive declare: a missing queue is 0)."""
    try:
        return Queue(name, durable=True)(channel).queue_declare(passive=True).message_count
    except Exception:
        return 0


def safe_broker_url() -> str:
    """The broker URL without its password, for logs."""
    return Connection(broker_url()).as_uri(include_password=False)
