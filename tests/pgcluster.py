"""A private PostgreSQL cluster for tests that must start, stop, kill or copy a server.

The machine's PostgreSQL (127.0.0.1:5432) belongs to the machine and the CI; the replica and the
restore drill tests start clusters of their own with the binaries in ``/usr/lib/postgresql/15/bin``
on a free port of 127.0.0.1 with a data folder under a temporary directory. PostgreSQL refuses to
run as root, so when the tests run as root each binary runs as the ``postgres`` OS user
(``runuser``) and the folders are handed to it.

Every cluster is stopped (or killed) by the fixture that made it; ``kill`` sends SIGKILL to the
postmaster, as a crash would.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("CHENGXIN_PG_BIN", "/usr/lib/postgresql/15/bin"))
START_TIMEOUT_SECONDS = 60
COMMAND_TIMEOUT_SECONDS = 120


def require_private_clusters() -> None:
    """Skip on SQLite; on PostgreSQL a missing binary or OS user is a failure, never a skip."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("private PostgreSQL clusters run in the PostgreSQL suite only")
    if not (PG_BIN / "postgres").exists():
        pytest.fail(f"PostgreSQL server binaries are missing in {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.fail("runuser is needed to run PostgreSQL as the postgres user")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def hand_to_postgres(path: Path) -> None:
    """Make ``path`` (and what is inside) belong to the postgres user when running as root."""
    if os.geteuid() != 0:
        return
    subprocess.run(["chown", "-R", "postgres:postgres", str(path)], check=True)


def run_as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("timeout", COMMAND_TIMEOUT_SECONDS)
    return subprocess.run(
        _as_postgres(command), check=True, capture_output=True, text=True, **kwargs
    )


@dataclass
class PrivateCluster:
    """One PostgreSQL cluster: its data folder, port and postmaster."""

    data: Path
    port: int = field(default_factory=free_port)
    started: bool = False

    @property
    def log(self) -> Path:
        return self.data.parent / f"{self.data.name}.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def initdb(self, *, settings: dict[str, str] | None = None) -> PrivateCluster:
        self.data.parent.mkdir(parents=True, exist_ok=True)
        hand_to_postgres(self.data.parent)
        run_as_postgres(
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"]
            + ["--no-sync", "-E", "UTF8", "--locale=C.UTF-8", "--wal-segsize=1"]
        )
        self.configure({"wal_level": "replica", "max_wal_senders": "5", **(settings or {})})
        return self

    def configure(self, settings: dict[str, str]) -> None:
        """Append settings to postgresql.auto.conf (the last line of a name wins)."""
        lines = "".join(f"{name} = '{value}'\n" for name, value in settings.items())
        auto = self.data / "postgresql.auto.conf"
        run_as_postgres(["sh", "-c", f"cat >> '{auto}'"], input=lines)

    def start(self) -> PrivateCluster:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        run_as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options]
            + ["-w", "-t", str(START_TIMEOUT_SECONDS), "start"]
        )
        self.started = True
        return self

    def stop(self) -> None:
        if self.started and (self.data / "postmaster.pid").exists():
            run_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"])
        self.started = False

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def kill(self) -> None:
        """SIGKILL the postmaster and wait until its children have gone (a crash)."""
        pid = self.postmaster_pid()
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while _processes_of(self.data) and time.monotonic() < deadline:
            time.sleep(0.1)
        for child in _processes_of(self.data):
            os.kill(child, signal.SIGKILL)
        self.started = False

    def basebackup_replica(self, data: Path) -> PrivateCluster:
        """A streaming replica of this cluster (pg_basebackup -R), not yet started."""
        hand_to_postgres(data.parent)
        run_as_postgres(
            [str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U"]
            + ["postgres", "-D", str(data), "-R", "-X", "stream", "--no-sync"]
            + ["-c", "fast", "-d", f"application_name={data.name}"]
        )
        return PrivateCluster(data=data)

    def sql(self, statement: str, *, database: str = "postgres") -> str:
        """The first column of the first row of ``statement``, as text ('' when no row)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=10) as conn:
            cursor = conn.execute(statement)
            row = cursor.fetchone() if cursor.description else None
        return "" if row is None or row[0] is None else str(row[0])

    def cleanup(self) -> None:
        """Stop the cluster if it runs, or kill what is left of it."""
        with suppress(subprocess.SubprocessError):
            self.stop()
        for pid in _processes_of(self.data):
            os.kill(pid, signal.SIGKILL)


def wait_for(condition, *, what: str, timeout: float = 60.0, interval: float = 0.2):
    """Poll ``condition`` until it returns something true; fail naming ``what`` after
    ``timeout`` seconds (a bound on the test's time, not an assertion about speed)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what} after {timeout} s")
        time.sleep(interval)


@contextmanager
def default_database_at(cluster: PrivateCluster, database: str) -> Iterator[None]:
    """Within the block, this process's ``default`` database is ``database`` of ``cluster``;
    the test database is back afterwards (before pytest-django flushes it)."""
    from django.db import connections

    settings_dict = connections.settings["default"]
    saved = dict(settings_dict)
    connections.close_all()
    settings_dict.update(HOST="127.0.0.1", PORT=str(cluster.port), NAME=database, USER="postgres")
    settings_dict["PASSWORD"] = ""
    try:
        yield
    finally:
        connections.close_all()
        settings_dict.clear()
        settings_dict.update(saved)


@contextmanager
def replica_alias_at(cluster: PrivateCluster, database: str) -> Iterator[None]:
    """Within the block, the ``replica`` database alias is ``database`` of ``cluster``, as
    ``CHENGXIN_REPLICA_URL`` would make it."""
    from django.db import connections

    from chengxin.core.replica import MONITOR, REPLICA_ALIAS

    connections.settings[REPLICA_ALIAS] = {
        **connections.settings["default"],
        "HOST": "127.0.0.1",
        "PORT": str(cluster.port),
        "NAME": database,
        "OPTIONS": {"connect_timeout": 3},
        "TEST": {"MIRROR": "default"},
    }
    MONITOR.forget()
    test_case = _running_test_case()
    allowed = test_case.databases if test_case else None
    if test_case:
        test_case.databases = frozenset({*allowed, REPLICA_ALIAS})
    try:
        yield
    finally:
        if test_case:
            test_case.databases = allowed
        connections[REPLICA_ALIAS].close()
        del connections[REPLICA_ALIAS]
        del connections.settings[REPLICA_ALIAS]
        MONITOR.forget()


def _running_test_case():
    """The test case class whose ``databases`` Django's guard against connections to other
    aliases reads (it patches ``ensure_connection`` for the test's duration), or None."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    patched = BaseDatabaseWrapper.ensure_connection
    cells = dict(zip(patched.__code__.co_freevars, patched.__closure__ or (), strict=True))
    return cells["cls"].cell_contents if "cls" in cells else None


def _processes_of(data: Path) -> list[int]:
    """The pids of PostgreSQL processes whose command line names this data folder, or whose
    parent is such a process (the backends of a killed postmaster)."""
    postmasters: set[int] = set()
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            status = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if status[0] == "Z":
            continue
        parents[int(entry.name)] = int(status[1])
        if str(data).encode() in command and command[0].endswith(b"postgres"):
            postmasters.add(int(entry.name))
    return sorted(postmasters | {pid for pid, ppid in parents.items() if ppid in postmasters})


def cluster_root() -> Path:
    """A fresh folder the postgres user can reach (pytest's own temporary folders are private
    to the user running the tests)."""
    root = Path(tempfile.mkdtemp(prefix="chengxin-pg-"))
    root.chmod(0o755)
    return root


@pytest.fixture
def private_clusters():
    """A factory of private clusters in a fresh folder; each is stopped or killed at teardown."""
    require_private_clusters()
    made: list[PrivateCluster] = []
    root = cluster_root()

    def make(name: str, **settings: str) -> PrivateCluster:
        cluster = PrivateCluster(data=root / name).initdb(settings=settings)
        made.append(cluster)
        return cluster

    def adopt(cluster: PrivateCluster) -> PrivateCluster:
        made.append(cluster)
        return cluster

    make.adopt = adopt  # type: ignore[attr-defined]
    make.root = root  # type: ignore[attr-defined]
    yield make
    for cluster in reversed(made):
        cluster.cleanup()
    shutil.rmtree(root, ignore_errors=True)
