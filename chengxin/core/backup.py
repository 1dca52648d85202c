"""Backups and restores of the database, and the keys kept apart from them (docs/operations.md).

A database restored without its keys cannot read a single ID number or find a single person, and
a backup that holds its own keys gives both away to whoever gets hold of it. So the two are
written to two places: the database backup (a PostgreSQL base backup with ``pg_basebackup``, or a
copy of the SQLite file made with SQLite's online backup API) into one folder, the key material
into a file of its own, mode 600, that the operator stores elsewhere.

Point-in-time recovery on PostgreSQL needs the server's WAL archive (``archive_mode = on``,
``archive_command`` copying each segment into an archive folder): ``restore_postgresql`` puts
the base backup into a new data folder and sets up recovery from the archive to a target time.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from chengxin.core import error_codes
from chengxin.core.errors import DomainError

MANIFEST = "backup.json"
BASE_FOLDER = "base"
SQLITE_FILE = "chengxin.sqlite3"
BASEBACKUP_TIMEOUT_SECONDS = 6 * 3600


def _refusal(message: str) -> DomainError:
    return DomainError(code=error_codes.BACKUP_REFUSED, message=message, message_en=message)


def key_material() -> dict[str, object]:
    """The deployment's keys, in the shape of ``var/secrets.json``."""
    return {
        "secret_key": settings.SECRET_KEY,
        "id_keys": dict(settings.CHENGXIN_ID_KEYS),
        "id_active_key": settings.CHENGXIN_ID_ACTIVE_KEY,
        "blind_index_key": settings.CHENGXIN_BLIND_INDEX_KEY,
        "signing_keys": dict(settings.CHENGXIN_SIGNING_KEYS),
        "signing_active_key": settings.CHENGXIN_SIGNING_ACTIVE_KEY,
        "receipt_keys": dict(settings.CHENGXIN_RECEIPT_KEYS),
        "receipt_active_key": settings.CHENGXIN_RECEIPT_ACTIVE_KEY,
    }


def write_private_file(path: Path, text: str) -> None:
    """Create ``path`` with mode 600 (never widened by the umask); refuse to overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise _refusal(f"{path} exists already; choose another file.") from error
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(text)


def keys_backup(path: Path) -> None:
    write_private_file(path, json.dumps(key_material(), indent=2))


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    keys: Path
    vendor: str
    started_at: datetime.datetime
    finished_at: datetime.datetime
    archiving: str  # the server's archive_command, or "" when WAL archiving is off


def pg_binary(name: str) -> str:
    """A PostgreSQL client program: in ``CHENGXIN_PG_BIN_DIR``, on the PATH, or in Debian's
    ``/usr/lib/postgresql/<version>/bin`` (the newest)."""
    folder = getattr(settings, "CHENGXIN_PG_BIN_DIR", "")
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise _refusal(f"{name} was not found; set CHENGXIN_PG_BIN_DIR.")
    return str(candidates[-1])


def backup(*, folder: Path, keys: Path, alias: str = "default") -> BackupResult:
    """Back the database up into ``folder`` (which must not exist) and the keys into ``keys``
    (outside that folder)."""
    folder, keys = folder.resolve(), keys.resolve()
    if keys.is_relative_to(folder):
        raise _refusal("The keys file must not be inside the backup folder.")
    if folder.exists():
        raise _refusal(f"{folder} exists already; a backup goes into a new folder.")
    connection = connections[alias]
    started = timezone.now()
    folder.mkdir(parents=True, mode=0o700)
    folder.chmod(0o700)  # only its owner reads a backup, whatever the umask
    archiving = ""
    if connection.vendor == "postgresql":
        archiving = _archive_command(connection)
        _basebackup(connection.settings_dict, folder / BASE_FOLDER)
    elif connection.vendor == "sqlite":
        _sqlite_copy(Path(str(connection.settings_dict["NAME"])), folder / SQLITE_FILE)
    else:
        raise _refusal(f"Backups of {connection.vendor} are not supported.")
    keys_backup(keys)
    result = BackupResult(folder, keys, connection.vendor, started, timezone.now(), archiving)
    (folder / MANIFEST).write_text(
        json.dumps(
            {
                "vendor": result.vendor,
                "started_at": started.isoformat(),
                "finished_at": result.finished_at.isoformat(),
                "archive_command": archiving,
                "keys": "kept apart from this folder",
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return result


def _archive_command(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('archive_mode'), current_setting('archive_command')")
        mode, command = cursor.fetchone()
    return command if mode in ("on", "always") else ""


def _basebackup(database: dict, target: Path) -> None:
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    command = [pg_binary("pg_basebackup"), "-D", str(target), "-Fp", "-X", "stream"]
    command += ["-c", "fast", "-l", f"chengxin {timezone.now():%Y-%m-%d %H:%M:%S}", "-w"]
    for option, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if database.get(key):
            command += [option, str(database[key])]
    try:
        subprocess.run(  # noqa: S603 - the program and arguments come from the settings
            command,
            check=True,
            capture_output=True,
            text=True,
            env=environment,
            timeout=BASEBACKUP_TIMEOUT_SECONDS,
        )
    except subprocess.CalledProcessError as error:
        raise _refusal(f"pg_basebackup failed: {error.stderr.strip()[-500:]}") from error


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (SQLite's online backup API)."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)


@dataclass(frozen=True)
class RestoreResult:
    data: Path
    keys_to: Path
    target_time: datetime.datetime | None


def restore_postgresql(
    *,
    source: Path,
    data: Path,
    archive: Path,
    target_time: datetime.datetime | None,
    keys: Path,
    keys_to: Path,
) -> RestoreResult:
    """Put the base backup of ``source`` into the new data folder ``data`` and set up recovery
    from the WAL ``archive`` up to ``target_time`` (the end of the archive when None), then the
    server is promoted; restore the keys from ``keys`` into ``keys_to`` (mode 600).

    The server is not started here: start it on ``data`` (as its OS user), and it replays the
    archive up to the target before it accepts writes."""
    base = source / BASE_FOLDER
    if not (base / "PG_VERSION").exists():
        raise _refusal(f"{source} holds no PostgreSQL base backup.")
    if data.exists() and any(data.iterdir()):
        raise _refusal(f"{data} is not empty; restore into a new data folder.")
    if not archive.is_dir():
        raise _refusal(f"The WAL archive {archive} is not a folder.")
    material = json.loads(keys.read_text(encoding="utf-8"))
    shutil.copytree(base, data, dirs_exist_ok=True)
    data.chmod(0o700)
    (data / "recovery.signal").write_text("", encoding="utf-8")
    settings_lines = [
        f'restore_command = \'cp "{archive.resolve()}/%f" "%p"\'',
        "recovery_target_action = 'promote'",
        "primary_conninfo = ''",
    ]
    if target_time is not None:
        settings_lines.append(f"recovery_target_time = '{target_time.isoformat()}'")
    with open(data / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
        conf.write("# chengxin restore\n" + "".join(f"{line}\n" for line in settings_lines))
    write_private_file(keys_to, json.dumps(material, indent=2))
    return RestoreResult(data=data, keys_to=keys_to, target_time=target_time)
