"""What the benchmarks share: a bench PostgreSQL database dropped and re-created, the
environment of a production-settings process with fresh keys, and the ``chengxin`` command run
to migrate and seed it."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def checked_name(url: str) -> str:
    """The database name of ``url``; refuses a name without ``bench`` (it is dropped)."""
    name = database_name(url)
    if not re.fullmatch(r"[a-z0-9_]+", name) or "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the name must contain 'bench'")
    return name


def drop_database(url: str) -> None:
    name = checked_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def recreate_database(url: str, *, template: str | None = None) -> None:
    """Drop and create the database of ``url`` (a file-level copy of the database of
    ``template`` when given: no session may be open on it); refuses a name without ``bench``."""
    name = checked_name(url)
    drop_database(url)
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        if template is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        else:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(checked_name(template))
                )
            )


def chengxin_command() -> str:
    here = Path(sys.executable).parent / "chengxin"
    return str(here) if here.exists() else shutil.which("chengxin") or "chengxin"


def migrate_and_seed(env: dict[str, str], *, cwd: Path | str) -> None:
    for command in (["migrate", "--no-input", "-v", "0"], ["seed"]):
        subprocess.run(
            [chengxin_command(), *command],
            env=env,
            cwd=cwd,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def collect_static(env: dict[str, str], *, cwd: Path | str) -> None:
    """``collectstatic``: the production settings serve static files by their hashed names,
    which a page cannot be rendered without."""
    subprocess.run(
        [chengxin_command(), "collectstatic", "--no-input", "-v", "0"],
        env=env,
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fresh_key() -> str:
    """32 random bytes, base64: one key of the platform's key settings."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def bench_environment(
    work: Path, *, database_url: str, settings: str = "chengxin.config.settings.production"
) -> dict[str, str]:
    """The environment of a bench process: production settings (or ``settings``, a module
    built on them) on ``database_url``, a var directory under ``work``, fresh keys, the bench
    and project folders on the path, and no public rate limit (one client asks every page)."""
    bench_dir = Path(__file__).resolve().parent
    env = dict(os.environ)
    for name in ("DATABASE_URL", "CHENGXIN_SQLITE_PATH", "CHENGXIN_SECRET_KEY"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(bench_dir), str(bench_dir.parent), env.get("PYTHONPATH", "")) if part
    )
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "DATABASE_URL": database_url,
            "CHENGXIN_VAR_DIR": str(work / "var"),
            "CHENGXIN_SECRET_KEY": fresh_key() + fresh_key(),
            "CHENGXIN_ID_KEYS": f"k1:{fresh_key()}",
            "CHENGXIN_ID_ACTIVE_KEY": "k1",
            "CHENGXIN_BLIND_INDEX_KEY": fresh_key(),
            "CHENGXIN_SIGNING_KEYS": f"s1:{fresh_key()}",
            "CHENGXIN_SIGNING_ACTIVE_KEY": "s1",
            "CHENGXIN_RECEIPT_KEYS": f"r1:{fresh_key()}",
            "CHENGXIN_RECEIPT_ACTIVE_KEY": "r1",
            "CHENGXIN_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CHENGXIN_LOG_LEVEL": "WARNING",
            "CHENGXIN_RATE_PUBLIC_ADDRESS": "off",
            "PYTHONUNBUFFERED": "1",
        }
    )
    (work / "var").mkdir(parents=True, exist_ok=True)
    return env


def memory_gb() -> float:
    """The machine's memory in GB (0 where ``/proc/meminfo`` cannot be read)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def step(message: str) -> None:
    """A progress line with the time."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def in_work_folder(prefix: str, run: Callable[[Path], int], *, keep: bool) -> int:
    """``run`` in a new temporary folder, removed afterwards unless ``keep``."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return run(work)
    finally:
        if keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
