"""Database triggers that make the audit tables append-only (SPEC §14).

The database itself refuses UPDATE and DELETE on the three audit tables (and TRUNCATE on
PostgreSQL), whatever the application does. Migration ``0002_append_only_triggers`` creates them.
The test suite drops and re-creates them around Django's table flush only (root ``conftest.py``);
production code never calls :func:`drop_append_only_triggers`.

Changing the trigger SQL needs a new migration that drops the old triggers and creates the new.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

AUDIT_TABLES = ("audit_auditevent", "audit_auditseal", "audit_auditcheckpoint")
REFUSAL_MESSAGE = "the audit log is append-only"
POSTGRESQL_FUNCTION = "audit_refuse_change"


def _sqlite_create(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table}: {REFUSAL_MESSAGE}'); END"
        for operation in ("UPDATE", "DELETE")
    ]


def _sqlite_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_{operation}" for operation in ("update", "delete")]


def _postgresql_function() -> str:
    # restrict_violation (SQLSTATE 23001) surfaces as an IntegrityError, as on SQLite.
    return (
        f"CREATE OR REPLACE FUNCTION {POSTGRESQL_FUNCTION}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"RAISE EXCEPTION '%: {REFUSAL_MESSAGE}', TG_TABLE_NAME "
        "USING ERRCODE = 'restrict_violation'; "
        "END $$"
    )


def _postgresql_create(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE PROCEDURE {POSTGRESQL_FUNCTION}()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE PROCEDURE {POSTGRESQL_FUNCTION}()",
    ]


def _postgresql_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]


def create_statements(vendor: str) -> list[str]:
    """The SQL that makes the audit tables append-only on ``vendor``."""
    if vendor == "sqlite":
        return [sql for table in AUDIT_TABLES for sql in _sqlite_create(table)]
    if vendor == "postgresql":
        tables = [sql for table in AUDIT_TABLES for sql in _postgresql_create(table)]
        return [_postgresql_function(), *tables]
    raise ImproperlyConfigured(f"No append-only triggers for database vendor {vendor!r}.")


def drop_statements(vendor: str) -> list[str]:
    """The SQL that removes the append-only triggers on ``vendor``."""
    if vendor == "sqlite":
        return [sql for table in AUDIT_TABLES for sql in _sqlite_drop(table)]
    if vendor == "postgresql":
        tables = [sql for table in AUDIT_TABLES for sql in _postgresql_drop(table)]
        return [*tables, f"DROP FUNCTION IF EXISTS {POSTGRESQL_FUNCTION}()"]
    raise ImproperlyConfigured(f"No append-only triggers for database vendor {vendor!r}.")


def create_append_only_triggers(connection) -> None:
    """Create the triggers on ``connection`` (used by the migration and the test flush hook)."""
    with connection.cursor() as cursor:
        for sql in create_statements(connection.vendor):
            cursor.execute(sql)


def drop_append_only_triggers(connection) -> None:
    """Drop the triggers on ``connection`` (migration reversal and the test flush hook only)."""
    with connection.cursor() as cursor:
        for sql in drop_statements(connection.vendor):
            cursor.execute(sql)
