"""Delivery of outbox events to the provincial platform (SPEC §9, docs/exchange.md).

One round: claim due events (at most one per person, the oldest undelivered one, so a person's
events arrive in order), send them as one signed JSON batch by HTTP POST with connect and read
timeouts, check the receiver's signed answer, and store per event either its receipt or the
failure with the next attempt time (exponential backoff with jitter), or the dead-letter state
after the policy's number of attempts.

Everything lives in the database: a claim is a lease (``claimed_until``) that lapses when the
worker dies, and the receiver deduplicates on ``message_id``, so an event sent twice (a lost
acknowledgement, a worker killed after sending) is applied once. Claims take row locks with
``SKIP LOCKED`` where the database has it (PostgreSQL), and on every database they are made by a
conditional ``UPDATE`` that a second worker cannot repeat, so two workers never hold one event.
"""

from __future__ import annotations

import datetime
import json
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chengxin.core.audit import events as audit_events
from chengxin.core.bulk import bulk_update_rows
from chengxin.core.selectors import policy_value
from chengxin.exchange import error_codes
from chengxin.exchange.choices import DeliveryOutcome, OutboxStatus, ReceiptStatus
from chengxin.exchange.models import OutboxEvent, UpstreamDelivery
from chengxin.exchange.signing import (
    HEADER_ALGORITHM,
    HEADER_BATCH_ID,
    HEADER_KEY_ID,
    HEADER_SIGNATURE,
    SigningKey,
    verifies,
)

logger = logging.getLogger(__name__)

WIRE_FORMAT = "chengxin.outbox/1"
DELIVERY_OBJECT_TYPE = "upstream_delivery"
MAX_ANSWER_BYTES = 5 * 1024 * 1024
RECEIPT_TEXT_LIMIT = 100
UNDELIVERED = (OutboxStatus.PENDING, OutboxStatus.DEAD)


@dataclass(frozen=True)
class UpstreamConfig:
    """Where and how to deliver (settings ``CHENGXIN_UPSTREAM_*``, docs/deployment.md)."""

    url: str
    key: SigningKey
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    batch_size: int = 100
    backoff_base: float = 30.0
    backoff_cap: float = 3600.0

    @property
    def lease(self) -> datetime.timedelta:
        """How long a claim holds: twice what a request may take (connect and read), and five
        seconds more; a killed worker's events are sent again once it lapses."""
        return datetime.timedelta(seconds=2 * (self.connect_timeout + self.read_timeout) + 5)

    @property
    def endpoint(self) -> str:
        """The URL as stored: scheme, host, port and path, never credentials or a query."""
        parts = urlsplit(self.url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"[:300]


def upstream_config() -> UpstreamConfig | None:
    """The configuration from settings; ``None`` when no provincial platform is configured."""
    url = getattr(settings, "CHENGXIN_UPSTREAM_URL", "")
    if not url:
        return None
    if not settings.CHENGXIN_UPSTREAM_KEY:
        raise ImproperlyConfigured("CHENGXIN_UPSTREAM_URL is set but CHENGXIN_UPSTREAM_KEY is not.")
    return UpstreamConfig(
        url=url,
        key=SigningKey(
            key_id=settings.CHENGXIN_UPSTREAM_KEY_ID, secret=settings.CHENGXIN_UPSTREAM_KEY
        ),
        connect_timeout=settings.CHENGXIN_UPSTREAM_CONNECT_TIMEOUT,
        read_timeout=settings.CHENGXIN_UPSTREAM_READ_TIMEOUT,
        batch_size=settings.CHENGXIN_UPSTREAM_BATCH_SIZE,
        backoff_base=settings.CHENGXIN_UPSTREAM_BACKOFF_BASE_SECONDS,
        backoff_cap=settings.CHENGXIN_UPSTREAM_BACKOFF_CAP_SECONDS,
    )


def backoff_delay(
    attempts: int, *, base: float, cap: float, jitter: Callable[[], float] = random.random
) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed attempt: ``min(cap, base · 2^(attempts−1))``,
    of which a random half is taken away (``jitter()`` in [0, 1)), so that many events failed at
    once do not all come back at the same moment."""
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return datetime.timedelta(seconds=ceiling * (1 - jitter() / 2))


@dataclass
class RoundResult:
    """What one round did: events claimed, delivered, failed (to be retried) and now dead."""

    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    outcome: str = ""
    delivery_id: int | None = None


@dataclass
class Answer:
    """The receiver's answer to a batch: receipts by message id, or why there is none."""

    outcome: str
    http_status: int | None = None
    error: str = ""
    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)


