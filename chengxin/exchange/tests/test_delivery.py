"""Delivery to the reference receiver, a real HTTP server on 127.0.0.1 (docs/exchange.md)."""

from __future__ import annotations

import datetime
import http.server
import threading

import pytest
from django.utils import timezone

from chengxin.core.audit.models import AuditEvent
from chengxin.core.services import policy_value_set
from chengxin.exchange import error_codes
from chengxin.exchange.choices import DeliveryOutcome, OutboxStatus, SignatureAlgorithm
from chengxin.exchange.delivery import UpstreamConfig, backoff_delay, upstream_push_round
from chengxin.exchange.fake_upstream import FAIL, LOSE_ACK, TIMEOUT, stored_events
from chengxin.exchange.models import OutboxEvent, UpstreamDelivery
from chengxin.exchange.signing import SigningKey
from chengxin.exchange.tests.receiver import KEY, running_receiver
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, submit, years_ago

pytestmark = pytest.mark.django_db

NO_JITTER = lambda: 0.0  # noqa: E731 - the jitter function of a deterministic schedule


@pytest.fixture
def receiver(tmp_path):
    with running_receiver(tmp_path / "upstream") as running:
        yield running


def serious(source_id: str, *, person: int = 1):
    return submit(TAX_SERIOUS, source_id=source_id, decided_on=years_ago(1), sequence=person)


def states() -> list[tuple[str, int, str]]:
    return list(OutboxEvent.objects.order_by("pk").values_list("status", "attempts", "last_error"))


def later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_due_events_are_delivered_signed_and_their_receipts_stored(receiver):
    # given
    list_items()
    serious("S-1", person=1)
    serious("S-2", person=2)
    # when
    result = upstream_push_round(config=receiver.config())
    # then
    assert (result.claimed, result.delivered, result.outcome) == (2, 2, DeliveryOutcome.DELIVERED)
    stored = stored_events(receiver.store)
    events = list(OutboxEvent.objects.order_by("pk"))
    assert [line["message_id"] for line in stored] == [str(event.message_id) for event in events]
    assert [event.status for event in events] == [OutboxStatus.DELIVERED] * 2
    assert [event.receipt["receipt_id"] for event in events] == [
        line["receipt_id"] for line in stored
    ]
    assert {event.receipt["status"] for event in events} == {"accepted"}
    delivery = UpstreamDelivery.objects.get()
    assert (
        delivery.algorithm,
        delivery.key_id,
        delivery.event_count,
        delivery.delivered_count,
    ) == (
        SignatureAlgorithm.HMAC_SHA256,
        "u1",
        2,
        2,
    )
    assert delivery.signature == delivery.signature.lower() and len(delivery.signature) == 64
    audit = AuditEvent.objects.get(object_type="upstream_delivery")
    assert (audit.action, audit.detail["delivered"]) == ("export", 2)
    assert upstream_push_round(config=receiver.config()).claimed == 0


def test_a_wrong_signature_is_refused_and_nothing_is_stored(receiver):
    # given
    list_items()
    serious("S-1")
    wrong = receiver.config(key=SigningKey(key_id="u1", secret="not-the-agreed-key"))
    # when
    result = upstream_push_round(config=wrong, jitter=NO_JITTER)
    # then
    assert result.outcome == DeliveryOutcome.HTTP_ERROR
    assert states() == [(OutboxStatus.PENDING, 1, "http_error_401")]
    assert stored_events(receiver.store) == []
    assert receiver.stats()["refused"] == 1


def test_a_lost_acknowledgement_is_redelivered_and_applied_once(receiver):
    # given
    list_items()
    serious("S-1")
    receiver.control(mode=LOSE_ACK, count=1)
    # when
    first = upstream_push_round(config=receiver.config(), jitter=NO_JITTER)
    second = upstream_push_round(config=receiver.config(), now=later(1))
    # then
    assert (first.outcome, second.outcome) == (
        DeliveryOutcome.CONNECTION_ERROR,
        DeliveryOutcome.DELIVERED,
    )
    stored = stored_events(receiver.store)
    event = OutboxEvent.objects.get()
    assert len(stored) == 1
    assert (event.status, event.attempts) == (OutboxStatus.DELIVERED, 2)
    assert event.receipt["status"] == "duplicate"
    assert event.receipt["receipt_id"] == stored[0]["receipt_id"]
    assert receiver.stats()["duplicates"] == 1


