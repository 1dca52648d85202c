"""Log filters that keep what clients send out of the server log (SPEC §2, §14).

A path or a query string is whatever the client typed, and people type ID numbers into the wrong
box: the request loggers (``django.server``, the development server's access log, and
``django.request``, which names 4xx and 5xx answers) write the route the request matched
(``/api/v1/catalog/<code>``) and the names of the query parameters (``?department=…``), never
their values. A path that matches no route is written as its first segment when that is one of
the platform's own prefixes (``/api/…``), else as ``/…``.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

HIDDEN = "…"
_KNOWN_PREFIXES = frozenset({"api", "staff", "static", "i18n", "media"})
_PARAMETER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-\[\]]{0,39}")
_REQUEST_LINE = re.compile(r"(?P<method>[A-Z]{1,16}) (?P<target>\S+) (?P<version>HTTP/[0-9.]+)")


def loggable_target(target: str) -> str:
    """The request target (path and query) as a log line may show it: the route and the query's
    parameter names, no value the client sent."""
    parts = urlsplit(target)
    path = _route_of(parts.path or "/")
    if not parts.query:
        return path
    names = [
        _loggable_name(name) for name, _value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return path + "?" + "&".join(f"{name}={HIDDEN}" for name in names)


def _route_of(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        first = path.strip("/").split("/", 1)[0]
        return f"/{first}/{HIDDEN}" if first in _KNOWN_PREFIXES else f"/{HIDDEN}"
    return "/" + match.route.lstrip("^").rstrip("$")


def _loggable_name(name: str) -> str:
    return name if _PARAMETER_NAME.fullmatch(name) else HIDDEN


class RequestTargetFilter(logging.Filter):
    """Rewrites the request target in the records of the request loggers (see the module
    docstring). Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.args, tuple) or not record.args:
            return True
        record.args = tuple(_rewritten(argument, record) for argument in record.args)
        return True


def _rewritten(argument: object, record: logging.LogRecord) -> object:
    if not isinstance(argument, str):
        return argument
    line = _REQUEST_LINE.fullmatch(argument)
    if line is not None:  # django.server: '"%s" %s %s' % (request line, status, size)
        return f"{line['method']} {loggable_target(line['target'])} {line['version']}"
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if isinstance(path, str) and argument == path:  # django.request: "Not Found: %s" % path
        return loggable_target(argument)
    return argument