def upstream_push_round(
    *,
    config: UpstreamConfig,
    now: datetime.datetime | None = None,
    jitter: Callable[[], float] = random.random,
) -> RoundResult:
    """Deliver one batch of due events; what came of it (nothing claimed: an empty result)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    events = _claim(config=config, now=now, token=token)
    if not events:
        return RoundResult()
    body = _body(events, now=now)
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    delivery = UpstreamDelivery.objects.create(
        batch_id=body["batch_id"],
        endpoint=config.endpoint,
        algorithm=config.key.algorithm,
        key_id=config.key.key_id,
        signature=config.key.sign(raw),
        event_count=len(events),
        started_at=now,
    )
    answer = _send(config, raw, batch_id=body["batch_id"])
    return _apply(
        events, answer, config=config, delivery=delivery, token=token, now=now, jitter=jitter
    )


def upstream_push(
    *, config: UpstreamConfig, max_rounds: int = 1000, now: datetime.datetime | None = None
) -> list[RoundResult]:
    """Rounds until nothing is due (or ``max_rounds``); the result of each round that sent."""
    results = []
    for _round in range(max_rounds):
        result = upstream_push_round(config=config, now=now)
        if not result.claimed:
            break
        results.append(result)
    return results


# --- claims -----------------------------------------------------------------------------------


def due_events(now: datetime.datetime):
    """Pending events due at ``now``, not claimed, and first among their person's undelivered
    events (an earlier pending or dead event of the same person holds the later ones back)."""
    earlier = OutboxEvent.objects.filter(
        subject_index=OuterRef("subject_index"), pk__lt=OuterRef("pk"), status__in=UNDELIVERED
    )
    return (
        OutboxEvent.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .exclude(Exists(earlier))
        .order_by("pk")
    )


def _claim(*, config: UpstreamConfig, now: datetime.datetime, token: uuid.UUID):
    with transaction.atomic():
        candidates = due_events(now)
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.values_list("pk", flat=True)[: config.batch_size])
        if not ids:
            return []
        OutboxEvent.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
        ).update(claim_token=token, claimed_until=now + config.lease)
    return list(OutboxEvent.objects.filter(claim_token=token).order_by("pk"))


# --- the request ------------------------------------------------------------------------------


def _body(events: list[OutboxEvent], *, now: datetime.datetime) -> dict[str, Any]:
    return {
        "format": WIRE_FORMAT,
        "batch_id": str(uuid.uuid4()),
        "sender": settings.CHENGXIN_REGION_CODE,
        "sent_at": now.isoformat(),
        "events": [
            {
                "message_id": str(event.message_id),
                "event_type": event.event_type,
                "subject": event.subject_index,
                "occurred_at": event.created_at.isoformat(),
                "payload": event.payload,
            }
            for event in events
        ],
    }


def _send(config: UpstreamConfig, raw: bytes, *, batch_id: str) -> Answer:
    headers = {
        "Content-Type": "application/json",
        HEADER_BATCH_ID: batch_id,
        **config.key.headers(raw),
    }
    try:
        response = requests.post(
            config.url,
            data=raw,
            headers=headers,
            timeout=(config.connect_timeout, config.read_timeout),
            allow_redirects=False,
            stream=True,
        )
        with response:
            content = response.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
    except requests.Timeout:
        return Answer(DeliveryOutcome.TIMEOUT, error=error_codes.DELIVERY_TIMEOUT)
    except (requests.RequestException, OSError) as error:
        logger.warning("Upstream delivery failed: %s", type(error).__name__)
        return Answer(DeliveryOutcome.CONNECTION_ERROR, error=error_codes.DELIVERY_CONNECTION)
    return _read_answer(config, response, content, batch_id=batch_id)


def _read_answer(config: UpstreamConfig, response, content: bytes, *, batch_id: str) -> Answer:
    status = response.status_code
    if status != 200:
        return Answer(DeliveryOutcome.HTTP_ERROR, status, f"{error_codes.DELIVERY_HTTP}_{status}")
    signed = response.headers.get(HEADER_KEY_ID) == config.key.key_id and verifies(
        content,
        signature=response.headers.get(HEADER_SIGNATURE, ""),
        secret=config.key.secret,
        algorithm=response.headers.get(HEADER_ALGORITHM, ""),
    )
    if not signed or len(content) > MAX_ANSWER_BYTES:
        return Answer(DeliveryOutcome.BAD_RECEIPT, status, error_codes.DELIVERY_RECEIPT_SIGNATURE)
    receipts = _receipts(content, batch_id=batch_id)
    if receipts is None:
        return Answer(DeliveryOutcome.BAD_RECEIPT, status, error_codes.DELIVERY_RECEIPT_MALFORMED)
    return Answer(DeliveryOutcome.DELIVERED, status, receipts=receipts)


def _receipts(content: bytes, *, batch_id: str) -> dict[str, dict[str, Any]] | None:
    """The receipts of a signed answer by message id, or ``None`` when it is not a receipt of
    this batch (any entry malformed makes the whole answer malformed)."""
    try:
        answer = json.loads(content)
    except ValueError:
        return None
    if not isinstance(answer, dict) or answer.get("batch_id") != batch_id:
        return None
    entries = answer.get("receipts")
    if not isinstance(entries, list):
        return None
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        receipt = _receipt(entry, batch_id=batch_id)
        if receipt is None:
            return None
        found[entry["message_id"]] = receipt
    return found


def _receipt(entry: object, *, batch_id: str) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        return None
    texts = {name: entry.get(name) for name in ("message_id", "status", "receipt_id")}
    if not all(isinstance(value, str) and value for value in texts.values()):
        return None
    if entry["status"] not in ReceiptStatus.values:
        return None
    received_at = entry.get("received_at")
    code = entry.get("code")
    return {
        "receipt_id": entry["receipt_id"][:RECEIPT_TEXT_LIMIT],
        "status": entry["status"],
        "received_at": received_at[:40] if isinstance(received_at, str) else "",
        "code": code[:RECEIPT_TEXT_LIMIT] if isinstance(code, str) else "",
        "batch_id": batch_id,
    }


# --- what came of it --------------------------------------------------------------------------


def _apply(events, answer: Answer, *, config, delivery, token, now, jitter) -> RoundResult:
    result = RoundResult(claimed=len(events), outcome=answer.outcome, delivery_id=delivery.pk)
    max_attempts = policy_value("exchange.upstream_max_attempts")
    delivered: list[OutboxEvent] = []
    failed: list[OutboxEvent] = []
    for event in events:
        receipt = answer.receipts.get(str(event.message_id))
        if receipt is not None and receipt["status"] != ReceiptStatus.REJECTED:
            _delivered(event, receipt, delivery=delivery, now=now)
            delivered.append(event)
        else:
            error = _failure_code(answer, receipt)
            _failed(
                event,
                error,
                config=config,
                delivery=delivery,
                now=now,
                max_attempts=max_attempts,
                jitter=jitter,
            )
            failed.append(event)
    with transaction.atomic():
        _save(delivered, failed, token=token)
        _finish(delivery, answer, delivered=len(delivered), failed=bool(failed))
    result.delivered = len(delivered)
    result.dead = sum(1 for event in failed if event.status == OutboxStatus.DEAD)
    result.failed = len(failed) - result.dead
    return result


def _failure_code(answer: Answer, receipt: dict[str, Any] | None) -> str:
    if answer.outcome != DeliveryOutcome.DELIVERED:
        return answer.error
    if receipt is None:
        return error_codes.DELIVERY_NO_RECEIPT
    return f"{error_codes.DELIVERY_REJECTED}: {receipt['code']}"[:200]


def _delivered(event: OutboxEvent, receipt, *, delivery, now) -> None:
    event.status = OutboxStatus.DELIVERED
    event.receipt = receipt
    event.delivered_at = now
    event.attempts += 1
    event.last_attempt_at = now
    event.last_delivery = delivery
    event.next_attempt_at = None
    event.claimed_until = None
    event.claim_token = None


def _failed(event, error: str, *, config, delivery, now, max_attempts: int, jitter) -> None:
    event.attempts += 1
    event.last_error = error[:200]
    event.last_attempt_at = now
    event.last_delivery = delivery
    event.claimed_until = None
    event.claim_token = None
    if event.attempts >= max_attempts:
        event.status = OutboxStatus.DEAD
        event.dead_at = now
        event.next_attempt_at = None
    else:
        delay = backoff_delay(
            event.attempts, base=config.backoff_base, cap=config.backoff_cap, jitter=jitter
        )
        event.next_attempt_at = now + delay


_STATE_FIELDS = (
    "status",
    "attempts",
    "last_error",
    "last_attempt_at",
    "last_delivery",
    "next_attempt_at",
    "claimed_until",
    "claim_token",
    "dead_at",
)


def _save(delivered: list[OutboxEvent], failed: list[OutboxEvent], *, token) -> None:
    """Store the outcome. A receipt is the truth whatever became of the claim; a failure is
    stored only while the claim is still this round's (a lapsed claim may be another worker's
    now, whose outcome counts)."""
    if delivered:
        bulk_update_rows(delivered, [*_STATE_FIELDS, "receipt", "delivered_at"])
    still_ours = set(
        OutboxEvent.objects.filter(
            pk__in=[event.pk for event in failed], claim_token=token
        ).values_list("pk", flat=True)
    )
    kept = [event for event in failed if event.pk in still_ours]
    if kept:
        bulk_update_rows(kept, list(_STATE_FIELDS))


def _finish(delivery: UpstreamDelivery, answer: Answer, *, delivered: int, failed: bool) -> None:
    outcome = answer.outcome
    if outcome == DeliveryOutcome.DELIVERED and failed:
        outcome = DeliveryOutcome.PARTIAL
    delivery.outcome = outcome
    delivery.http_status = answer.http_status
    delivery.error = answer.error[:200]
    delivery.delivered_count = delivered
    delivery.finished_at = timezone.now()
    delivery.save()
    audit_events.export_event(
        actor=None,
        object_type=DELIVERY_OBJECT_TYPE,
        object_id=str(delivery.pk),
        detail={
            "batch_id": str(delivery.batch_id),
            "events": delivery.event_count,
            "delivered": delivered,
            "outcome": outcome,
        },
    )
