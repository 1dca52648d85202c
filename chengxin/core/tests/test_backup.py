"""``chengxin backup`` and ``chengxin restore`` without a server of their own: the keys file, the
refusals, SQLite's online copy. The PostgreSQL drill is tests/system/test_restore_drill.py."""

from __future__ import annotations

import json
import sqlite3

import pytest
from django.core.management import CommandError, call_command

from chengxin.core.backup import _sqlite_copy, key_material, keys_backup, restore_postgresql
from chengxin.core.errors import DomainError


def test_the_keys_file_is_private_and_holds_every_key(tmp_path):
    # given
    path = tmp_path / "keys" / "chengxin-keys.json"
    # when
    keys_backup(path)
    # then
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text(encoding="utf-8")) == key_material()
    assert set(key_material()) == {
        "secret_key",
        "id_keys",
        "id_active_key",
        "blind_index_key",
        "signing_keys",
        "signing_active_key",
        "receipt_keys",
        "receipt_active_key",
    }


def test_a_keys_file_is_never_overwritten(tmp_path):
    # given
    path = tmp_path / "keys.json"
    path.write_text("earlier", encoding="utf-8")
    # when
    with pytest.raises(DomainError) as refused:
        keys_backup(path)
    # then
    assert refused.value.code == "core.backup_refused"
    assert path.read_text(encoding="utf-8") == "earlier"


def test_backup_refuses_the_keys_inside_the_backup_folder_and_writes_nothing(tmp_path):
    # when
    with pytest.raises(CommandError, match="must not be inside the backup folder"):
        call_command(
            "backup", "--to", str(tmp_path / "b"), "--keys-to", str(tmp_path / "b" / "k.json")
        )
    # then
    assert list(tmp_path.iterdir()) == []


def test_backup_refuses_a_folder_that_exists(tmp_path):
    # given
    (tmp_path / "b").mkdir()
    # when / then
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", "--to", str(tmp_path / "b"), "--keys-to", str(tmp_path / "k"))
    assert not (tmp_path / "k").exists()


def test_the_sqlite_copy_is_consistent_while_the_database_is_open(tmp_path):
    # given: a database with a row, held open by another connection
    source = tmp_path / "live.sqlite3"
    live = sqlite3.connect(source)
    live.execute("CREATE TABLE submission (id INTEGER PRIMARY KEY, source_id TEXT)")
    live.execute("INSERT INTO submission (source_id) VALUES ('A-1')")
    live.commit()
    # when
    _sqlite_copy(source, tmp_path / "copy.sqlite3")
    live.close()
    # then
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT source_id FROM submission").fetchall() == [("A-1",)]


def test_restore_refuses_a_folder_without_a_base_backup(tmp_path):
    # given
    (tmp_path / "archive").mkdir()
    keys_backup(tmp_path / "keys.json")
    # when
    with pytest.raises(DomainError, match="holds no PostgreSQL base backup"):
        restore_postgresql(
            source=tmp_path,
            data=tmp_path / "data",
            archive=tmp_path / "archive",
            target_time=None,
            keys=tmp_path / "keys.json",
            keys_to=tmp_path / "secrets.json",
        )
    # then
    assert not (tmp_path / "data").exists() and not (tmp_path / "secrets.json").exists()
