"""The transactional tests' teardown: a copy back instead of a flush.

After a transactional test (``transactional_db``, ``live_server``, ``transaction=True``),
Django empties every table (``flush``) and sends ``post_migrate``, whose handlers create the
defaults again (content types, permissions, roles, dictionaries): ~1.1 s a test on SQLite,
~1.3 s on PostgreSQL. The result of that is always the same, so it is done once, for real,
after the first such test, and copied aside; after every later one the copy is written back:

* in-memory SQLite: SQLite's backup API, into a second in-memory database and back (a few
  milliseconds);
* PostgreSQL: every table the flush left non-empty, copied into the schema ``SNAPSHOT`` of
  the test database (dropped with it); the copy back empties the tables that hold rows
  (``DELETE``: a ``TRUNCATE`` of every table costs half a second) and inserts the copied
  rows again, in one transaction (Django's foreign keys are checked at its end), then sets
  the copied tables' id sequences to their last row (a test may have set one back).

The database a test then sees is the one a flush would have left, apart from the values
the next rows' ids start from. Anything else (a file database, a test naming
``available_apps`` or using a serialized rollback, a flush inside an open transaction)
keeps Django's own flush.
"""

import sqlite3

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connections, transaction
from django.test import TransactionTestCase

SNAPSHOT = "luoshi_test_snapshot"

_flush = TransactionTestCase._fixture_teardown
_copies: dict[str, sqlite3.Connection] = {}
# alias -> the tables copied into SNAPSHOT, and the statements that set their id sequences
# past the copied rows' ids (a test may have set a sequence back: a backup restored)
_pg_copies: dict[str, tuple[list[str], list[str]]] = {}


def _copyable(alias: str) -> bool:
    connection = connections[alias]
    if connection.in_atomic_block:
        return False
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and connection.is_in_memory_db()
    )


def fixture_teardown(test_case: TransactionTestCase) -> None:
    """``TransactionTestCase._fixture_teardown`` with the copy back where it applies."""
    aliases = list(test_case._databases_names(include_mirrors=False))
    if (
        test_case.available_apps is not None
        or test_case.serialized_rollback
        or not all(_copyable(alias) for alias in aliases)
    ):
        _flush(test_case)
        return
    if all(alias in _copies or alias in _pg_copies for alias in aliases):
        for alias in aliases:
            _restore(alias)
        # As the flush's post_migrate does: ids cached during the test may be gone.
        ContentType.objects.clear_cache()
        return
    _flush(test_case)
    for alias in aliases:
        _keep(alias)


def _tables(alias: str) -> list[str]:
    return connections[alias].introspection.django_table_names(
        only_existing=True, include_views=False
    )


def _keep(alias: str) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _copies[alias] = copy
        return
    kept = []
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{SNAPSHOT}" CASCADE')
        cursor.execute(f'CREATE SCHEMA "{SNAPSHOT}"')
        for table in _tables(alias):
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if cursor.fetchone()[0]:
                cursor.execute(f'CREATE TABLE "{SNAPSHOT}"."{table}" AS TABLE "{table}"')
                kept.append(table)
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in kept]
    _pg_copies[alias] = (kept, connection.ops.sequence_reset_sql(no_style(), models))


def _restore(alias: str) -> None:
    connection = connections[alias]
    if alias in _copies:
        _copies[alias].backup(connection.connection)
        return
    tables = _tables(alias)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f'SELECT %s WHERE EXISTS (SELECT 1 FROM "{table}")' for table in tables
            ),
            tables,
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'DELETE FROM "{table}"')
        kept, sequences = _pg_copies[alias]
        for table in kept:
            cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{SNAPSHOT}"."{table}"')
        for statement in sequences:
            cursor.execute(statement)


def close_copies() -> None:
    for copy in _copies.values():
        copy.close()
    _copies.clear()
    _pg_copies.clear()
