"""The restore drill on a private PostgreSQL cluster with WAL archiving (docs/operations.md).

Submissions go in through the submission service, ``chengxin backup`` takes a base backup and
writes the keys apart, more submissions follow, a point in time is taken, yet more follow, the
postmaster is killed with SIGKILL, and ``chengxin restore`` recovers a new data folder to that
point from the archive. Every submission committed before the point is there, none after it,
``chengxin audit verify`` passes, and the keys come back in a file of mode 600. The RPO (how far
the archive lagged the crash) and the RTO (restore command to a database that answers) are
printed, not asserted.

PostgreSQL suite only; on SQLite it is skipped with a reason.
"""

from __future__ import annotations

import datetime
import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from chengxin.collection.models import CreditRecord
from chengxin.core.backup import key_material
from chengxin.measures.tests.factories import list_items
from chengxin.portal.tests.factories import TAX_SERIOUS, disclose
from tests.pgcluster import (
    PG_BIN,
    PrivateCluster,
    default_database_at,
    hand_to_postgres,
    private_clusters,  # noqa: F401 - the fixture
    wait_for,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.private_cluster]

DATABASE = "chengxin"


def _submit(prefix: str, count: int, first_sequence: int) -> list[str]:
    """``count`` submissions of one record each through the submission service."""
    source_ids = [f"{prefix}-{number}" for number in range(count)]
    for offset, source_id in enumerate(source_ids):
        disclose(TAX_SERIOUS, source_id=source_id, sequence=first_sequence + offset)
    return source_ids


def _archived_past(primary: PrivateCluster, position: str) -> bool:
    segment = primary.sql(f"SELECT pg_walfile_name('{position}')")
    archived = primary.sql("SELECT last_archived_wal FROM pg_stat_archiver")
    return bool(archived) and archived[8:] >= segment[8:]


def _archive_settings(archive: Path) -> dict[str, str]:
    return {
        "archive_mode": "on",
        "archive_command": f"test ! -f {archive}/%f && cp %p {archive}/%f",
        "archive_timeout": "1",
    }


def test_backup_kill_and_restore_to_a_point_in_time(private_clusters, settings, capsys):  # noqa: F811
    settings.CHENGXIN_POLICY_CACHE_SECONDS = 0
    settings.CHENGXIN_PG_BIN_DIR = str(PG_BIN)
    root = Path(private_clusters.root)
    archive, backup_folder = root / "archive", root / "backup"
    keys_file, restored_keys = root / "keys" / "keys.json", root / "restored" / "secrets.json"
    archive.mkdir()
    hand_to_postgres(archive)
    primary = private_clusters("primary", **_archive_settings(archive)).start()
    primary.sql(f"CREATE DATABASE {DATABASE}")

    # given: submissions, a backup, more submissions, the point in time, yet more
    with default_database_at(primary, DATABASE):
        call_command("migrate", verbosity=0)
        list_items()
        before_backup = _submit("A", 4, 100)
        call_command("backup", "--to", str(backup_folder), "--keys-to", str(keys_file))
        after_backup = _submit("B", 4, 200)
        point = datetime.datetime.fromisoformat(primary.sql("SELECT clock_timestamp()::text"))
        after_point = _submit("C", 3, 300)
    position = primary.sql("SELECT pg_current_wal_lsn()")
    wait_for(lambda: _archived_past(primary, position), what="the archive to hold the last write")
    last_archived = primary.sql(
        "SELECT EXTRACT(EPOCH FROM last_archived_time) FROM pg_stat_archiver"
    )

    # when: the postmaster is killed, and the backup restored to the point into a new folder
    primary.kill()
    crashed_at = time.time()
    restore_started = time.monotonic()
    call_command(
        "restore",
        "--from", str(backup_folder),
        "--data", str(root / "restored-data"),
        "--archive", str(archive),
        "--target-time", point.isoformat(),
        "--keys", str(keys_file),
        "--keys-to", str(restored_keys),
    )  # fmt: skip
    hand_to_postgres(root / "restored-data")
    restored = private_clusters.adopt(PrivateCluster(data=root / "restored-data")).start()
    wait_for(lambda: restored.sql("SELECT NOT pg_is_in_recovery()") == "True", what="promotion")
    with default_database_at(restored, DATABASE):
        present = set(CreditRecord.objects.values_list("source_id", flat=True))
        recovered = time.monotonic()
        verify = io.StringIO()
        call_command("audit", "verify", stdout=verify)

    # then: everything committed before the point is there and nothing after it; the audit
    # chain verifies; the keys came back, mode 600, and were never inside the backup folder
    assert present == set(before_backup) | set(after_backup)
    assert not present & set(after_point)
    assert "OK:" in verify.getvalue()
    assert restored_keys.stat().st_mode & 0o777 == 0o600
    assert keys_file.stat().st_mode & 0o777 == 0o600
    assert json.loads(restored_keys.read_text(encoding="utf-8")) == key_material()
    blind_index_key = settings.CHENGXIN_BLIND_INDEX_KEY.encode()
    assert not [
        path
        for path in backup_folder.rglob("*")
        if path.is_file() and blind_index_key in path.read_bytes()
    ]
    with capsys.disabled():
        print(
            f"\nrestore drill: RPO {crashed_at - float(last_archived):.1f} s (the archive's lag at "
            f"the crash; archive_timeout 1 s), RTO {recovered - restore_started:.1f} s (restore "
            "command to a promoted database answering)"
        )
