"""``chengxin audit verify``: an untouched log verifies; tampering behind the application's back
(triggers dropped with raw SQL) is caught and the first bad event is named."""

import base64
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chengxin.core.audit import error_codes, events, hashing
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from chengxin.core.audit.sealing import audit_seal_pending
from chengxin.core.audit.tests.conftest import SIGNING_KEY
from chengxin.core.audit.verification import audit_log_verify
from chengxin.core.json import canonical

pytestmark = pytest.mark.django_db

OTHER_KEY = base64.b64encode(bytes(range(32, 64))).decode()


@pytest.fixture
def log(settings):
    """Six sealed events, checkpoints at seq 2, 4 and 6; returns the events in seq order."""
    settings.CHENGXIN_AUDIT_CHECKPOINT_INTERVAL = 2
    recorded = [
        events.record(
            actor=None, action=AuditAction.UPDATE, object_type="record", object_id=str(number)
        )
        for number in range(1, 7)
    ]
    audit_seal_pending()
    return recorded


def _verify():
    output = StringIO()
    call_command("audit", "verify", stdout=output)
    return output.getvalue()


def _verify_failure():
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", stdout=StringIO())
    return str(error.value).split("\n")[1]


def test_an_untouched_log_verifies(log):
    # when
    output = _verify()

    # then
    assert (
        output
        == "审计日志完整：共 6 条事件，3 个检查点，哈希链未被篡改。\nOK: 6 events, chain intact\n"
    )


def test_verify_seals_pending_events_first():
    # given: events whose post-commit sealing never ran
    for number in range(3):
        events.record(actor=None, action=AuditAction.CREATE, object_id=str(number))

    # when
    output = _verify()

    # then
    assert output.endswith("OK: 3 events, chain intact\n")
    assert AuditSeal.objects.count() == 3


def test_an_empty_log_verifies():
    # when
    output = _verify()

    # then
    assert output.endswith("OK: 0 events, chain intact\n")


def test_verify_reads_the_chain_in_chunks(log):
    # when
    result = audit_log_verify(chunk_size=4)

    # then
    assert (result.is_intact, result.events_checked, result.checkpoints_checked) == (True, 6, 3)


def test_an_altered_event_is_named(log, tampering):
    # given
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = 'covered up' WHERE id IN (%s, %s)",
            [log[4].pk, log[2].pk],
        )

        # when
        message = _verify_failure()

    # then
    assert message == (
        f"FAILED: event {log[2].pk} (seq 3): content hash mismatch (the event was altered, "
        "or inserted behind the application's back) [audit.event_hash_mismatch]"
    )


def test_an_altered_event_with_a_recomputed_unkeyed_hash_is_still_caught(log, tampering):
    # given: the attacker also rewrites the content hash, without the key
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = '99' WHERE id = %s", [log[1].pk])
        forged = AuditEvent.objects.get(pk=log[1].pk)
        guess = hashlib.sha256(canonical(hashing.event_content(forged))).hexdigest()
        cursor.execute(
            "UPDATE audit_auditevent SET content_hash = %s WHERE id = %s", [guess, log[1].pk]
        )

        # when
        result = audit_log_verify()

    # then
    assert (result.problem.code, result.problem.event_id, result.problem.seq) == (
        error_codes.EVENT_HASH_MISMATCH,
        log[1].pk,
        2,
    )


def test_a_deleted_event_is_named(log, tampering):
    # given
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [log[3].pk])

        # when
        message = _verify_failure()

    # then
    assert message == (
        f"FAILED: event {log[3].pk} (seq 4) no longer exists: it was deleted [audit.event_missing]"
    )


def test_an_event_deleted_with_its_seal_leaves_a_gap(log, tampering):
    # given
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditseal WHERE seq = 3")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [log[2].pk])

        # when
        message = _verify_failure()

    # then
    assert message == (
        f"FAILED: seq 3 is missing from the chain (the next seal is seq 4, event {log[3].pk}): "
        "an event was deleted with its seal [audit.seal_sequence_gap]"
    )


