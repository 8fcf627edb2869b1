"""After a transactional test the next one sees the database a flush leaves: the defaults
(roles with their permissions, dictionaries, business lines) and nothing of the test before
(tests/db_snapshot.py puts it back from a copy, on in-memory SQLite and on PostgreSQL). The
tests of this file run in order; each pair writes, then checks, and the second pair surely
uses the copy."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from luoshi.accounts.models import Role, User
from luoshi.core.authority import BusinessLine
from luoshi.core.defaults import ROLES
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


def _leave_traces(tree, users):
    admin = Role.objects.get(code="admin")
    admin.name = "改过的名称"
    admin.save()
    Role.objects.get(code="clerk").permissions.clear()
    ActivityType.objects.all().delete()
    BusinessLine.objects.all().delete()
    assert Unit.objects.exists() and User.objects.exists()


def _see_defaults_only():
    assert not Unit.objects.exists()
    assert not User.objects.exists()
    names = dict(Role.objects.values_list("code", "name"))
    assert {code: names.get(code) for code, name, *_ in ROLES} == {
        code: name for code, name, *_ in ROLES
    }
    clerk = Role.objects.get(code="clerk")
    assert clerk.permissions.filter(codename="add_ledgerrecord").exists()
    assert ActivityType.objects.exists()
    assert BusinessLine.objects.exists()
    assert Permission.objects.filter(codename="view_ledgerrecord").exists()
    # the cached content type is the one in the database
    cached = ContentType.objects.get_for_model(LedgerRecord)
    assert ContentType.objects.filter(pk=cached.pk, model="ledgerrecord").exists()


def test_first_writes(tree, users):
    _leave_traces(tree, users)


def test_first_sees_defaults_only():
    _see_defaults_only()


def test_again_writes(tree, users):
    _leave_traces(tree, users)


def test_again_sees_defaults_only():
    _see_defaults_only()


def test_a_sequence_set_back():
    """As restoring a backup may (tests/test_backup.py): the next id is one a row of the
    copy holds."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's copy holds its id counters (sqlite_sequence) too")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_historicalrole', 'history_id'),"
            " (SELECT MIN(history_id) FROM accounts_historicalrole), false)"
        )


def test_then_new_rows_take_new_ids():
    role = Role.objects.get(code="admin")
    role.name = "又改过的名称"
    role.save()  # a history row: its id must not be one the copy holds
    assert role.history.count() >= 2
