"""The permission matrix over every route (STYLE §16): every URL pattern and every API operation
has an entry in ``permission_matrix.py`` stating the answer for each role, and every refused
request writes nothing and enqueues nothing.

A new page or operation fails ``test_every_route_and_operation_has_an_entry`` until its entry is
written. The figures of the run (operations × roles, unauthorised successes) are written to
``test-artifacts/permission-matrix-<database>.json``.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from tests.system import permission_matrix
from tests.system.matrix_world import ROLES, World, build_world
from tests.system.permission_matrix import Entry

ARTIFACTS = Path("test-artifacts")
CITIZEN_LOGIN = "/account/login/"
_CONVERTER = re.compile(r"<(?:[a-z]+:)?([A-Za-z_]+)>")
# Bookkeeping that a request writes whatever its answer: the session of the signed-in client,
# the lockout counters, the rate-limit counters, a token's last use.
_BOOKKEEPING_TABLES = frozenset({"django_session", "django_cache"})
_BOOKKEEPING_PREFIXES = ("axes_",)
_BOOKKEEPING_COLUMNS = {"accounts_apitoken": {"last_used_at"}}


def url_patterns() -> list[str]:
    """Every route of the URL map as Django writes it (``api/v1/checks/<check_id>``)."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns, "")))


def api_operations() -> list[tuple[str, str]]:
    """Every (method, route) of the OpenAPI document, in the URL map's spelling."""
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    operations = []
    for path, methods in document["paths"].items():
        for method in methods:
            if method in {"get", "post", "put", "patch", "delete"}:
                operations.append((method.upper(), _route_of_openapi_path(path)))
    return sorted(operations)


def _route_of_openapi_path(path: str) -> str:
    return re.sub(r"\{([A-Za-z_]+)\}", r"<\1>", path.lstrip("/"))


def _spelling(route: str) -> str:
    """A route with its converters dropped, to compare the URL map with the OpenAPI paths."""
    return _CONVERTER.sub(r"<\1>", route)


@pytest.mark.django_db
def test_every_route_and_operation_has_an_entry():
    # given
    entries = permission_matrix.entries()
    covered_routes = {_spelling(entry.route) for entry in entries}
    covered_operations = {(entry.method, _spelling(entry.route)) for entry in entries}
    # when
    missing_routes = [r for r in url_patterns() if _spelling(r) not in covered_routes]
    missing_operations = [op for op in api_operations() if op not in covered_operations]
    stale = sorted(covered_routes - {_spelling(r) for r in url_patterns()})
    # then
    assert (missing_routes, missing_operations, stale) == ([], [], [])


@pytest.mark.django_db
def test_every_entry_states_an_answer_for_every_role():
    # when
    short = [
        entry.key for entry in permission_matrix.entries() if len(entry.statuses) != len(ROLES)
    ]
    # then
    assert short == []


def _client_for(world: World, role: str, entry: Entry) -> tuple[Client, dict[str, str]]:
    """A fresh client of ``role``: a bearer token for staff on the API, otherwise the role's
    session (signed in when the world was built, so signing in writes nothing here)."""
    client = Client()
    if role == "anonymous":
        return client, {}
    if entry.is_api and role in world.tokens:
        return client, {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"}
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client, {}


def is_refusal(response, entry: Entry) -> bool:
    """An error answer, or a page sending the visitor to a sign-in page (except sign-out's)."""
    if response.status_code >= 400:
        return True
    if entry.signs_out:
        return False
    location = response.headers.get("Location", "") if response.status_code in (301, 302) else ""
    sign_in_pages = (resolve_url(settings.LOGIN_URL), "/staff/admin/login/", CITIZEN_LOGIN)
    return location.startswith(sign_in_pages)


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but bookkeeping, to prove that a refused request wrote nothing."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table, columns in _snapshot_queries().items():
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")  # noqa: S608 - own table names
            snapshot[table] = sorted(tuple(map(repr, line)) for line in cursor.fetchall())
    return snapshot


@functools.cache
def _snapshot_queries() -> dict[str, str]:
    """Per table, the quoted columns the snapshot reads (introspected once per process)."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    queries = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            if table in _BOOKKEEPING_TABLES or table.startswith(_BOOKKEEPING_PREFIXES):
                continue
            description = connection.introspection.get_table_description(cursor, table)
            skipped = _BOOKKEEPING_COLUMNS.get(table, set())
            columns = [column.name for column in description if column.name not in skipped]
            queries[table] = ", ".join(connection.ops.quote_name(column) for column in columns)
    return queries


def _changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )


def _answer(world: World, role: str, entry: Entry, before: dict) -> tuple[int, list[str], int]:
    """The status a role gets, the tables a refused request changed, its enqueued callbacks.
    Each request runs in a savepoint that is rolled back, so every role meets the same world."""
    with transaction.atomic():
        client, headers = _client_for(world, role, entry)
        with TestCase.captureOnCommitCallbacks() as callbacks:
            response = entry.send(client, world, headers)
        refused = is_refusal(response, entry)
        changed = _changed_tables(before, _snapshot()) if refused else []
        transaction.set_rollback(True)
    return response.status_code, changed, len(callbacks) if refused else 0


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module's tests, in a transaction rolled back at the end (building it
    issues a credit report and runs checks: too slow to repeat for each route)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(), _snapshot()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("entry", permission_matrix.entries(), ids=lambda entry: entry.key)
def test_the_route_answers_every_role_as_the_matrix_says(world, entry: Entry):
    # given
    world, before = world
    # when
    observed = {role: _answer(world, role, entry, before) for role in ROLES}
    # then
    _record(entry, observed)
    statuses = {role: answer[0] for role, answer in observed.items()}
    assert statuses == dict(zip(ROLES, entry.statuses, strict=True))
    writes = {role: answer[1:] for role, answer in observed.items() if answer[1] or answer[2]}
    assert writes == {}


def _record(entry: Entry, observed: dict) -> None:
    """Append this entry's answers to the run's figures (one JSON line per entry)."""
    label = os.environ.get("CHENGXIN_TEST_LABEL", "local")
    ARTIFACTS.mkdir(exist_ok=True)
    line = {
        "key": entry.key,
        "expected": dict(zip(ROLES, entry.statuses, strict=True)),
        "observed": {role: answer[0] for role, answer in observed.items()},
        "refused_writes": {role: answer[1] for role, answer in observed.items() if answer[1]},
    }
    with open(ARTIFACTS / f"permission-matrix-{label}.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
