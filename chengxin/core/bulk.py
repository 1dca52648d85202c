"""Set-based writes of many rows: bulk inserts from plain tuples, and updates with different
values per row.

Inserts (``insert_rows``): the ingest path writes thousands of rows per transaction, where
building model instances and letting the driver quote every parameter cost more than the database
does (docs/performance.md). On PostgreSQL the rows go through ``COPY … FROM STDIN`` (psycopg 3
formats them in C); elsewhere one ``INSERT`` is run with ``executemany``. The caller supplies every
column's value (no defaults, no ``auto_now``, no signals), JSON columns as JSON text. Primary keys
for a COPY can be taken beforehand from the table's sequence (``allocate_ids``).

Updates (``bulk_update_rows``): Django's ``bulk_update`` writes one ``CASE WHEN pk = … THEN …``
per field, which the database evaluates row by row against every branch: quadratic in the batch
size. ``bulk_update_rows`` sends the new values as a ``VALUES`` list joined on the primary key
instead (``UPDATE … FROM``, SQLite ≥ 3.33 and PostgreSQL), one statement per batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import OperationalError, connections, models, router, transaction
from django.db.models import F, Lookup

DEFAULT_BATCH_SIZE = 500
_ADAPTED_TYPES = ("DateTimeField", "DateField", "TimeField", "DecimalField", "UUIDField")


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
    use_copy: bool | None = None,
) -> bool:
    """Insert ``rows`` (one tuple of values per row, in the order of ``fields``) into ``model``'s
    table, in the caller's transaction. True when every row was written as given, False when
    ``ignore_conflicts`` skipped some (or may have: then read back what the table holds).

    ``fields`` are model field names (``subject`` for the foreign key ``subject_id``). Values are
    what the column holds: ids for foreign keys, aware datetimes, JSON text for JSON fields.
    ``ignore_conflicts`` skips a row that breaks a unique constraint (a concurrent writer was
    first), as ``ON CONFLICT DO NOTHING``. ``use_copy`` chooses the writer: ``COPY`` (PostgreSQL
    only; the default there) or ``executemany`` (any database; the default elsewhere).
    """
    connection = connections[router.db_for_write(model)]
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    concrete = [model._meta.get_field(name) for name in fields]
    if use_copy and ignore_conflicts:
        return _copy_ignoring_conflicts(connection, model, concrete, rows)
    if use_copy:
        _copy(connection, model._meta.db_table, concrete, rows)
        return True
    return _executemany(connection, model, concrete, rows, ignore_conflicts=ignore_conflicts)


class AnyOf(Lookup):
    """``field`` is one of many values, for sets of thousands of keys (a chunk's ``source_id``
    values, its people's blind indexes): ``= ANY(%s)`` with one array parameter on PostgreSQL,
    ``IN (…)`` elsewhere. Django's ``__in`` prepares and binds each value apart, which costs
    more than the query itself at this size. Use as ``filter(any_of("source_id", values))``.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            if _joinable(values):
                # Text keys travel as one string split by the server: the driver's array
                # dumper checks every element for quoting, which costs more than the look-ups.
                return (
                    f"{lhs} = ANY(string_to_array(%s, chr({_SEPARATOR_CODE})))",
                    [*lhs_params, _SEPARATOR.join(values)],
                )
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


_SEPARATOR_CODE = 31  # the ASCII unit separator, which no key holds
_SEPARATOR = chr(_SEPARATOR_CODE)


def _joinable(values: list) -> bool:
    """Whether ``values`` can go as one separated string: non-empty text keys without the
    separator."""
    return bool(values) and all(
        type(value) is str and value and _SEPARATOR not in value for value in values
    )


def any_of(field_name: str, values) -> AnyOf:
    """The ``AnyOf`` condition of the model field ``field_name``."""
    return AnyOf(F(field_name), list(values))


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the sequence of ``model``'s table (PostgreSQL), for rows
    written with ``COPY``. Keys taken by a transaction that rolls back are skipped, as with any
    insert."""
    if count == 0:
        return []
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        # The sequence as a ``regclass`` constant: a text argument would be resolved to the
        # sequence again for every value (about five times slower for 5,000 values).
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)::regclass) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _column_list(connection, concrete) -> str:
    return ", ".join(connection.ops.quote_name(field.column) for field in concrete)


def _copy(connection, table: str, concrete, rows: Iterable[Sequence[Any]]) -> None:
    """COPY the rows, in the binary format when every column's type is one psycopg knows (less
    formatting on both sides), else in the text format."""
    types = _copy_types(connection, concrete)
    statement = (
        f"COPY {connection.ops.quote_name(table)} ({_column_list(connection, concrete)}) FROM STDIN"
    )
    if types is None:
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    json_columns = [index for index, name in enumerate(types) if name == "jsonb"]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(statement + " (FORMAT BINARY)") as copy,
    ):
        # A binary COPY carries no types: the server reads each field with its column's own
        # input function. A jsonb field is the format's version byte and the JSON text, so the
        # JSON text the caller gives goes as those bytes (a ``bytea`` field is sent as is)
        # instead of through the driver's JSON adapter.
        copy.set_types(["bytea" if name == "jsonb" else name for name in types])
        for row in rows:
            copy.write_row(_json_wrapped(row, json_columns) if json_columns else row)


def _copy_types(connection, concrete) -> list[str] | None:
    """The PostgreSQL type name of each column for a binary COPY, or ``None`` if one of them is
    not a type psycopg can dump."""
    from psycopg import postgres

    names = []
    for field in concrete:
        name = field.db_type(connection).split("(", 1)[0].strip()
        info = postgres.types.get(name)
        if info is None:
            return None
        names.append(info.name)
    return names


_JSONB_VERSION = b"\x01"


def _json_wrapped(row: Sequence[Any], json_columns: list[int]) -> list[Any]:
    """JSON columns arrive as JSON text: sent as the binary jsonb field (version 1, the text in
    UTF-8), not serialised again."""
    values = list(row)
    for index in json_columns:
        text = values[index]
        if text is not None:
            values[index] = _JSONB_VERSION + text.encode("utf-8")
    return values


def _copy_ignoring_conflicts(connection, model, concrete, rows) -> bool:
    """COPY straight into the table under a savepoint; if a row conflicts (a concurrent writer
    inserted it first, which is rare), COPY cannot skip it, so the rows go into a temporary table
    instead and from there through one ``INSERT … SELECT … ON CONFLICT DO NOTHING``. True when
    the direct COPY wrote every row."""
    from psycopg import errors

    rows = list(rows)
    try:
        with transaction.atomic(using=connection.alias):
            _copy(connection, model._meta.db_table, concrete, rows)
    except errors.UniqueViolation:
        _copy_through_staging(connection, model, concrete, rows)
        return False
    return True


def _copy_through_staging(connection, model, concrete, rows) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    staging = quote(f"staging_{model._meta.db_table}")
    columns = _column_list(connection, concrete)
    with connection.cursor() as cursor:
        # Only quoted names of the model go into the text; the rows travel through COPY.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
    _copy(connection, f"staging_{model._meta.db_table}", concrete, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        )
        cursor.execute(f"DROP TABLE {staging}")


def _executemany(connection, model, concrete, rows, *, ignore_conflicts: bool) -> bool:
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(concrete))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    # Only quoted names of the model and placeholders go into the text; values are bound.
    sql = (
        f"INSERT INTO {table} ({_column_list(connection, concrete)}) "  # noqa: S608
        f"VALUES ({placeholders}){conflict}"
    )
    adapters = _adapters(connection, concrete)
    adapted = [_adapted(row, adapters) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, adapted)
        return not ignore_conflicts or cursor.rowcount == len(adapted)


def _adapters(connection, concrete) -> list[Callable[[Any], Any] | None]:
    """Per column, how the backend wants a value bound (dates and datetimes as text on SQLite,
    timezone handling included), or ``None`` where the value goes as it is."""
    adapters: list[Callable[[Any], Any] | None] = []
    for field in concrete:
        kind = field.get_internal_type()
        if kind in _ADAPTED_TYPES:
            adapters.append(lambda value, field=field: field.get_db_prep_save(value, connection))
        else:
            adapters.append(None)
    return adapters


def _adapted(row: Sequence[Any], adapters) -> tuple:
    return tuple(
        value if adapter is None or value is None else adapter(value)
        for value, adapter in zip(row, adapters, strict=True)
    )


def bulk_update_rows(
    objs: Sequence[models.Model], fields: Sequence[str], *, batch_size: int = DEFAULT_BATCH_SIZE
) -> int:
    """Write ``fields`` of every object in ``objs`` (all of one model); return rows updated."""
    if not objs:
        return 0
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    concrete = [model._meta.pk] + [model._meta.get_field(name) for name in fields]
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            sql, params = _statement(model, concrete, batch, connection)
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated


def _statement(model, concrete, batch, connection) -> tuple[str, list]:
    quote = connection.ops.quote_name
    aliases = [f"v{index}" for index in range(len(concrete))]
    if connection.vendor == "postgresql":
        placeholders = [f"CAST(%s AS {field.db_type(connection)})" for field in concrete]
    else:
        placeholders = ["%s"] * len(concrete)
    row_sql = "(" + ", ".join(placeholders) + ")"
    params: list = []
    for obj in batch:
        params.append(concrete[0].get_db_prep_value(obj.pk, connection))
        params.extend(
            field.get_db_prep_save(getattr(obj, field.attname), connection)
            for field in concrete[1:]
        )
    table = quote(model._meta.db_table)
    assignments = ", ".join(
        f"{quote(field.column)} = new.{alias}"
        for field, alias in zip(concrete[1:], aliases[1:], strict=True)
    )
    # Only quoted names of the model and placeholders go into the text; values are bound.
    sql = (
        f"WITH new({', '.join(aliases)}) AS (VALUES {', '.join([row_sql] * len(batch))}) "  # noqa: S608
        f"UPDATE {table} SET {assignments} FROM new "
        f"WHERE {table}.{quote(concrete[0].column)} = new.{aliases[0]}"
    )
    return sql, params


class StatisticsKeeper:
    """Keeps the planner's statistics of tables that a long load is filling (PostgreSQL).

    Autovacuum analyses a table some time after it changed; during a load of a million rows into
    a young table the planner would go on believing the table small, and pick plans that scan
    everything the load has written so far (a chunk's look-up of 2,000 keys took 44 ms instead
    of 3 ms at 200,000 records; docs/performance.md). ``written(count)`` is called after each
    committed chunk; each time the rows written since the last ``ANALYZE`` reach the table's
    size as the statistics last knew it (and at least ``minimum``: below that a poor plan costs
    less than the analysis), the tables are analysed again: a handful of times for a load into
    an empty table, never for a load that is small next to the table.

    The load never waits for it: with ``background`` the analysis runs in a thread on a
    connection of its own (it reads only committed rows, which is what ``written`` reports) while
    the load goes on, and ``close()`` lets the last one finish; if another session holds a table
    (an anti-wraparound vacuum, a schema change), the analysis gives up after ``lock_timeout_ms``
    and is tried again after the next chunk.
    """

    def __init__(
        self,
        models_: Sequence[type[models.Model]],
        *,
        minimum: int = 20_000,
        lock_timeout_ms: int = 1_000,
        background: bool = False,
    ):
        self.models = list(models_)
        self.minimum = minimum
        self.lock_timeout_ms = lock_timeout_ms
        self.background = background
        self.alias = router.db_for_write(self.models[0])
        self.connection = connections[self.alias]
        self.enabled = self.connection.vendor == "postgresql"
        self.pending = 0
        self.known = self._known_rows(self.connection) if self.enabled else 0
        self.analysed = 0
        self._thread: threading.Thread | None = None
        self._outcome: dict[str, Any] = {}

    def written(self, count: int) -> None:
        """``count`` more rows were committed into the tables."""
        if not self.enabled:
            return
        self.pending += count
        if self._thread is not None:
            if self._thread.is_alive():
                return
            self._collect()
        if self.pending < max(self.known, self.minimum, 1):
            return
        if not self.background:
            self._settle(self.pending, self._analyse(self.connection))
            return
        self._outcome = {"rows": self.pending}
        self._thread = threading.Thread(
            target=self._analyse_apart, name="chengxin-analyse", daemon=True
        )
        self._thread.start()

    def close(self, *, quiet: bool = False) -> None:
        """Let a running analysis finish, and raise its error (``quiet``: keep it to itself, as
        when the load has failed already)."""
        if self._thread is None:
            return
        try:
            self._collect()
        except Exception:
            if not quiet:
                raise

    def _collect(self) -> None:
        self._thread.join()
        self._thread = None
        outcome, self._outcome = self._outcome, {}
        if "error" in outcome:
            raise outcome["error"]
        self._settle(outcome["rows"], outcome.get("known"))

    def _settle(self, rows: int, known: int | None) -> None:
        """An analysis that covered ``rows`` of the pending rows ended (``known``: the rows it
        counted; ``None``: it gave up)."""
        if known is None:
            return
        self.known = known
        self.pending -= rows
        self.analysed += 1

    def _analyse_apart(self) -> None:
        connection = connections[self.alias]  # this thread's own connection
        try:
            self._outcome["known"] = self._analyse(connection)
        except BaseException as error:  # noqa: BLE001 - raised again in the loading thread
            self._outcome["error"] = error
        finally:
            connection.close()

    def _analyse(self, connection) -> int | None:
        """Analyse the tables; the rows they now hold as the statistics say, or ``None`` if a
        table's lock was not granted in time."""
        from psycopg import errors

        quote = connection.ops.quote_name
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, true)", [f"{self.lock_timeout_ms}ms"]
                )
                for model in self.models:
                    cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
        except OperationalError as error:
            if not isinstance(error.__cause__, errors.LockNotAvailable):
                raise
            return None
        return self._known_rows(connection)

    def _known_rows(self, connection) -> int:
        """The rows of the first (largest) table as the statistics say (-1 if never analysed)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [self.models[0]._meta.db_table],
            )
            found = cursor.fetchone()
        return max(int(found[0]), 0) if found else 0