def test_a_persons_later_event_waits_for_the_earlier_one(receiver):
    # given: person 1 has a created and a revoked event, person 2 one event
    list_items()
    serious("S-1", person=1)
    submit(TAX_SERIOUS, source_id="S-1", decided_on=years_ago(1), operation="revoke")
    serious("S-2", person=2)
    first_of_1, revoke_of_1, first_of_2 = OutboxEvent.objects.order_by("pk")
    receiver.control(mode=FAIL, count=1)
    # when: the first request fails, so nothing of either person may go before a retry
    failed = upstream_push_round(config=receiver.config(), jitter=NO_JITTER)
    blocked = upstream_push_round(config=receiver.config())
    heads = upstream_push_round(config=receiver.config(), now=later(1))
    rest = upstream_push_round(config=receiver.config(), now=later(1))
    # then
    assert (failed.claimed, blocked.claimed, heads.claimed, rest.claimed) == (2, 0, 2, 1)
    order = [line["message_id"] for line in stored_events(receiver.store)]
    assert order == [str(e.message_id) for e in (first_of_1, first_of_2, revoke_of_1)]


def test_failed_attempts_back_off_exponentially_up_to_the_cap():
    # when
    waits = [
        backoff_delay(n, base=30, cap=600, jitter=NO_JITTER).total_seconds()
        for n in (1, 2, 3, 5, 9)
    ]
    jittered = backoff_delay(3, base=30, cap=600, jitter=lambda: 0.5).total_seconds()
    # then
    assert waits == [30, 60, 120, 480, 600]
    assert jittered == 90


def test_a_failed_event_is_due_again_after_its_backoff(receiver):
    # given
    list_items()
    serious("S-1")
    receiver.control(mode=FAIL)
    now = timezone.now()
    # when
    upstream_push_round(config=receiver.config(), now=now, jitter=NO_JITTER)
    event = OutboxEvent.objects.get()
    early = upstream_push_round(config=receiver.config(), now=now + datetime.timedelta(seconds=29))
    # then
    assert event.next_attempt_at == now + datetime.timedelta(seconds=30)
    assert (event.attempts, event.last_error) == (1, "http_error_500")
    assert early.claimed == 0


def test_an_event_is_dead_after_the_policys_attempts(receiver):
    # given
    policy_value_set(name="exchange.upstream_max_attempts", value=3, actor=None, reason="测试")
    list_items()
    serious("S-1")
    receiver.control(mode=FAIL)
    # when
    outcomes = [
        upstream_push_round(config=receiver.config(), now=later(60 * hour), jitter=NO_JITTER)
        for hour in range(4)
    ]
    # then
    assert [(r.claimed, r.failed, r.dead) for r in outcomes] == [
        (1, 1, 0),
        (1, 1, 0),
        (1, 0, 1),
        (0, 0, 0),
    ]
    event = OutboxEvent.objects.get()
    assert (event.status, event.attempts, event.next_attempt_at) == (OutboxStatus.DEAD, 3, None)
    assert receiver.stats()["requests"] == 3


def test_a_receiver_that_does_not_answer_in_time_is_a_timeout(receiver):
    # given
    list_items()
    serious("S-1")
    receiver.control(mode=TIMEOUT, count=1, delay=5)
    # when
    result = upstream_push_round(config=receiver.config(read_timeout=0.5), jitter=NO_JITTER)
    # then
    assert result.outcome == DeliveryOutcome.TIMEOUT
    assert states() == [(OutboxStatus.PENDING, 1, error_codes.DELIVERY_TIMEOUT)]
    assert stored_events(receiver.store) == []


def test_delivery_goes_on_after_the_receiver_restarts(tmp_path):
    # given: the receiver applies a batch but its answer is lost, then it stops
    list_items()
    serious("S-1", person=1)
    store = tmp_path / "upstream"
    with running_receiver(store) as first:
        first.control(mode=LOSE_ACK, count=1)
        upstream_push_round(config=first.config(), jitter=NO_JITTER)
        url = first.url
    serious("S-2", person=2)
    down = upstream_push_round(config=UpstreamConfig(url=url, key=KEY), now=later(1))
    # when: it comes back (on another port) with the same store
    with running_receiver(store) as second:
        result = upstream_push_round(config=second.config(), now=later(60))
        stats = second.stats()
    # then
    assert down.outcome == DeliveryOutcome.CONNECTION_ERROR
    assert (result.claimed, result.delivered) == (2, 2)
    assert len(stored_events(store)) == 2
    assert stats["duplicates"] == 1
    receipts = OutboxEvent.objects.order_by("pk").values_list("receipt__status", flat=True)
    assert list(receipts) == ["duplicate", "accepted"]


class _Garbage(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the base class's name
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"batch_id": "x", "receipts": []}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        return


def test_an_answer_that_is_not_a_signed_receipt_delivers_nothing():
    # given
    list_items()
    serious("S-1")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        # when
        result = upstream_push_round(
            config=UpstreamConfig(url=f"http://{host}:{port}/", key=KEY), jitter=NO_JITTER
        )
    finally:
        server.shutdown()
        server.server_close()
    # then
    assert result.outcome == DeliveryOutcome.BAD_RECEIPT
    assert states() == [(OutboxStatus.PENDING, 1, error_codes.DELIVERY_RECEIPT_SIGNATURE)]
