"""The transactional tests' teardown on in-memory SQLite: a copy back instead of a flush.

After a transactional test (``transactional_db``, ``live_server``, ``transaction=True``),
Django empties every table (``flush``) and sends ``post_migrate``, whose handlers create the
defaults again (content types, permissions, roles, dictionaries): ~1.1 s a test. On the
in-memory SQLite test database the result of that is always the same, so it is done once,
for real, after the first such test, and copied aside (SQLite's backup API, into a second
in-memory database); after every later one the copy is written back (a few milliseconds).
The database a test then sees is the one a flush would have left, apart from the values
the next rows' ids start from.

Anything else (PostgreSQL, a file database, a test naming ``available_apps`` or using a
serialized rollback, a flush inside an open transaction) keeps Django's own flush.
"""

import sqlite3

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.test import TransactionTestCase

_flush = TransactionTestCase._fixture_teardown
_copies: dict[str, sqlite3.Connection] = {}


def _copyable(alias: str) -> bool:
    connection = connections[alias]
    return (
        connection.vendor == "sqlite"
        and connection.is_in_memory_db()
        and not connection.in_atomic_block
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
    if all(alias in _copies for alias in aliases):
        for alias in aliases:
            _copies[alias].backup(connections[alias].connection)
        # As the flush's post_migrate does: ids cached during the test may be gone.
        ContentType.objects.clear_cache()
        return
    _flush(test_case)
    for alias in aliases:
        connections[alias].ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connections[alias].connection.backup(copy)
        _copies[alias] = copy


def close_copies() -> None:
    for copy in _copies.values():
        copy.close()
    _copies.clear()
