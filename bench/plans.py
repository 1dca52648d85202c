"""The plans of what a benchmark times: the SQL of one timed call captured from Django's
connection and run again under ``EXPLAIN (ANALYZE, BUFFERS)``; the batch check's record queries
over the temporary table of one chunk; and the raw temporary-table join of ``bench/check.py``
(``COPY`` of blind indexes, joined to the subjects and their active records)."""

from __future__ import annotations

RECORDS = "collection_creditrecord"

RAW_JOIN = (
    "SELECT s.blind_index, r.id, r.item_id, r.category, r.severity, r.decided_on, r.disputed "
    "FROM bench_ids b JOIN identity_subject s ON s.blind_index = b.idx "
    "JOIN collection_creditrecord r ON r.subject_index = s.blind_index AND r.status = 'active'"
)


def captured(action, *, tables: tuple[str, ...] = (RECORDS,), unique: bool = True) -> list[str]:
    """The statements ``action`` runs on the default connection that name one of ``tables``,
    in order (each once when ``unique``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        action()
    seen: list[str] = []
    for query in queries.captured_queries:
        text = query["sql"]
        named = any(table in text for table in tables) and not (unique and text in seen)
        if named or _is_setting(text):
            seen.append(text)
    return seen


def _is_setting(query: str) -> bool:
    """A statement that changes a planner setting for what follows (``SET LOCAL …``, or
    ``set_config`` putting one back): run again before the plans of the statements after it."""
    text = query.lstrip()
    return text.upper().startswith("SET ") or "set_config(" in text


def explain(cursor, query: str) -> str:
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
    return "\n".join(row[0] for row in cursor.fetchall())


def plans_of(queries: list[str]) -> list[str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of each read; a statement that writes is not run again,
    and its text is shown instead; one that changes a setting is run again, not shown."""
    from django.db import connection, transaction

    plans = []
    # In one transaction, so that a setting the request changed applies to the plans after it.
    with transaction.atomic(), connection.cursor() as cursor:
        for query in queries:
            if _is_setting(query):
                cursor.execute(query)
            elif query.lstrip().upper().startswith(("SELECT", "WITH")):
                plans.append(explain(cursor, query))
            else:
                plans.append(f"(a write, not run again) {query[:300]}")
    return plans


def batch_plans(wanted: list[str], *, today) -> list[str]:
    """The plans of the batch check's record queries, over the temporary table of one chunk."""
    from django.db import connection, transaction

    from chengxin.measures.checks import bulk

    queries = captured(lambda: bulk.people_facts(wanted, on=today), unique=False)
    with transaction.atomic(), connection.cursor() as cursor:
        bulk._wanted_table_fill(cursor, sorted(set(wanted)))
        plans = []
        for query in queries:
            if _is_setting(query):
                cursor.execute(query)
            else:
                plans.append(explain(cursor, query))
        cursor.execute(f"DROP TABLE {bulk._WANTED}")
    return plans


def raw_ids(cursor, indexes: list[str]) -> None:
    cursor.execute("CREATE TEMPORARY TABLE bench_ids (idx varchar(64)) ON COMMIT DROP")
    with cursor.cursor.copy("COPY bench_ids (idx) FROM STDIN") as copy:
        for index in indexes:
            copy.write_row((index,))


def raw_join(indexes: list[str]) -> int:
    """The raw join over ``indexes``, every row fetched; the number of rows."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        raw_ids(cursor, indexes)
        cursor.execute(RAW_JOIN)
        return len(cursor.fetchall())


def raw_plan(indexes: list[str]) -> list[str]:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        raw_ids(cursor, indexes)
        return [explain(cursor, RAW_JOIN)]
