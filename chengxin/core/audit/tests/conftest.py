"""Fixtures of the audit tests: tampering with the audit tables behind the application's back."""

import base64
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from chengxin.core.audit import triggers


@contextmanager
def _tampering():
    """Drop the append-only triggers with raw SQL inside a savepoint, as an attacker with database
    access could; everything (triggers included) is rolled back when the block ends."""
    savepoint = transaction.savepoint()
    try:
        with connection.cursor() as cursor:
            for sql in triggers.drop_statements(connection.vendor):
                cursor.execute(sql)
            yield cursor
    finally:
        transaction.savepoint_rollback(savepoint)


SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
# A key the platform does not hold: what someone who forges a signature would use.
OTHER_KEY = base64.b64encode(bytes(range(32, 64))).decode()


@pytest.fixture(autouse=True)
def signing_keys(settings):
    """A known signing key, id "s9", for every audit test."""
    settings.CHENGXIN_SIGNING_KEYS = {"s9": SIGNING_KEY}
    settings.CHENGXIN_SIGNING_ACTIVE_KEY = "s9"


@pytest.fixture
def tampering():
    return _tampering
