"""The production WSGI server: how ``chengxin serve`` runs gunicorn, and its access log.

gunicorn's own access log writes the request line, the referrer and the query as the client sent
them, and people type ID numbers into the wrong box: :class:`AccessLogger` writes the route the
request matched and the query's parameter names instead (``core.logfilters.loggable_target``),
never the values, and no referrer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence

from gunicorn.glogging import Logger

from chengxin.core.logfilters import loggable_target

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms'
THREADS_PER_WORKER = 4


def default_workers() -> int:
    """One worker process per CPU, at least two (each with ``THREADS_PER_WORKER`` threads)."""
    return max(2, os.cpu_count() or 1)


class AccessLogger(Logger):
    """gunicorn's logger with the request target reduced to its route and parameter names."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "") or "/"
        query = environ.get("QUERY_STRING", "")
        target = loggable_target(path + (f"?{query}" if query else ""))
        method = environ.get("REQUEST_METHOD", "-")
        protocol = environ.get("SERVER_PROTOCOL", "-")
        route, _, names = target.partition("?")
        atoms.update({"r": f"{method} {target} {protocol}", "U": route, "q": names, "f": "-"})
        return atoms


def gunicorn_command(
    addrport: str, *, workers: int | None = None, threads: int = THREADS_PER_WORKER
) -> list[str]:
    """The command line that serves the platform's WSGI application on ``addrport``."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "chengxin.config.wsgi:application",
        "--bind",
        addrport,
        "--workers",
        str(workers or default_workers()),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--logger-class",
        "chengxin.config.gunicorn.AccessLogger",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        "-",
        "--no-control-socket",
        "--graceful-timeout",
        "20",
        "--timeout",
        "120",
    ]


def serve(command: Sequence[str]) -> int:
    """Run the server until it exits; SIGTERM and SIGINT are passed on to it (a graceful stop)."""
    server = subprocess.Popen(list(command))  # noqa: S603 - the platform's own server

    def pass_on(signum, _frame):
        server.send_signal(signum)

    previous = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return server.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
