"""Bulk writes: ``insert_rows`` by COPY and by executemany, conflicts skipped, ``any_of``."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

from chengxin.core.bulk import StatisticsKeeper, allocate_ids, any_of, insert_rows
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


def test_any_of_matches_keys_that_cannot_travel_as_one_separated_string():
    # given: a key holding the unit separator, an empty key, and ids
    odd = "a\x1fb"
    insert_rows(Subject, FIELDS, [_row(key) + (NOW, NOW) for key in (odd, "", "plain")])
    ids = list(Subject.objects.order_by("pk").values_list("pk", flat=True))

    # when
    by_odd = Subject.objects.filter(any_of("blind_index", [odd, "plain"]))
    by_empty = Subject.objects.filter(any_of("blind_index", ["", "x"]))
    by_id = Subject.objects.filter(any_of("id", ids[:2]))

    # then
    assert sorted(subject.blind_index for subject in by_odd) == [odd, "plain"]
    assert [subject.blind_index for subject in by_empty] == [""]
    assert sorted(subject.pk for subject in by_id) == ids[:2]


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics of PostgreSQL")
def test_statistics_are_refreshed_each_time_a_load_doubles_the_table():
    # given: an empty table that the statistics have never seen
    keeper = StatisticsKeeper([Subject], minimum=10)

    def load(start: int, count: int) -> None:
        rows = [_row(f"{number:064d}") + (NOW, NOW) for number in range(start, start + count)]
        insert_rows(Subject, FIELDS, rows)
        keeper.written(count)

    # when / then: analysed once the first rows reach the minimum, then each time the table
    # has doubled
    load(0, 6)
    assert keeper.analysed == 0
    load(6, 4)
    assert (keeper.analysed, keeper.known) == (1, 10)
    load(10, 5)
    assert keeper.analysed == 1
    load(15, 5)
    assert (keeper.analysed, keeper.known) == (2, 20)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite plans without statistics")
def test_statistics_keeper_does_nothing_elsewhere():
    keeper = StatisticsKeeper([Subject])

    keeper.written(1_000)

    assert keeper.analysed == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics of PostgreSQL")
def test_statistics_are_not_waited_for_while_maintenance_holds_the_table():
    # given: another session holds the lock ANALYZE needs (as a long vacuum would)
    import psycopg

    keeper = StatisticsKeeper([Subject], minimum=1, lock_timeout_ms=100)
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=False,
    ) as other:
        other.execute(f"LOCK TABLE {Subject._meta.db_table} IN SHARE UPDATE EXCLUSIVE MODE")

        # when: enough rows for an analysis (the table's size as last analysed survives the
        # rollback of earlier tests: ANALYZE writes it in place)
        insert_rows(Subject, FIELDS, [_row("a" * 64) + (NOW, NOW)])
        due = keeper.known + 1
        keeper.written(due)

        # then: the analysis is skipped, the import goes on, and it is tried again later
        assert keeper.analysed == 0
        assert keeper.pending == due
        assert Subject.objects.count() == 1
        other.rollback()
    keeper.written(0)
    assert keeper.analysed == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics of PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_statistics_kept_in_the_background_count_the_committed_rows():
    # given: a keeper whose analyses run beside the load, on a connection of their own
    keeper = StatisticsKeeper([Subject], minimum=10, background=True)
    rows = [_row(f"{number:064d}") + (NOW, NOW) for number in range(12)]
    with transaction.atomic():
        insert_rows(Subject, FIELDS, rows)

    # when: the committed rows are reported, and the load ends
    keeper.written(12)
    keeper.close()

    # then: the analysis saw them, and nothing is pending
    assert (keeper.analysed, keeper.known, keeper.pending) == (1, 12, 0)