def test_an_inserted_event_is_named(log, tampering):
    # given: a row inserted with raw SQL, copying a genuine event's hash and key id
    genuine = log[0]
    with tampering() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (created_at, actor_username, actor_role,"
            " actor_department, action, object_type, object_id, subject_index, purpose, case_no,"
            " detail, ip_address, content_hash, hash_algorithm, hash_key_id)"
            " VALUES (%s, 'ghost', 'officer', 'tax', 'personal_data_read', 'credit_file', '5',"
            " '', '', '', '{}', '', %s, 'hmac-sha256', 's9')",
            [timezone.now(), genuine.content_hash],
        )
        inserted = AuditEvent.objects.get(actor_username="ghost")

        # when
        result = audit_log_verify()

    # then
    assert (result.problem.code, result.problem.event_id, result.problem.seq) == (
        error_codes.EVENT_HASH_MISMATCH,
        inserted.pk,
        7,
    )
    assert result.events_checked == 6


def test_an_altered_seal_is_named(log, tampering):
    # given
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditseal SET sealed_at = %s WHERE seq = 5", [timezone.now()])

        # when
        message = _verify_failure()

    # then
    assert message == (
        f"FAILED: event {log[4].pk} (seq 5): chain hash mismatch (the seal was altered) "
        "[audit.seal_hash_mismatch]"
    )


def test_a_seal_that_does_not_follow_the_previous_one_is_named(log, tampering):
    # given
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditseal SET prev_hash = %s WHERE seq = 2", ["f" * 64])

        # when
        result = audit_log_verify()

    # then
    assert (result.problem.code, result.problem.event_id, result.problem.seq) == (
        error_codes.SEAL_LINK_BROKEN,
        log[1].pk,
        2,
    )


def test_a_chain_rewritten_without_the_key_is_caught_at_the_next_checkpoint(log, tampering):
    # given: event 3 and its seal removed, later seals renumbered and re-hashed consistently
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditseal WHERE seq >= 3")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [log[2].pk])
        prev_hash = AuditSeal.objects.get(seq=2).chain_hash
        sealed_at = timezone.now()
        for seq, event in enumerate(log[3:], start=3):
            chain_hash = hashing.chain_hash(
                prev_hash=prev_hash,
                seq=seq,
                event_id=event.pk,
                content_hash=event.content_hash,
                sealed_at=sealed_at,
                algorithm="sha256",
            )
            cursor.execute(
                "INSERT INTO audit_auditseal (seq, event_id, prev_hash, chain_hash, algorithm,"
                " sealed_at) VALUES (%s, %s, %s, %s, 'sha256', %s)",
                [seq, event.pk, prev_hash, chain_hash, sealed_at],
            )
            prev_hash = chain_hash

        # when
        result = audit_log_verify()

    # then
    assert (result.problem.code, result.problem.event_id, result.problem.seq) == (
        error_codes.CHECKPOINT_MISMATCH,
        log[4].pk,
        4,
    )


def test_a_tampered_checkpoint_signature_is_caught(log, tampering):
    # given
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditcheckpoint SET signature = %s WHERE seq = 4", ["0" * 64])

        # when
        message = _verify_failure()

    # then
    assert message == (
        f"FAILED: event {log[3].pk} (seq 4): the checkpoint's signature is invalid "
        "(the checkpoint was forged or altered) [audit.checkpoint_signature_invalid]"
    )


def test_a_checkpoint_signed_with_another_key_is_caught(log, tampering, settings):
    # given: an attacker signs a checkpoint of their own under the platform's key id
    checkpoint = AuditCheckpoint.objects.get(seq=2)
    settings.CHENGXIN_SIGNING_KEYS = {"s9": OTHER_KEY}
    forged = hashing.checkpoint_signature(
        seq=2,
        chain_hash_value=checkpoint.chain_hash,
        created_at=checkpoint.created_at,
        algorithm="hmac-sha256",
        key_id="s9",
    )
    settings.CHENGXIN_SIGNING_KEYS = {"s9": SIGNING_KEY}
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditcheckpoint SET signature = %s WHERE seq = 2", [forged])

        # when
        result = audit_log_verify()

    # then
    assert (result.problem.code, result.problem.seq) == (
        error_codes.CHECKPOINT_SIGNATURE_INVALID,
        2,
    )


