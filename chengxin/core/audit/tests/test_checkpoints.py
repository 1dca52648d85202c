"""Checkpoints by time and on demand, copied to the external checkpoint file: when they are made,
what the file gains, and that writers neither interleave nor make the file's seqs go back."""

import json
import socket
import threading
from datetime import UTC, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chengxin.core.audit import events, external
from chengxin.core.audit.checkpoints import audit_checkpoint_tick
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditCheckpoint, AuditSeal
from chengxin.core.audit.sealing import audit_seal_pending
from chengxin.core.audit.tests.conftest import OTHER_KEY

pytestmark = pytest.mark.django_db

WAIT_SECONDS = 30


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    path = tmp_path / "store" / "checkpoints.jsonl"
    path.parent.mkdir()
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE = path
    settings.CHENGXIN_AUDIT_CHECKPOINT_PERIOD_SECONDS = 3600
    return path


def _record(count: int) -> None:
    for number in range(count):
        events.record(
            actor=None, action=AuditAction.UPDATE, object_type="record", object_id=str(number)
        )


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _head():
    return AuditSeal.objects.order_by("-seq").first()


def test_a_checkpoint_by_time_is_made_once_the_period_has_passed(checkpoint_file):
    # given: a first tick signs the end of the chain, then the chain grows
    _record(3)
    start = timezone.now()
    first = audit_checkpoint_tick(now=start)
    _record(2)

    # when
    early = audit_checkpoint_tick(now=start + timedelta(minutes=59, seconds=59))
    due = audit_checkpoint_tick(now=start + timedelta(hours=1))

    # then
    assert (first.checkpoint.seq, first.external_line.seq) == (3, 3)
    assert (early.checkpoint.seq, early.external_line) == (3, None)
    assert (due.checkpoint.seq, due.external_line.seq) == (5, 5)
    assert due.checkpoint.created_at == start + timedelta(hours=1)
    assert [line["seq"] for line in _lines(checkpoint_file)] == [3, 5]
    assert list(AuditCheckpoint.objects.order_by("seq").values_list("seq", flat=True)) == [3, 5]


def test_a_line_states_the_seal_it_covers_with_its_algorithms(checkpoint_file):
    # given
    _record(2)
    moment = timezone.now()

    # when
    audit_checkpoint_tick(now=moment)

    # then
    [line] = _lines(checkpoint_file)
    seal = _head()
    signature = line.pop("signature")
    assert line == {
        "v": 1,
        "kind": "checkpoint",
        "seq": 2,
        "event_id": seal.event_id,
        "chain_hash": seal.chain_hash,
        "chain_algorithm": "sha256",
        "created_at": moment.astimezone(UTC).isoformat(timespec="microseconds"),
        "restored_seq": None,
        "key_id": "s9",
        "algorithm": "hmac-sha256",
    }
    assert len(signature) == 64


def test_no_checkpoint_by_time_when_the_period_is_zero(checkpoint_file, settings):
    # given
    settings.CHENGXIN_AUDIT_CHECKPOINT_PERIOD_SECONDS = 0
    _record(2)

    # when
    outcome = audit_checkpoint_tick(now=timezone.now())

    # then
    assert (outcome.checkpoint, outcome.external_line) == (None, None)
    assert not checkpoint_file.exists()


def test_a_tick_copies_out_the_checkpoint_the_sealer_signed_every_n_seals(
    checkpoint_file, settings
):
    # given: a checkpoint by time at seq 1, then the sealer signs one at seq 4 (every 4 seals)
    settings.CHENGXIN_AUDIT_CHECKPOINT_INTERVAL = 4
    start = timezone.now()
    _record(1)
    audit_checkpoint_tick(now=start)
    _record(4)
    audit_seal_pending()

    # when: a minute later, long before the next checkpoint by time is due
    outcome = audit_checkpoint_tick(now=start + timedelta(minutes=1))

    # then
    assert (outcome.checkpoint.seq, outcome.external_line.seq) == (4, 4)
    assert [line["seq"] for line in _lines(checkpoint_file)] == [1, 4]


