"""Bring a database made under an old app label to the new one (``luoshi.core.labels``).

Run before ``migrate`` (``make run`` and the upgrade steps of docs/deployment.md do): under
the old label ``migrate`` stops (``luoshi.E001``, else Django's inconsistent history) rather
than create the app's tables a second time. In one transaction it
renames the label in ``django_migrations`` and ``django_content_type`` (permissions,
role grants, evidence and workflow steps hang on the content types' ids and follow) and in
the stored label strings the apps declare (``registry.stored_label``). The tables keep
their names (``db_table``): no table is renamed, no row moved.

Nothing to do on a new database or on one already renamed: running it again is harmless.
Plain SQL on the columns that exist, so it also runs before the other apps' migrations.
"""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from luoshi.core import registry
from luoshi.core.labels import RENAMED_APP_LABELS, current_key, current_label

MIGRATIONS = "django_migrations"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _run(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def rename_migrations(old: str, new: str) -> int:
    """The applied migrations of ``old`` recorded under ``new`` (once)."""
    table = _q(MIGRATIONS)
    _run(
        f"DELETE FROM {table} WHERE app = %s AND name IN "  # noqa: S608 - quoted names
        f"(SELECT name FROM {table} WHERE app = %s)",
        [old, new],
    )
    return _run(f"UPDATE {table} SET app = %s WHERE app = %s", [new, old])  # noqa: S608


def _references(target, tables: set[str]) -> list[tuple[str, str, str]]:
    """(table, column, other column) of every foreign key to ``target`` in the database now;
    the other column is the second key of a many-to-many link table, else ""."""
    found: list[tuple[str, str, str]] = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in tables or model is target:
            continue
        present = _columns(table)
        for field in model._meta.local_fields:
            if field.many_to_one and field.related_model is target and field.column in present:
                links = [str(f.column) for f in model._meta.local_fields if f.many_to_one]
                others = [c for c in links if c != field.column] if model._meta.auto_created else []
                found.append((table, str(field.column), others[0] if len(others) == 1 else ""))
    return found


def _merge_rows(target, tables: set[str], keep: int, drop: int) -> None:
    """Point every reference to row ``drop`` of ``target`` at ``keep``, then remove ``drop``;
    a link table row that would then be there twice is removed instead."""
    for table, column, other_column in _references(target, tables):
        if other_column:  # a link table (role ↔ permission): no pair twice
            other = _q(other_column)
            _run(
                f"DELETE FROM {_q(table)} WHERE {_q(column)} = %s AND {other} IN "  # noqa: S608
                f"(SELECT {other} FROM {_q(table)} WHERE {_q(column)} = %s)",
                [drop, keep],
            )
        _run(f"UPDATE {_q(table)} SET {_q(column)} = %s WHERE {_q(column)} = %s", [keep, drop])  # noqa: S608
    _run(f"DELETE FROM {_q(target._meta.db_table)} WHERE id = %s", [drop])  # noqa: S608


def _merge_permissions(tables: set[str], keep_ct: int, drop_ct: int) -> None:
    """The permissions of content type ``drop_ct`` moved to ``keep_ct`` (merged by codename)."""
    table = _q(Permission._meta.db_table)
    kept = dict(_rows(f"SELECT codename, id FROM {table} WHERE content_type_id = %s", [keep_ct]))  # noqa: S608
    for codename, pk in _rows(
        f"SELECT codename, id FROM {table} WHERE content_type_id = %s",  # noqa: S608
        [drop_ct],
    ):
        if codename in kept:
            _merge_rows(Permission, tables, kept[codename], pk)
        else:
            _run(f"UPDATE {table} SET content_type_id = %s WHERE id = %s", [keep_ct, pk])  # noqa: S608


def rename_content_types(old: str, new: str, tables: set[str]) -> int:
    """The content types of ``old`` renamed to ``new``. A ``new`` one made meanwhile (the new
    code served pages before this ran) is merged into the old one, which keeps its id."""
    table = _q(ContentType._meta.db_table)
    select = f"SELECT model, id FROM {table} WHERE app_label = %s"  # noqa: S608
    existing = dict(_rows(select, [new]))
    for model, pk in _rows(select, [old]):
        if model in existing:
            _merge_permissions(tables, pk, existing[model])
            _merge_rows(ContentType, tables, pk, existing[model])
    return _run(f"UPDATE {table} SET app_label = %s WHERE app_label = %s", [new, old])  # noqa: S608


def rename_stored_labels(tables: set[str]) -> int:
    """The label strings the apps keep in their rows (``registry.stored_label``)."""
    changed = 0
    for stored in registry.STORED_LABELS:
        model = apps.get_model(stored.model)
        table, column = model._meta.db_table, model._meta.get_field(stored.field).column
        pk = _q(model._meta.pk.column)
        if table not in tables or column not in _columns(table):
            continue
        rewrite = current_key if stored.kind == "key" else current_label
        pattern = "%:{}.%" if stored.kind == "key" else "{}.%"
        for old in RENAMED_APP_LABELS:
            rows = _rows(
                f"SELECT {pk}, {_q(column)} FROM {_q(table)} WHERE {_q(column)} LIKE %s",  # noqa: S608
                [pattern.format(old)],
            )
            updates = [(rewrite(value), key) for key, value in rows if rewrite(value) != value]
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {_q(table)} SET {_q(column)} = %s WHERE {pk} = %s",  # noqa: S608
                    updates,
                )
            changed += len(updates)
    return changed


def rename_app_labels() -> dict[str, int]:
    """Counts of what was renamed: migrations, content types, stored labels."""
    counts = {"migrations": 0, "content_types": 0, "stored_labels": 0}
    with transaction.atomic():
        tables = set(connection.introspection.table_names())
        for old, new in RENAMED_APP_LABELS.items():
            if MIGRATIONS in tables:
                counts["migrations"] += rename_migrations(old, new)
            if ContentType._meta.db_table in tables:
                counts["content_types"] += rename_content_types(old, new, tables)
        counts["stored_labels"] = rename_stored_labels(tables)
    ContentType.objects.clear_cache()
    return counts


class Command(BaseCommand):
    help = (
        "把旧应用标签（channels）改为新标签（luoshi_channels）：在 migrate 之前运行，可重复运行。"
    )

    def handle(self, *args, **options):
        counts = rename_app_labels()
        if not any(counts.values()):
            self.stdout.write("应用标签已是最新，无需改动。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                "已改用新应用标签：迁移记录 {migrations} 条，内容类型 {content_types} 个，"
                "存储的标签 {stored_labels} 处。".format(**counts)
            )
        )
