"""Shared fixtures: a small unit tree with a user of every default role in each place.

Tree (codes):        T0 区委 (root)
                     ├── T1 宣传部          ← "own" unit of the acting users
                     │   └── T11 新闻科     ← "child"
                     └── T2 教育局          ← "sibling"
"""

import gc
import os
import socket
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections
from hypothesis import settings as hypothesis_settings

from tests import db_snapshot, parallel
from tests.factories import DEMO_TODAY, make_tree, make_users

# The generated-input tests (hostile input, form and API fuzz) draw the same examples on every
# run of the suite, so a red `make test` is the change's doing, never the draw's; `make fuzz`
# (FUZZ_EXAMPLES set) draws new ones each time, to look for what the fixed ones miss.
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("exploring", derandomize=False)
hypothesis_settings.load_profile("exploring" if os.environ.get("FUZZ_EXAMPLES") else "repeatable")


@pytest.fixture(scope="session")
def _client_handler():
    """One request handler for the whole run: building the middleware chain costs ~50 ms
    (WhiteNoise indexes every static file) and would otherwise happen for every test."""
    from django.test.client import ClientHandler

    return ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def client(_client_handler):
    from django.test import Client

    client = Client()
    client.handler = _client_handler
    return client


@pytest.fixture(scope="session", autouse=True)
def _transactional_teardown_by_copy():
    """On in-memory SQLite a transactional test's database is put back from a copy of the
    flushed database instead of flushed again (tests/db_snapshot.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "django.test.TransactionTestCase._fixture_teardown", db_snapshot.fixture_teardown
        )
        yield
    db_snapshot.close_copies()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _login_steps_off_for_module_worlds():
    """As ``_login_steps_off`` below, for the users that module- and session-scoped worlds
    sign in before any test's own settings apply (a session remembers its second-factor
    state from its sign-in)."""
    from django.test.utils import override_settings

    with override_settings(
        LOGIN_CAPTCHA_AFTER_FAILURES=0,
        OTP_REQUIRED_ROLES=[],
        # module worlds make users too: PBKDF2's 1.2M rounds cost ~1 s a password
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(autouse=True)
def _login_steps_off(settings):
    """The login captcha and the required second factor are off unless a test (of login
    security) turns them on: other tests sign in with force_login or a plain password."""
    settings.LOGIN_CAPTCHA_AFTER_FAILURES = 0
    settings.OTP_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the figures cached per scope are keyed by a
    data generation that each test's rollback sets back."""
    cache.clear()


@pytest.fixture(autouse=True)
def _parameters_as_stored():
    """参数设置 values are kept in memory per process: each test starts from a database that
    stores none (its own writes are rolled back), so nothing stored by another test
    applies, and the defaults (the settings a test may override) are read."""
    from luoshi.core import parameters

    parameters.reset_cache({})
    yield
    parameters.reset_cache({})


@pytest.fixture(autouse=True)
def _private_evidence_root(settings, tmp_path):
    """Evidence files of a test go to a temporary folder, never to var/."""
    root = tmp_path / "evidence"
    settings.EVIDENCE_ROOT = root
    disk = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": None},
    }
    # "evidence_disk" is the disk store of ``move_evidence``; no S3 unless a test sets one.
    storages_now = {k: v for k, v in settings.STORAGES.items() if k != "evidence_s3"}
    settings.STORAGES = {**storages_now, "evidence": disk, "evidence_disk": disk}
    from django.core.files.storage import storages

    from luoshi.evidence.models import Evidence

    # FileField resolves a callable storage once, at import: repoint the field itself.
    field = Evidence._meta.get_field("file")
    original = field.storage
    storages._storages.pop("evidence", None)
    field.storage = storages["evidence"]
    yield root
    field.storage = original
    storages._storages.pop("evidence", None)


class _AnsweringAtOnce(ThreadedWSGIServer):
    """The live server's WSGI server, with Nagle's algorithm off on each connection it accepts.
    It writes a response's headers and its body in two sends; on a kept-alive connection (a
    browser's) the body then waited for the browser's delayed acknowledgement of the headers:
    40 ms more for every request (measured: 45 ms a static file on one connection, 4 ms on a
    new one each time)."""

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's ``live_server`` (same address, same settings), served by
    ``_AnsweringAtOnce``."""
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.server_class = _AnsweringAtOnce
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tree(db):
    units = make_tree(
        [
            ("示范区委", "T0", None, "district_committee"),
            ("区委宣传部", "T1", "T0", "publicity_dept"),
            ("新闻科", "T11", "T1", "other"),
            ("区教育局", "T2", "T0", "bureau"),
        ]
    )
    return SimpleNamespace(
        root=units["T0"], own=units["T1"], child=units["T11"], sibling=units["T2"]
    )


@pytest.fixture
def users(tree):
    """One user per default role, all in ``tree.own``; plus a clerk of the sibling unit."""
    roles = ["admin", "unit_admin", "leader", "clerk", "reviewer", "inspector"]
    specs = [(f"u_{code}", tree.own, code) for code in roles]
    made = make_users([*specs, ("u_sibling_clerk", tree.sibling, "clerk")])
    return SimpleNamespace(**dict(zip([*roles, "sibling_clerk"], made, strict=True)))


# --- the demo district, built once per run ------------------------------------------------


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database (make test's second, PostgreSQL run: "
        "a test that never opens a connection cannot behave differently there)",
    )


def uses_database(item) -> bool:
    """pytest-django refuses database access to a test without one of these fixtures (or the
    ``django_db`` mark), so a test without them never reaches the database."""
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & DATABASE_FIXTURES) or item.get_closest_marker("django_db") is not None


def pytest_collection_finish(session):
    """Python's cyclic garbage collector, tuned for a test run: the modules, URL patterns,
    templates and test items that live for the whole run are moved out of its sight
    (``gc.freeze``), and it runs on every 10,000 new objects instead of every 2,000. A run
    makes and drops millions of short-lived objects (querysets, template contexts, requests);
    the collector walking the long-lived ones again each time took a tenth of the suite's CPU
    (tests/test_url_matrix.py with test_hostile_params.py: 128 s of CPU before, 114 s after).
    Nothing a test checks depends on when the collector runs."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)


