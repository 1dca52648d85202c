"""Checkpoints kept outside the database: ``audit verify`` finds a tail cut off the chain, a forged
external checkpoint and a chain that differs from one, and says what it lacks when the file is
missing."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chengxin.core.audit import error_codes, events, external
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.audit.sealing import audit_seal_pending
from chengxin.core.audit.tests.conftest import OTHER_KEY, SIGNING_KEY
from chengxin.core.audit.verification import audit_log_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    """The external checkpoint file of the test, in its own directory."""
    path = tmp_path / "store" / "checkpoints.jsonl"
    path.parent.mkdir()
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE = path
    return path


def _record(count: int) -> list[AuditEvent]:
    return [
        events.record(
            actor=None, action=AuditAction.UPDATE, object_type="record", object_id=str(number)
        )
        for number in range(count)
    ]


def _verify_failure(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", *args, stdout=StringIO(), stderr=StringIO())
    return str(error.value)


def test_a_tail_cut_off_with_its_seals_and_checkpoints_is_named(checkpoint_file, tampering):
    # given: six events, a checkpoint kept outside the database at the sixth
    recorded = _record(6)
    call_command("audit", "checkpoint", stdout=StringIO())

    # when: the newest two events, their seals and every checkpoint in the database are deleted
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        cursor.execute("DELETE FROM audit_auditseal WHERE seq >= 5")
        cursor.execute(
            "DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [recorded[4].pk, recorded[5].pk]
        )
        message = _verify_failure()

    # then
    assert message.split("\n")[1].startswith(
        f"FAILED: the chain ends at seq 4 (event {recorded[3].pk}) but the external checkpoint of "
    )
    assert message.split("\n")[1].endswith(
        f"({checkpoint_file} line 1) covers seq 6 (event {recorded[5].pk}): events were cut off "
        "the end with their seals and checkpoints [audit.external_checkpoint_beyond_chain]"
    )


def test_a_log_deleted_whole_under_an_external_checkpoint_is_named(checkpoint_file, tampering):
    # given
    recorded = _record(3)
    call_command("audit", "checkpoint", stdout=StringIO())

    # when
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        cursor.execute("DELETE FROM audit_auditseal")
        cursor.execute("DELETE FROM audit_auditevent")
        message = _verify_failure()

    # then
    assert message.split("\n")[1].endswith(
        f"({checkpoint_file} line 1) covers seq 3 (event {recorded[2].pk}): events were deleted "
        "with their seals and checkpoints [audit.external_checkpoint_beyond_chain]"
    )
    assert message.split("\n")[0].startswith("审计日志校验失败：审计链为空，但 ")


def test_the_first_line_of_a_cut_off_tail_is_in_chinese_with_the_time(checkpoint_file, tampering):
    # given
    recorded = _record(2)
    call_command("audit", "checkpoint", stdout=StringIO())
    [line] = _external_lines(checkpoint_file)
    shown = timezone.localtime(line.created_at).strftime("%Y-%m-%d %H:%M:%S+08:00")

    # when
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        cursor.execute("DELETE FROM audit_auditseal WHERE seq = 2")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [recorded[1].pk])
        message = _verify_failure()

    # then
    assert message.split("\n")[0] == (
        f"审计日志校验失败：审计链止于序号 1（事件 {recorded[0].pk}），但 {shown} 的外部检查点"
        f"（{checkpoint_file} 第 1 行）覆盖到序号 2（事件 {recorded[1].pk}）："
        "链尾的事件连同其封存和检查点被删除。"
    )


def test_a_chain_rewritten_after_an_external_checkpoint_was_taken_is_named(
    checkpoint_file, tampering
):
    # given: a checkpoint outside the database at seq 5, then one more event
    recorded = _record(5)
    call_command("audit", "checkpoint", stdout=StringIO())
    recorded += _record(1)
    audit_seal_pending()

    # when: event 5 is deleted, event 6 is sealed again at seq 5 (a consistent, shorter chain)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        cursor.execute("DELETE FROM audit_auditseal WHERE seq >= 5")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [recorded[4].pk])
        audit_seal_pending(sweep=True)
        result = audit_log_verify()

    # then
    assert (result.problem.code, result.problem.seq, result.problem.event_id) == (
        error_codes.EXTERNAL_CHECKPOINT_MISMATCH,
        5,
        recorded[5].pk,
    )
    assert result.problem.message_en.endswith(
        f"({checkpoint_file} line 1): the chain up to here was rewritten"
    )


def test_a_forged_external_checkpoint_is_named(checkpoint_file, settings):
    # given: a genuine line, then one signed with a key the platform does not hold
    _record(2)
    call_command("audit", "checkpoint", stdout=StringIO())
    settings.CHENGXIN_SIGNING_KEYS = {"s9": OTHER_KEY}
    forged = _line(seq=9)
    settings.CHENGXIN_SIGNING_KEYS = {"s9": SIGNING_KEY}
    _append(checkpoint_file, forged.to_line())

    # when
    message = _verify_failure()

    # then
    assert message.split("\n")[1] == (
        f"FAILED: the external checkpoint at {checkpoint_file} line 2 (seq 9, "
        f"{_shown(forged)}) has an invalid signature: it was forged or altered "
        "[audit.external_checkpoint_signature_invalid]"
    )


def test_a_forged_line_does_not_hide_a_cut_off_tail(checkpoint_file, settings, tampering):
    # given: a forged line in the file, and the newest event cut off with its seal
    recorded = _record(2)
    call_command("audit", "checkpoint", stdout=StringIO())
    settings.CHENGXIN_SIGNING_KEYS = {"s9": OTHER_KEY}
    _append(checkpoint_file, _line(seq=1).to_line())
    settings.CHENGXIN_SIGNING_KEYS = {"s9": SIGNING_KEY}

    # when
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        cursor.execute("DELETE FROM audit_auditseal WHERE seq = 2")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [recorded[1].pk])
        result = audit_log_verify()

    # then
    assert (result.problem.code, result.problem.seq) == (
        error_codes.EXTERNAL_CHECKPOINT_BEYOND_CHAIN,
        2,
    )


def test_an_altered_external_checkpoint_is_named(checkpoint_file):
    # given: the seq of a genuine line raised, as if to cover more than the chain
    _record(2)
    call_command("audit", "checkpoint", stdout=StringIO())
    data = json.loads(checkpoint_file.read_bytes())
    data["seq"] = 2_000
    checkpoint_file.write_text(json.dumps(data) + "\n", encoding="utf-8")

    # when
    result = audit_log_verify()

    # then
    assert (result.problem.code, result.problem.seq) == (
        error_codes.EXTERNAL_CHECKPOINT_SIGNATURE_INVALID,
        2_000,
    )


def test_an_external_checkpoint_of_an_unknown_key_cannot_be_verified(checkpoint_file, settings):
    # given
    _record(1)
    call_command("audit", "checkpoint", stdout=StringIO())
    settings.CHENGXIN_SIGNING_KEYS = {"s10": OTHER_KEY}
    settings.CHENGXIN_SIGNING_ACTIVE_KEY = "s10"

    # when
    result = audit_log_verify()

    # then: the events' own key is gone too; the chain is named first
    assert (result.problem.code, result.problem.seq) == (error_codes.UNKNOWN_KEY, 1)


def test_a_matching_file_is_reported_beside_the_chain(checkpoint_file):
    # given
    _record(3)
    call_command("audit", "checkpoint", stdout=StringIO())
    output = StringIO()

    # when
    call_command("audit", "verify", stdout=output, stderr=StringIO())

    # then
    assert output.getvalue() == (
        "审计日志完整：共 3 条事件，1 个检查点，哈希链未被篡改。\nOK: 3 events, chain intact\n"
        f"外部检查点：1 个，与审计链相符（{checkpoint_file}）。\n"
        f"External checkpoints: 1, matching the chain ({checkpoint_file}).\n"
    )


def test_a_missing_file_on_a_first_run_is_a_warning(checkpoint_file):
    # given
    _record(2)
    output, warnings = StringIO(), StringIO()

    # when
    call_command("audit", "verify", stdout=output, stderr=warnings)

    # then
    assert output.getvalue().endswith("OK: 2 events, chain intact\n")
    assert warnings.getvalue() == (
        f"警告：外部检查点文件 {checkpoint_file} 中尚无检查点（首次运行？）："
        "启动 chengxin worker 或运行 chengxin audit checkpoint。\n"
        f"WARNING: no external checkpoint in {checkpoint_file} yet (first run?): start chengxin "
        "worker or run chengxin audit checkpoint [audit.external_checkpoint_none_yet]\n"
    )


def test_a_missing_file_fails_where_the_deployment_requires_one(checkpoint_file, settings):
    # given
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED = True
    _record(2)

    # when
    message = _verify_failure()

    # then
    assert message.split("\n")[1] == (
        f"FAILED: the external checkpoint file {checkpoint_file} is missing or holds no "
        "checkpoint, but this deployment requires one (CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED): "
        "a cut-off tail cannot be ruled out [audit.external_checkpoint_missing]"
    )


def test_no_file_configured_fails_where_the_deployment_requires_one(settings):
    # given
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE = None
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED = True
    _record(1)

    # when
    result = audit_log_verify()

    # then
    assert (result.problem.code, result.notes) == (error_codes.EXTERNAL_CHECKPOINT_MISSING, ())


def test_no_file_configured_is_a_warning_otherwise(settings):
    # given
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE = None
    _record(1)

    # when
    result = audit_log_verify()

    # then
    assert result.is_intact
    assert [note.code for note in result.notes] == [error_codes.EXTERNAL_CHECKPOINT_NOT_CONFIGURED]


def test_an_empty_log_needs_no_external_checkpoint_even_where_required(checkpoint_file, settings):
    # given
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED = True

    # when
    result = audit_log_verify()

    # then
    assert (result.is_intact, result.notes) == (True, ())


def test_a_file_that_cannot_be_read_fails(checkpoint_file):
    # given: a directory where the file should be
    _record(1)
    checkpoint_file.mkdir()

    # when
    message = _verify_failure()

    # then
    assert message.split("\n")[1] == (
        f"FAILED: cannot read the external checkpoint file {checkpoint_file}: Is a directory "
        "[audit.external_checkpoint_unreadable]"
    )


def test_lines_that_cannot_be_parsed_are_skipped_with_a_warning(checkpoint_file):
    # given: a line cut short by a crash, then a genuine one
    _record(2)
    checkpoint_file.write_bytes(b'{"seq": 7, "chain_ha')
    call_command("audit", "checkpoint", stdout=StringIO())

    # when
    result = audit_log_verify()

    # then
    assert (result.is_intact, result.external_checked) == (True, 1)
    assert [(note.code, note.message_en) for note in result.notes] == [
        (
            error_codes.EXTERNAL_CHECKPOINT_LINE_MALFORMED,
            f"lines 1 of {checkpoint_file} cannot be parsed and were skipped "
            "(an interrupted write?)",
        )
    ]


def test_a_file_the_worker_stopped_writing_is_a_warning(checkpoint_file, settings):
    # given: a checkpoint, then three more events that no checkpoint covers
    settings.CHENGXIN_AUDIT_CHECKPOINT_PERIOD_SECONDS = 3600
    _record(1)
    call_command("audit", "checkpoint", stdout=StringIO())
    [line] = _external_lines(checkpoint_file)
    _record(3)

    # when
    fresh = audit_log_verify(now=line.created_at + timedelta(hours=2))
    stale = audit_log_verify(now=line.created_at + timedelta(hours=2, seconds=1))

    # then
    assert fresh.notes == ()
    assert [(note.code, note.message_en) for note in stale.notes] == [
        (
            error_codes.EXTERNAL_CHECKPOINT_STALE,
            f"3 events after seq 1 have no external checkpoint yet (the newest is of "
            f"{_shown(line)}): check that chengxin worker runs and can write {checkpoint_file}",
        )
    ]


def test_verify_reads_a_copy_of_the_file_it_is_given(
    checkpoint_file, settings, tmp_path, tampering
):
    # given: a copy of the file, taken from a log collector
    recorded = _record(3)
    call_command("audit", "checkpoint", stdout=StringIO())
    copy = tmp_path / "collector-copy.jsonl"
    copy.write_bytes(checkpoint_file.read_bytes())
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE = None

    # when
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        cursor.execute("DELETE FROM audit_auditseal WHERE seq = 3")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [recorded[2].pk])
        message = _verify_failure("--checkpoint-file", str(copy))

    # then
    assert message.split("\n")[1].endswith(
        f"({copy} line 1) covers seq 3 (event {recorded[2].pk}): events were cut off the end "
        "with their seals and checkpoints [audit.external_checkpoint_beyond_chain]"
    )


def test_a_restore_from_an_older_backup_is_acknowledged(checkpoint_file, tampering):
    # given: the database lost its newest two events, as a restore from an older backup does
    recorded = _record(5)
    call_command("audit", "checkpoint", stdout=StringIO())
    output = StringIO()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        cursor.execute("DELETE FROM audit_auditseal WHERE seq >= 4")
        cursor.execute(
            "DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [recorded[3].pk, recorded[4].pk]
        )

        # when
        call_command("audit", "checkpoint", "--after-restore", stdout=output)
        result = audit_log_verify()
        acknowledgement = AuditEvent.objects.get(object_type="audit_checkpoint_file")

    # then
    assert output.getvalue() == (
        "已确认从备份恢复：审计链止于序号 3，此前外部检查点中更后的部分作废；"
        f"已在序号 4 处写入恢复记录（{checkpoint_file}）。\n"
        "Restore acknowledged: the chain ends at seq 3; later external checkpoints no longer "
        f"bind. Restore line at seq 4 in {checkpoint_file}.\n"
    )
    assert (acknowledgement.action, acknowledgement.detail) == (
        AuditAction.UPDATE,
        {"restored_seq": 3, "superseded_up_to_seq": 5},
    )
    assert [
        (line.kind, line.seq, line.restored_seq) for line in _external_lines(checkpoint_file)
    ] == [
        ("checkpoint", 5, None),
        ("restore", 4, 3),
    ]
    assert (result.is_intact, result.external_checked, result.external_superseded) == (True, 2, 1)


def test_tampering_is_not_acknowledged_as_a_restore(checkpoint_file, tampering):
    # given: events cut off the end and an earlier one altered
    recorded = _record(3)
    call_command("audit", "checkpoint", stdout=StringIO())
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        cursor.execute("DELETE FROM audit_auditseal WHERE seq = 3")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [recorded[2].pk])
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = 'covered up' WHERE id = %s", [recorded[0].pk]
        )

        # when
        with pytest.raises(CommandError) as error:
            call_command("audit", "checkpoint", "--after-restore", stdout=StringIO())

    # then
    assert str(error.value).split("\n")[1] == (
        f"REFUSED: not a restore to acknowledge: event {recorded[0].pk} (seq 1): content hash "
        "mismatch (the event was altered, or inserted behind the application's back) "
        "[audit.event_hash_mismatch]"
    )
    assert len(_external_lines(checkpoint_file)) == 1


def test_an_intact_log_has_no_restore_to_acknowledge(checkpoint_file):
    # given
    _record(2)
    call_command("audit", "checkpoint", stdout=StringIO())

    # when
    with pytest.raises(CommandError) as error:
        call_command("audit", "checkpoint", "--after-restore", stdout=StringIO())

    # then
    assert str(error.value).split("\n")[1] == (
        "Nothing to acknowledge: the chain covers every external checkpoint (or no external "
        "checkpoint file is configured)."
    )


def _external_lines(path) -> list[external.ExternalCheckpoint]:
    return [line for _number, line in external.external_checkpoints_read(path)]


def _line(*, seq: int) -> external.ExternalCheckpoint:
    return external.external_checkpoint_build(
        seq=seq,
        event_id=seq,
        chain_hash="c" * 64,
        chain_algorithm="sha256",
        created_at=timezone.now(),
    )


def _append(path, line: bytes) -> None:
    with open(path, "ab") as handle:
        handle.write(line + b"\n")


def _shown(line: external.ExternalCheckpoint) -> str:
    return timezone.localtime(line.created_at).isoformat(sep=" ", timespec="seconds")
