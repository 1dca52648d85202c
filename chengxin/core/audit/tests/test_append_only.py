"""The database itself refuses to change or remove audit rows, whatever the application does."""

import pytest
from django.db import IntegrityError, connection, transaction

from chengxin.core.audit import events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from chengxin.core.audit.sealing import audit_checkpoint_create

pytestmark = pytest.mark.django_db

TABLES = ["audit_auditevent", "audit_auditseal", "audit_auditcheckpoint"]
CHANGES = {
    "audit_auditevent": "UPDATE audit_auditevent SET purpose = 'changed'",
    "audit_auditseal": "UPDATE audit_auditseal SET chain_hash = 'changed'",
    "audit_auditcheckpoint": "UPDATE audit_auditcheckpoint SET signature = 'changed'",
}


@pytest.fixture
def sealed_log():
    events.record(actor=None, action=AuditAction.CREATE, object_type="record", object_id="1")
    audit_checkpoint_create()


def _refused(sql):
    with (
        pytest.raises(IntegrityError) as error,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    return str(error.value)


@pytest.mark.parametrize("table", TABLES)
def test_update_is_refused_by_the_database(sealed_log, table):
    # when
    message = _refused(CHANGES[table])

    # then
    assert message.startswith(f"{table}: the audit log is append-only")
    assert AuditEvent.objects.get().purpose == ""
    assert AuditSeal.objects.get().chain_hash != "changed"
    assert AuditCheckpoint.objects.get().signature != "changed"


@pytest.mark.parametrize("table", TABLES)
def test_delete_is_refused_by_the_database(sealed_log, table):
    # when
    message = _refused(f"DELETE FROM {table}")

    # then
    assert message.startswith(f"{table}: the audit log is append-only")
    counts = (
        AuditEvent.objects.count(),
        AuditSeal.objects.count(),
        AuditCheckpoint.objects.count(),
    )
    assert counts == (1, 1, 1)


def test_the_orm_cannot_update_or_delete_either(sealed_log):
    # when
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.update(object_id="2")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSeal.objects.all().delete()

    # then
    assert AuditEvent.objects.get().object_id == "1"
    assert AuditSeal.objects.count() == 1


def test_truncate_is_refused_on_postgresql(sealed_log):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; DELETE is refused instead")

    with connection.cursor() as cursor:
        # The seals' deferred foreign-key checks would otherwise block TRUNCATE in this test's
        # still-open transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    # when
    message = _refused(
        "TRUNCATE audit_auditevent, audit_auditseal, audit_auditcheckpoint, audit_auditpending"
    )

    # then
    assert message.startswith("audit_auditevent: the audit log is append-only")
    assert AuditEvent.objects.count() == 1


def test_inserting_is_still_allowed(sealed_log):
    # when
    events.record(actor=None, action=AuditAction.CREATE, object_type="record", object_id="2")

    # then
    assert list(AuditEvent.objects.order_by("id").values_list("object_id", flat=True)) == ["1", "2"]
