"""The 阵地管理 app's label is ``luoshi_channels`` (``channels`` is the Django Channels
package's): a database made under the old label is brought over by
``manage.py rename_app_labels`` with its data, permissions and history intact."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from luoshi.accounts.models import Role, User
from luoshi.audit.chain import seal, verify
from luoshi.audit.models import OperationLog
from luoshi.audit.selectors import entries_of
from luoshi.channels.models import Channel, ChannelCheck
from luoshi.channels.services import close_channel, record_check
from luoshi.core.labels import old_labels_applied
from luoshi.core.workflow import WorkflowStep
from luoshi.exchange.models import ImportedObject
from tests.factories import make_channel

ROOT = Path(__file__).resolve().parent.parent
OLD, NEW = "channels", "luoshi_channels"


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def build_channel(tree, users) -> Channel:
    """A channel with a check, its history and a closing step, and an imported row key."""
    clerk = users.clerk
    channel = make_channel(
        tree.own, clerk, name="宣传部公众号", account="xcb", opened_on=datetime.date(2026, 1, 5)
    )
    record_check(
        channel=channel, user=clerk, checked_on=datetime.date(2026, 3, 1), checker=clerk,
        result="ok", findings="运行正常",
    )  # fmt: skip
    close_channel(
        channel=channel,
        user=users.unit_admin,
        reason="停止运营",
        closed_on=datetime.date(2026, 4, 1),
    )
    ImportedObject.objects.create(
        source_key=f"upper:{NEW}.channel:{channel.pk}",
        content_type=ContentType.objects.get_for_model(Channel),
        object_id=channel.pk,
        package_sha="0" * 64,
    )
    return channel


def make_it_old():
    """Put the database back as a release before the rename left it (the tables never
    changed their names: only the label in Django's tables and in the stored labels)."""
    _sql("UPDATE django_migrations SET app = %s WHERE app = %s", [OLD, NEW])
    _sql("UPDATE django_content_type SET app_label = %s WHERE app_label = %s", [OLD, NEW])
    WorkflowStep.objects.filter(workflow=f"{NEW}.channel").update(workflow=f"{OLD}.channel")
    for row in ImportedObject.objects.filter(source_key__contains=f":{NEW}."):
        row.source_key = row.source_key.replace(f":{NEW}.", f":{OLD}.")
        row.save(update_fields=["source_key"])
    ContentType.objects.clear_cache()


def pending_migrations() -> list:
    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)  # raises on the old label
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def content_types(app_label) -> dict[str, int]:
    return dict(_sql("SELECT model, id FROM django_content_type WHERE app_label = %s", [app_label]))


def rename() -> str:
    out = io.StringIO()
    call_command("rename_app_labels", stdout=out)
    return out.getvalue()


def test_an_old_database_is_brought_to_the_new_label_with_its_data(tree, users):
    channel = build_channel(tree, users)
    ids = content_types(NEW)
    history = (Channel.history.count(), ChannelCheck.history.count())
    make_it_old()
    assert content_types(NEW) == {} and content_types(OLD) == ids
    assert not User.objects.get(pk=users.clerk.pk).has_perm(f"{NEW}.change_channel")
    [error] = old_labels_applied(databases=["default"])  # migrate would stop here
    assert "rename_app_labels" in error.msg

    assert rename() == "已改用新应用标签：迁移记录 2 条，内容类型 5 个，存储的标签 2 处。\n"

    # the same content type rows (ids): permissions, role grants, evidence follow them
    assert content_types(NEW) == ids and content_types(OLD) == {}
    assert sorted(_sql("SELECT name FROM django_migrations WHERE app = %s", [NEW])) == [
        ("0001_initial",),
        ("0002_optimistic_version",),
    ]
    assert not _sql("SELECT name FROM django_migrations WHERE app = %s", [OLD])
    clerk = User.objects.get(pk=users.clerk.pk)
    assert clerk.has_perm(f"{NEW}.change_channel") and clerk.has_perm(f"{NEW}.add_channelcheck")
    assert Channel.objects.get(pk=channel.pk).name == "宣传部公众号"
    assert channel.checks.count() == 1
    assert (Channel.history.count(), ChannelCheck.history.count()) == history
    step = WorkflowStep.objects.get(object_id=channel.pk, transition="close")
    assert step.workflow == f"{NEW}.channel" and step.target == channel
    assert ImportedObject.objects.get().source_key == f"upper:{NEW}.channel:{channel.pk}"
    assert old_labels_applied(databases=["default"]) == []
    assert pending_migrations() == []  # migrate has nothing to do

    # twice: nothing to do, nothing changed
    assert rename() == "应用标签已是最新，无需改动。\n"
    assert content_types(NEW) == ids and pending_migrations() == []


def test_a_new_database_has_nothing_to_rename(db):
    assert rename() == "应用标签已是最新，无需改动。\n"
    assert content_types(OLD) == {} and set(content_types(NEW)) >= {"channel", "channelcheck"}


def test_content_types_the_new_code_made_before_the_rename_are_merged(tree, users):
    """The new release served pages before the command ran: a ``luoshi_channels`` content
    type (and its permissions, even granted) exists beside the old one; the old one stays."""
    build_channel(tree, users)
    make_it_old()
    old = content_types(OLD)["channel"]
    early = ContentType.objects.create(app_label=NEW, model="channel")
    granted = Permission.objects.create(content_type=early, codename="view_channel", name="x")
    extra = Permission.objects.create(content_type=early, codename="export_channel", name="y")
    clerk_role = Role.objects.get(code="clerk")
    clerk_role.permissions.add(granted, extra)
    view = Permission.objects.get(content_type_id=old, codename="view_channel")
    assert clerk_role.permissions.filter(pk=view.pk).exists()

    rename()

    assert content_types(NEW)["channel"] == old and content_types(OLD) == {}
    assert not ContentType.objects.filter(pk=early.pk).exists()
    assert not Permission.objects.filter(pk=granted.pk).exists()  # merged into the old one
    assert set(clerk_role.permissions.filter(codename__in=["view_channel", "export_channel"])) == {
        view,
        Permission.objects.get(pk=extra.pk, content_type_id=old),
    }
    assert pending_migrations() == []


def test_old_log_entries_stay_sealed_and_are_shown_with_the_record(tree, users):
    """The operation log is hash-chained: its old ``channels.*`` entries are not rewritten,
    the record's history reads them under both labels."""
    channel = build_channel(tree, users)
    logged = entries_of(channel).count()
    # written (and sealed) by the release before the rename
    OperationLog.objects.filter(model_label=f"{NEW}.channel").update(model_label=f"{OLD}.channel")
    seal(OperationLog)
    assert logged and entries_of(channel).count() == logged

    make_it_old()
    rename()
    assert verify(OperationLog)[1] is None  # the chain is intact
    assert OperationLog.objects.filter(model_label=f"{OLD}.channel").exists()
    assert entries_of(channel).count() == logged


def test_the_upgrade_steps_rename_before_they_migrate():
    deployment = (ROOT / "docs" / "deployment.md").read_text()
    upgrade = deployment.split("### Upgrade")[1].split("\n### ")[0]
    assert upgrade.index("luoshi-admin rename_app_labels") < upgrade.index("luoshi-admin migrate")
    run = re.search(r"^run:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S).group()
    assert run.index("manage.py rename_app_labels") < run.index("manage.py migrate")
    bench = (ROOT / "bench" / "run.py").read_text()
    assert bench.index('"rename_app_labels"') < bench.index('call_command("migrate"')