def test_events_cut_off_the_end_are_caught_by_the_last_checkpoint(log, tampering):
    # given
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditseal WHERE seq >= 5")
        cursor.execute("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [log[4].pk, log[5].pk])

        # when
        message = _verify_failure()

    # then
    assert message == (
        "FAILED: a checkpoint exists at seq 6 but the chain ends at seq 4: "
        "events were cut off the end [audit.checkpoint_beyond_chain]"
    )


def test_events_of_a_retired_key_verify_while_the_key_is_kept(log, settings):
    # given: the signing key is rotated; the old one stays configured for verification
    settings.CHENGXIN_SIGNING_KEYS = {"s9": SIGNING_KEY, "s10": OTHER_KEY}
    settings.CHENGXIN_SIGNING_ACTIVE_KEY = "s10"
    newer = events.record(actor=None, action=AuditAction.KEY_ROTATION, object_type="signing_key")

    # when
    output = _verify()

    # then
    assert newer.hash_key_id == "s10"
    assert output.endswith("OK: 7 events, chain intact\n")


def test_an_event_whose_key_is_missing_cannot_be_verified(log, settings):
    # given
    settings.CHENGXIN_SIGNING_KEYS = {"s10": OTHER_KEY}
    settings.CHENGXIN_SIGNING_ACTIVE_KEY = "s10"

    # when
    message = _verify_failure()

    # then
    assert message == (
        f"FAILED: event {log[0].pk} (seq 1): signing key s9 is not configured, cannot verify "
        "[audit.unknown_key]"
    )


def test_the_first_line_of_a_failure_is_in_chinese(log, tampering):
    # given
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [log[0].pk])

        # when
        with pytest.raises(CommandError) as error:
            call_command("audit", "verify")

    # then
    assert str(error.value).split("\n")[0] == (
        f"审计日志校验失败：事件 {log[0].pk}（序号 1）已不存在：事件被删除。"
    )


def test_the_checkpoint_command_signs_the_end_of_the_chain(log):
    # given
    events.record(actor=None, action=AuditAction.CREATE, object_id="7")
    output = StringIO()

    # when
    call_command("audit", "checkpoint", stdout=output)

    # then
    checkpoint = AuditCheckpoint.objects.order_by("-seq").first()
    assert checkpoint.seq == 7
    assert (
        output.getvalue() == "已在序号 7 处签署检查点（密钥 s9）。\nCheckpoint at seq 7 (key s9).\n"
    )


def test_an_incremental_verification_walks_from_the_newest_checkpoint(log):
    # given: checkpoints at seq 2, 4 and 6, and one event after them
    events.record(actor=None, action=AuditAction.UPDATE, object_type="record", object_id="7")

    # when
    result = audit_log_verify(since_checkpoint=True)

    # then: seq 6 (vouched for by its checkpoint) and seq 7
    assert (result.is_intact, result.events_checked, result.checkpoints_checked) == (True, 2, 1)


def test_an_incremental_verification_catches_an_event_altered_after_the_checkpoint(log, tampering):
    # given
    late = events.record(actor=None, action=AuditAction.UPDATE, object_id="7")
    audit_seal_pending()
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = 'covered up' WHERE id = %s", [late.pk]
        )

        # when
        result = audit_log_verify(since_checkpoint=True)

    # then
    assert (result.problem.code, result.problem.seq) == (error_codes.EVENT_HASH_MISMATCH, 7)


def test_an_incremental_verification_leaves_what_the_checkpoint_vouches_for_to_a_full_one(
    log, tampering
):
    # given: an event before the newest checkpoint is altered
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = 'covered up' WHERE id = %s", [log[0].pk]
        )

        # when
        incremental = audit_log_verify(since_checkpoint=True)
        full = audit_log_verify()

    # then
    assert incremental.is_intact
    assert (full.problem.code, full.problem.seq) == (error_codes.EVENT_HASH_MISMATCH, 1)


def test_the_command_verifies_incrementally(log):
    # when
    output = StringIO()
    call_command("audit", "verify", "--since-checkpoint", stdout=output)

    # then
    assert output.getvalue().endswith("OK: 1 events, chain intact\n")


def test_the_command_seals_the_queue():
    # given
    for number in range(2):
        events.record(actor=None, action=AuditAction.CREATE, object_id=str(number))

    # when
    output = StringIO()
    call_command("audit", "seal", stdout=output)

    # then
    assert output.getvalue() == "已封存 2 条事件。Sealed 2 events.\n"
    assert AuditSeal.objects.count() == 2