def test_a_tick_adds_nothing_while_the_chain_stands_still(checkpoint_file):
    # given
    _record(2)
    start = timezone.now()
    audit_checkpoint_tick(now=start)

    # when
    later = audit_checkpoint_tick(now=start + timedelta(hours=5))

    # then
    assert (later.checkpoint.seq, later.external_line) == (2, None)
    assert AuditCheckpoint.objects.count() == 1
    assert len(_lines(checkpoint_file)) == 1


def test_a_checkpoint_costs_the_same_queries_however_long_the_log(checkpoint_file):
    # given
    def queries_of_one_tick(new_events: int, now) -> int:
        _record(new_events)
        audit_seal_pending()
        with CaptureQueriesContext(connection) as captured:
            audit_checkpoint_tick(now=now)
        return len(captured.captured_queries)

    start = timezone.now()
    queries_of_one_tick(1, start)

    # when
    short = queries_of_one_tick(3, start + timedelta(hours=1))
    long = queries_of_one_tick(300, start + timedelta(hours=2))

    # then
    assert short == long


def test_a_checkpoint_row_that_does_not_verify_is_not_copied_out(checkpoint_file):
    # given: a checkpoint row at seq 3 inserted without the key
    _record(2)
    start = timezone.now()
    audit_checkpoint_tick(now=start)
    _record(1)
    audit_seal_pending()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditcheckpoint (seq, chain_hash, created_at, signature,"
            " algorithm, key_id) VALUES (3, %s, %s, %s, 'hmac-sha256', 's9')",
            [_head().chain_hash, start, "b" * 64],
        )

    # when
    outcome = audit_checkpoint_tick(now=start + timedelta(minutes=1))

    # then
    assert (outcome.checkpoint.seq, outcome.external_line) == (3, None)
    assert [line["seq"] for line in _lines(checkpoint_file)] == [2]


def test_the_checkpoint_command_writes_the_file(checkpoint_file):
    # given
    _record(3)
    output = StringIO()

    # when
    call_command("audit", "checkpoint", stdout=output)
    call_command("audit", "checkpoint", stdout=output)

    # then
    assert output.getvalue() == (
        "已在序号 3 处签署检查点（密钥 s9）。\nCheckpoint at seq 3 (key s9).\n"
        f"已写入外部检查点文件 {checkpoint_file}。\n"
        f"Written to the external checkpoint file {checkpoint_file}.\n"
        "已在序号 3 处签署检查点（密钥 s9）。\nCheckpoint at seq 3 (key s9).\n"
        f"外部检查点文件 {checkpoint_file} 已包含此检查点。\n"
        f"The external checkpoint file {checkpoint_file} already covers it.\n"
    )
    assert [line["seq"] for line in _lines(checkpoint_file)] == [3]


def test_the_file_is_not_made_in_a_directory_that_does_not_exist(settings, tmp_path):
    # given: the volume the file should live on is not mounted
    path = tmp_path / "unmounted" / "checkpoints.jsonl"
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE = path
    _record(1)

    # when
    with pytest.raises(CommandError) as error:
        call_command("audit", "checkpoint", stdout=StringIO())

    # then
    assert str(error.value) == (
        f"无法写入外部检查点文件 {path}：No such file or directory。检查点已保存在数据库中。\n"
        f"FAILED: cannot write the external checkpoint file {path}: No such file or directory. "
        "The checkpoint is kept in the database."
    )
    assert not path.parent.exists()
    assert AuditCheckpoint.objects.count() == 1


def test_a_forged_line_does_not_stop_the_genuine_checkpoints_after_it(checkpoint_file, settings):
    # given: someone without the key appends a line that claims a far higher seq
    _record(1)
    forged = _line_signed_with_another_key(settings, seq=1_000_000)
    checkpoint_file.write_bytes(forged.to_line() + b"\n")

    # when
    call_command("audit", "checkpoint", stdout=StringIO())

    # then
    assert [line["seq"] for line in _lines(checkpoint_file)] == [1_000_000, 1]