def pytest_xdist_make_scheduler(config, log):
    """``pytest -n 2``: each process runs its share in the collected order (tests/parallel.py)."""
    return parallel.InCollectionOrder(config, log)


def pytest_collection_modifyitems(config, items):
    """Tests of the shared demo district run last, together: the district lives in a
    transaction that stays open from the first of them to the end of the run, so no other
    test ever sees it. ``trylast`` keeps pytest-django's own ordering (plain, then
    transactional tests) in front of them. With ``--database-tests-only``, the tests that
    never use the database are left out (they ran in the first run)."""
    if config.getoption("--database-tests-only"):
        skipped = [item for item in items if not uses_database(item)]
        if skipped:
            config.hook.pytest_deselected(items=skipped)
            items[:] = [item for item in items if uses_database(item)]
    items.sort(key=lambda item: "_demo_district_once" in getattr(item, "fixturenames", ()))
    _one_id_per_test(items)


def _one_id_per_test(items) -> None:
    """schemathesis names each API operation's test ``test_api_fuzz[GET /api/v1/units/]`` but
    leaves all of them one id; ``pytest -n`` hands tests out by id and would run one of them."""
    for item in items:
        if not item.nodeid.endswith("::" + item.name):
            item._id = item.parent.id.child(item.name)  # pytest 9 keeps a node's id here


pytest_collection_modifyitems = pytest.hookimpl(trylast=True)(pytest_collection_modifyitems)


@pytest.fixture(scope="session")
def _demo_district_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """``manage.py load_demo --if-empty`` on the empty test database, once for the whole run,
    inside a transaction rolled back when the run ends (like ``setUpTestData``). Each test
    using ``demo_district`` runs in a savepoint of it, so its own writes are undone."""
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.test import override_settings

    from tests.api_support import evidence_files_in

    folder = tmp_path_factory.mktemp("demo-evidence")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        atomics = {}
        for alias in connections:
            atomics[alias] = transaction.atomic(using=alias)
            atomics[alias]._from_testcase = True  # durable blocks nest as in TestCase
            atomics[alias].__enter__()
        out = StringIO()
        with evidence_files_in(folder), override_settings(PASSWORD_HASHERS=hashers):
            call_command("load_demo", "--if-empty", "--date", DEMO_TODAY.isoformat(), stdout=out)
        for alias in connections:
            # PostgreSQL: the demo's deferred foreign-key checks are run here, once, in the
            # run's transaction. Left pending, every test's check at its end (TestCase's) ran
            # them all again: a savepoint rolled back re-queues what was checked inside it.
            connections[alias].check_constraints()
    yield SimpleNamespace(today=DEMO_TODAY, output=out.getvalue(), evidence_dir=folder)
    with django_db_blocker.unblock():
        for alias, atomic in reversed(atomics.items()):
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo_district(_demo_district_once, db, _private_evidence_root):
    """The demo district as ``load_demo`` builds it on ``DEMO_TODAY``; evidence files are read
    from (and written to) the run's demo folder."""
    from tests.api_support import evidence_files_in

    with evidence_files_in(_demo_district_once.evidence_dir):
        yield _demo_district_once


# --- backups: a second, empty database to restore into -------------------------------------

RESTORE_ALIAS = "restore_target"


@pytest.fixture
def fresh_database(tmp_path):
    """A second, empty database of the same engine, as a Django connection alias."""
    base = connections["default"].settings_dict
    target = {**base}
    if connection.vendor == "sqlite":
        target["NAME"] = str(tmp_path / "restored.sqlite3")
        target["TEST"] = {**base.get("TEST", {}), "NAME": target["NAME"]}
    else:
        import psycopg

        name = f"{base['NAME']}_restore"
        admin = psycopg.connect(
            host=base["HOST"] or None,
            port=base["PORT"] or None,
            user=base["USER"] or None,
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        target["NAME"] = name
    from django.db.utils import load_backend

    # Not registered in ``connections``: a connection of its own, outside the test's guard.
    wrapper = load_backend(target["ENGINE"]).DatabaseWrapper(target, RESTORE_ALIAS)
    yield wrapper
    wrapper.close()
    if connection.vendor == "postgresql":
        admin.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
        admin.close()
