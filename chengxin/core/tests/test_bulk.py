"""Bulk writes: ``insert_rows`` by COPY and by executemany, conflicts skipped, ``any_of``."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from chengxin.core.bulk import allocate_ids, any_of, insert_rows
from chengxin.identity.models import Subject

pytestmark = pytest.mark.django_db

WRITERS = [False, True] if connection.vendor == "postgresql" else [False]
NOW = datetime.datetime(2026, 11, 28, 6, 30, 15, 123456, tzinfo=datetime.UTC)
FIELDS = (
    "blind_index",
    "kind",
    "id_ciphertext",
    "id_key_id",
    "id_algorithm",
    "id_masked",
    "name_ciphertext",
    "name_key_id",
    "name_algorithm",
    "name_masked",
    "created_at",
    "updated_at",
)


def _row(index: str, *, masked: str = "230202********1236") -> tuple:
    return (index, "resident", b"\x00\x01\\\xff", "k1", "AES-256-GCM", masked, b"", "", "", "")


@pytest.mark.parametrize("use_copy", WRITERS, ids=lambda value: "copy" if value else "executemany")
def test_rows_are_inserted_with_every_value_as_given(use_copy):
    # when
    complete = insert_rows(Subject, FIELDS, [_row("a" * 64) + (NOW, NOW)], use_copy=use_copy)

    # then
    subject = Subject.objects.get()
    assert (
        subject.blind_index,
        bytes(subject.id_ciphertext),
        subject.id_masked,
        bytes(subject.name_ciphertext),
        subject.created_at,
        subject.updated_at,
    ) == ("a" * 64, b"\x00\x01\\\xff", "230202********1236", b"", NOW, NOW)
    assert complete is True


@pytest.mark.parametrize("use_copy", WRITERS, ids=lambda value: "copy" if value else "executemany")
def test_conflicting_rows_are_skipped_when_asked(use_copy):
    # given: one of the two rows is already there
    insert_rows(Subject, FIELDS, [_row("a" * 64, masked="first") + (NOW, NOW)])

    # when
    complete = insert_rows(
        Subject,
        FIELDS,
        [_row("a" * 64, masked="second") + (NOW, NOW), _row("b" * 64) + (NOW, NOW)],
        ignore_conflicts=True,
        use_copy=use_copy,
    )

    # then
    assert sorted(Subject.objects.values_list("blind_index", "id_masked")) == [
        ("a" * 64, "first"),
        ("b" * 64, "230202********1236"),
    ]
    assert complete is False


def test_any_of_matches_the_listed_values_only():
    # given
    insert_rows(Subject, FIELDS, [_row(letter * 64) + (NOW, NOW) for letter in "abc"])

    # when
    found = Subject.objects.filter(any_of("blind_index", ["a" * 64, "c" * 64, "d" * 64]))
    none = Subject.objects.filter(any_of("blind_index", []))

    # then
    assert sorted(subject.blind_index for subject in found) == ["a" * 64, "c" * 64]
    assert list(none) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's")
def test_allocated_ids_are_new_and_distinct():
    # given
    insert_rows(Subject, FIELDS, [_row("a" * 64) + (NOW, NOW)])
    existing = Subject.objects.get().pk

    # when
    ids = allocate_ids(Subject, 3)

    # then
    assert len(set(ids)) == 3
    assert min(ids) > existing