def test_concurrent_writers_keep_every_line_whole_and_the_seqs_growing(checkpoint_file):
    # given: eight writers, each with its own seqs, all started at once
    writers, per_writer = 8, 25
    start = threading.Barrier(writers)

    def write(first: int) -> None:
        start.wait(WAIT_SECONDS)
        for seq in range(first, writers * per_writer + 1, writers):
            external.external_checkpoint_append(_line(seq), path=checkpoint_file)

    threads = [threading.Thread(target=write, args=(first,)) for first in range(1, writers + 1)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)

    # then
    raw_lines = checkpoint_file.read_bytes().split(b"\n")
    parsed = [external.external_checkpoint_parse(raw) for raw in raw_lines[:-1]]
    seqs = [line.seq for line in parsed]
    assert raw_lines[-1] == b""
    assert all(line.is_genuine() for line in parsed)
    assert seqs == sorted(set(seqs))
    assert seqs[-1] == writers * per_writer


def test_a_line_cut_short_by_a_crash_does_not_spoil_the_next(checkpoint_file):
    # given: a write that stopped halfway
    _record(2)
    checkpoint_file.write_bytes(b'{"algorithm":"hmac-sha256","chain_alg')

    # when
    call_command("audit", "checkpoint", stdout=StringIO())

    # then
    first, second = checkpoint_file.read_bytes().split(b"\n")[:2]
    assert first == b'{"algorithm":"hmac-sha256","chain_alg'
    assert external.external_checkpoint_parse(second).seq == 2


def test_each_line_is_copied_to_a_syslog_collector(checkpoint_file, settings):
    # given: a collector listening on UDP
    collector = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    collector.bind(("127.0.0.1", 0))
    collector.settimeout(WAIT_SECONDS)
    settings.CHENGXIN_AUDIT_CHECKPOINT_SYSLOG = f"udp://127.0.0.1:{collector.getsockname()[1]}"
    _record(2)

    # when
    call_command("audit", "checkpoint", stdout=StringIO())

    # then
    try:
        message = collector.recv(65536)
    finally:
        collector.close()
    line = checkpoint_file.read_bytes().rstrip(b"\n")
    header, text = message.split(b" - - ", 1)
    assert header.startswith(b"<86>1 ")
    assert header.split(b" ")[3] == b"chengxin-audit-checkpoint"
    assert text == line


@pytest.mark.django_db(transaction=True)
def test_a_batch_run_of_the_worker_makes_the_checkpoint_that_is_due(checkpoint_file):
    # given
    _record(2)

    # when
    call_command("worker", batch=True, stdout=StringIO())

    # then
    assert [line["seq"] for line in _lines(checkpoint_file)] == [2]


@pytest.mark.django_db(transaction=True)
def test_a_worker_without_audit_checkpoints_leaves_the_file_alone(checkpoint_file):
    # given
    _record(2)

    # when
    call_command("worker", batch=True, audit_checkpoints=False, stdout=StringIO())

    # then
    assert not checkpoint_file.exists()
    assert AuditCheckpoint.objects.count() == 0


def _line(seq: int) -> external.ExternalCheckpoint:
    return external.external_checkpoint_build(
        seq=seq,
        event_id=seq,
        chain_hash=f"{seq:064x}",
        chain_algorithm="sha256",
        created_at=timezone.now(),
    )


def _line_signed_with_another_key(settings, *, seq: int) -> external.ExternalCheckpoint:
    keys = settings.CHENGXIN_SIGNING_KEYS
    settings.CHENGXIN_SIGNING_KEYS = {"s9": OTHER_KEY}
    try:
        return _line(seq)
    finally:
        settings.CHENGXIN_SIGNING_KEYS = keys
