"""The shared cache of the platform's processes: Django's database cache, made fit for counters.

The rate limits (``chengxin.core.throttle``) count in the ``default`` cache, which every
application process must share. Without ``CHENGXIN_CACHE_URL`` that is a table of the database
(``chengxin_cache``, created by ``chengxin migrate``):

- on PostgreSQL, a table of the platform's database;
- on SQLite, a table in a database file of its own next to the main one (the ``cache``
  database, sent there by ``CacheDatabaseRouter``). SQLite has one writer at a time per file:
  counting a public page view must not wait behind an import's chunk, and must not make it wait.

Django's ``DatabaseCache.incr`` reads and writes in two steps (two processes counting at once
both write the same value) and resets the entry's expiry to the default timeout.
``CounterDatabaseCache.incr`` does both in one transaction that holds the row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` takes the file's write lock) and keeps the
expiry, so every failed sign-in is counted and a counter lives exactly as long as its window.
"""

from __future__ import annotations

import base64
import pickle

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils import timezone

CACHE_DATABASE = "cache"
CACHE_APP_LABEL = "django_cache"  # the app label Django's database cache gives its table
CACHE_TABLE = "chengxin_cache"


class CounterDatabaseCache(DatabaseCache):
    """``DatabaseCache`` whose ``incr`` counts every call, whatever runs at the same time."""

    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table}"  # noqa: S608 - quoted names only
                f" WHERE {quote('cache_key')} = %s{lock}",
                [cache_key],
            )
            row = cursor.fetchone()
            if row is None or _expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found.")
            value = _loads(connection, row[0]) + delta
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",  # noqa: S608 - quoted names only
                [_dumps(value, self.pickle_protocol), cache_key],
            )
        return value


class CacheDatabaseRouter:
    """Sends the database cache's table to the ``cache`` database when the deployment has one
    (the SQLite default), and nothing else there."""

    def db_for_read(self, model, **hints):
        return self._route(model)

    def db_for_write(self, model, **hints):
        return self._route(model)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if CACHE_DATABASE not in settings.DATABASES:
            return None
        if app_label == CACHE_APP_LABEL:
            return db == CACHE_DATABASE
        return False if db == CACHE_DATABASE else None

    def _route(self, model):
        if model._meta.app_label == CACHE_APP_LABEL and CACHE_DATABASE in settings.DATABASES:
            return CACHE_DATABASE
        return None


def create_cache_tables(**kwargs) -> None:
    """After ``migrate``: create the database cache's table wherever the router puts it (a
    ``post_migrate`` receiver, so ``chengxin migrate`` and ``chengxin demo`` set it up)."""
    for alias in settings.DATABASES:
        call_command("createcachetable", database=alias, verbosity=0)


def _expired(connection, expires) -> bool:
    expression = models.Expression(output_field=models.DateTimeField())
    converters = connection.ops.get_db_converters(expression)
    for converter in converters + expression.get_db_converters(connection):
        expires = converter(expires, expression, connection)
    return expires < timezone.now()


def _loads(connection, value):
    # The entry was written by this cache (``_dumps`` or Django's own ``set``), as in Django's
    # DatabaseCache.get_many.
    return pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode()))  # noqa: S301


def _dumps(value, protocol: int) -> str:
    return base64.b64encode(pickle.dumps(value, protocol)).decode("latin1")
