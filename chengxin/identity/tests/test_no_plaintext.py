"""No plaintext identity number or name anywhere in the database (SPEC §2, §14).

Subjects are stored through the service, then the raw bytes of the whole database are searched:
the database file itself on SQLite (a file-backed copy when the test database lives in memory),
a ``pg_dump`` of the test database on PostgreSQL.
"""

import os
import sqlite3
import subprocess

from django.db import connection

from chengxin.identity.services import subject_get_or_create
from chengxin.identity.synthetic import demo_people

NAMES = ["欧阳娜娜", "司马相如", "张三丰", "诸葛孔明", "李白雪", "王小明"]
PG_DUMP_TIMEOUT_SECONDS = 120


def _sqlite_bytes(tmp_path) -> bytes:
    copy_path = tmp_path / "copy.sqlite3"
    target = sqlite3.connect(copy_path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return copy_path.read_bytes()


def _postgresql_bytes() -> bytes:
    settings = connection.settings_dict
    command = ["pg_dump", "--no-owner", "-h", settings["HOST"] or "127.0.0.1"]
    if settings["PORT"]:
        command += ["-p", str(settings["PORT"])]
    command += ["-U", settings["USER"], settings["NAME"]]
    environment = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    completed = subprocess.run(
        command, capture_output=True, check=True, env=environment, timeout=PG_DUMP_TIMEOUT_SECONDS
    )
    return completed.stdout


def _database_bytes(tmp_path) -> bytes:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return _sqlite_bytes(tmp_path)
    if connection.vendor == "postgresql":
        return _postgresql_bytes()
    raise AssertionError(f"No raw-bytes reader for {connection.vendor}.")


def test_numbers_and_names_are_not_in_the_database_in_plaintext(transactional_db, tmp_path):
    # given
    people = demo_people(count=len(NAMES), seed=11)
    subjects = [
        subject_get_or_create(id_number=person.id_number, name=name, actor=None)
        for person, name in zip(people, NAMES, strict=True)
    ]

    # when
    raw = _database_bytes(tmp_path)

    # then: the subjects are in the dump (their masks), their numbers and names are not
    for subject in subjects:
        assert subject.id_masked.encode() in raw
        assert subject.name_masked.encode() in raw
    for person, name in zip(people, NAMES, strict=True):
        fifteen_digit_form = person.id_number[:6] + person.id_number[8:17]
        assert person.id_number.encode() not in raw
        assert fifteen_digit_form.encode() not in raw
        assert name.encode("utf-8") not in raw
