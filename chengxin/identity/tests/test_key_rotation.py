"""Key rotation of subjects' numbers and names (chengxin.core.rotation, ``chengxin keys``)."""

import base64
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from chengxin.accounts.choices import Role
from chengxin.core import crypto, rotation
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.identity.models import Subject
from chengxin.identity.selectors import subject_find, subject_id_number, subject_name
from chengxin.identity.services import subject_get_or_create
from chengxin.identity.synthetic import demo_people
from chengxin.identity.tests.conftest import BLIND_INDEX_KEY, NEW_KEY, OLD_KEY
from chengxin.identity.tests.factories import UserFactory

ID_COLUMN = "identity.subject.id_ciphertext"
NAME_COLUMN = "identity.subject.name_ciphertext"
BOTH_KEYS = {
    "CHENGXIN_ID_KEYS": {"k-old": OLD_KEY, "k-new": NEW_KEY},
    "CHENGXIN_ID_ACTIVE_KEY": "k-new",
    "CHENGXIN_BLIND_INDEX_KEY": BLIND_INDEX_KEY,
}


@pytest.fixture
def people(db):
    """Five subjects with names and one without, all on key "k-old"."""
    persons = demo_people(count=6, seed=7)
    for person in persons[:5]:
        subject_get_or_create(id_number=person.id_number, name=person.name, actor=None)
    subject_get_or_create(id_number=persons[5].id_number, actor=None)
    return persons


@pytest.fixture
def new_key_active(people):
    with override_settings(**BOTH_KEYS):
        crypto.reset_key_cache()
        yield people
    crypto.reset_key_cache()


def _subject_columns(rotated: dict[str, int]) -> dict[str, int]:
    """The subject's columns of a rotation result (other apps register columns too)."""
    return {label: rotated[label] for label in (ID_COLUMN, NAME_COLUMN)}


def _key_counts() -> dict[tuple[str, str], int]:
    return {(count.column, count.key_id): count.rows for count in rotation.key_status()}


def test_subject_columns_are_registered():
    # when
    labels = [column.label for column in rotation.registered_columns()]

    # then
    assert ID_COLUMN in labels
    assert NAME_COLUMN in labels


def test_look_ups_and_reads_keep_working_mid_rotation(new_key_active):
    # given
    people = new_key_active
    reviewer = UserFactory(role=Role.REVIEWER)

    # when: one batch of two rows, then stop
    result = rotation.rotate(batch_size=2, max_batches=1)

    # then
    assert _subject_columns(result.rotated) == {ID_COLUMN: 2, NAME_COLUMN: 0}
    assert _key_counts() == {
        (ID_COLUMN, "k-new"): 2,
        (ID_COLUMN, "k-old"): 4,
        (NAME_COLUMN, "k-old"): 5,
    }
    for person in people:
        subject = subject_find(id_number=person.id_number)
        assert subject is not None
        number = subject_id_number(subject=subject, viewer=reviewer, purpose="轮换核验")
        assert number == person.id_number


def test_rotation_command_re_encrypts_every_row_and_audits_each_run(new_key_active):
    # given
    people = new_key_active
    reviewer = UserFactory(role=Role.REVIEWER)
    rotation.rotate(batch_size=2, max_batches=1)
    output = io.StringIO()

    # when
    call_command("keys", "rotate", "--batch-size", "2", stdout=output)

    # then
    assert _key_counts() == {(ID_COLUMN, "k-new"): 6, (NAME_COLUMN, "k-new"): 5}
    assert "Rotated 9 rows to key k-new." in output.getvalue()
    for person in people:
        subject = subject_find(id_number=person.id_number)
        assert subject_id_number(subject=subject, viewer=reviewer, purpose="核验") == (
            person.id_number
        )
        expected_name = person.name if person in people[:5] else ""
        assert subject_name(subject=subject, viewer=reviewer, purpose="核验") == expected_name
    events = AuditEvent.objects.filter(action=AuditAction.KEY_ROTATION).order_by("pk")
    untouched = {column.label: 0 for column in rotation.registered_columns()}
    assert [(event.object_id, event.detail) for event in events] == [
        (
            "k-new",
            {
                "rotated": {**untouched, ID_COLUMN: 2},
                "total": 2,
                "batches": 1,
                "batch_size": 2,
            },
        ),
        (
            "k-new",
            {
                "rotated": {**untouched, ID_COLUMN: 4, NAME_COLUMN: 5},
                "total": 9,
                "batches": 5,
                "batch_size": 2,
            },
        ),
    ]


def test_interrupted_rotation_keeps_finished_batches_and_resumes(new_key_active, monkeypatch):
    # given: the process dies while re-encrypting the fourth row (second batch)
    original_reseal = rotation._reseal
    calls = []

    def dying_reseal(column, row, *, active_key_id):
        calls.append(row.pk)
        if len(calls) == 4:
            raise KeyboardInterrupt
        original_reseal(column, row, active_key_id=active_key_id)

    monkeypatch.setattr(rotation, "_reseal", dying_reseal)
    with pytest.raises(KeyboardInterrupt):
        rotation.rotate(batch_size=3)
    counts_after_interruption = _key_counts()
    monkeypatch.setattr(rotation, "_reseal", original_reseal)

    # when
    result = rotation.rotate(batch_size=3)

    # then
    assert counts_after_interruption[(ID_COLUMN, "k-new")] == 3
    assert counts_after_interruption[(ID_COLUMN, "k-old")] == 3
    assert _subject_columns(result.rotated) == {ID_COLUMN: 3, NAME_COLUMN: 5}
    assert _key_counts() == {(ID_COLUMN, "k-new"): 6, (NAME_COLUMN, "k-new"): 5}


def test_blind_indexes_do_not_change(new_key_active):
    # given
    before = dict(Subject.objects.values_list("pk", "blind_index"))

    # when
    rotation.rotate(batch_size=4)

    # then
    assert dict(Subject.objects.values_list("pk", "blind_index")) == before


def test_row_that_cannot_be_opened_stops_the_rotation_naming_the_row(new_key_active):
    # given
    subject = Subject.objects.order_by("pk").first()
    Subject.objects.filter(pk=subject.pk).update(id_key_id="k-lost")

    # when
    with pytest.raises(CommandError) as raised:
        call_command("keys", "rotate", stdout=io.StringIO())

    # then
    assert str(raised.value) == (
        f"轮换中止。Rotation stopped: {ID_COLUMN} row {subject.pk} cannot be decrypted:"
        " Unknown key id 'k-lost'."
    )


def test_status_counts_rows_per_key(new_key_active):
    # given
    rotation.rotate(batch_size=2, max_batches=1)
    output = io.StringIO()

    # when
    call_command("keys", "status", stdout=output)

    # then
    assert output.getvalue().splitlines() == [
        "当前密钥 Active key: k-new",
        f"{ID_COLUMN}\tk-new\t2",
        f"{ID_COLUMN}\tk-old\t4  ← 待轮换 to rotate",
        f"{NAME_COLUMN}\tk-old\t5  ← 待轮换 to rotate",
    ]


def test_generate_prints_a_key_id_and_a_32_byte_key_only():
    # given
    output = io.StringIO()

    # when
    call_command("keys", "generate", stdout=output)

    # then
    match = re.fullmatch(r"(k\d{8}[0-9a-f]{6}):([A-Za-z0-9+/=]+)\n", output.getvalue())
    assert match is not None
    assert len(base64.b64decode(match.group(2), validate=True)) == 32
