"""Set-based updates of many rows with different values each.

Django's ``bulk_update`` writes one ``CASE WHEN pk = … THEN …`` per field, which the database
evaluates row by row against every branch: quadratic in the batch size. ``bulk_update_rows``
sends the new values as a ``VALUES`` list joined on the primary key instead (``UPDATE … FROM``,
SQLite ≥ 3.33 and PostgreSQL), one statement per batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router

DEFAULT_BATCH_SIZE = 500


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
