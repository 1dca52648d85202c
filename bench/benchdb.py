"""What the benchmarks share: a bench PostgreSQL database dropped and re-created, and the
``chengxin`` command run to migrate and seed it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def recreate_database(url: str) -> None:
    """Drop and create the database of ``url``; refuses a name without ``bench``."""
    name = database_name(url)
    if not re.fullmatch(r"[a-z0-9_]+", name) or "bench" not in name:
        # The database is dropped: refuse anything that does not look like a bench database.
        raise SystemExit(f"refusing to drop {name!r}: the name must contain 'bench'")
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


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
