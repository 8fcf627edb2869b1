"""App labels that were renamed, and how to read the old ones still found in data.

``channels`` became ``luoshi_channels``: the label ``channels`` belongs to the Django
Channels package, so a deployment could not add it. The Python package (``luoshi.channels``),
its tables (``channels_*``, kept with ``db_table``) and its URL namespace (``channels:``)
keep their names; only the label changed.

An existing database is brought over by ``manage.py rename_app_labels`` (run before
``migrate`` by ``make run`` and the upgrade steps of docs/deployment.md): it renames the
label in ``django_migrations`` and ``django_content_type`` and in the stored label strings
the apps declare (``registry.stored_label``). What is never rewritten is read through
``current_label``: the operation log (its rows are hash-chained, a rewrite would break the
chain) and data packages exported before the rename.
"""

from django.core import checks
from django.db import connections

# old app label -> new app label
RENAMED_APP_LABELS = {"channels": "luoshi_channels"}


def current_app_label(app_label: str) -> str:
    return RENAMED_APP_LABELS.get(app_label, app_label)


def current_label(label: str) -> str:
    """``channels.channel`` -> ``luoshi_channels.channel``; other labels unchanged."""
    app_label, dot, rest = label.partition(".")
    return f"{current_app_label(app_label)}{dot}{rest}" if dot else label


def current_key(key: str) -> str:
    """A row key ``<deployment>:<app_label.model>:<id>`` with its label made current."""
    parts = key.split(":", 2)
    if len(parts) != 3:
        return key
    return f"{parts[0]}:{current_label(parts[1])}:{parts[2]}"


def label_aliases(label: str) -> list[str]:
    """``label`` (current, lower case) and the labels the same model had before."""
    app_label, _dot, rest = label.partition(".")
    old = [o for o, new in RENAMED_APP_LABELS.items() if new == app_label]
    return [label, *(f"{o}.{rest}" for o in old)]


@checks.register(checks.Tags.database)
def old_labels_applied(databases=None, **kwargs) -> list[checks.CheckMessage]:
    """``migrate`` (which runs the database checks first) stops with the remedy instead of
    Django's 「applied before its dependency」 when the database still has an old label."""
    errors: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if "django_migrations" not in connection.introspection.table_names():
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT app FROM django_migrations WHERE app IN "
                f"({', '.join(['%s'] * len(RENAMED_APP_LABELS))})",
                list(RENAMED_APP_LABELS),
            )
            found = sorted(row[0] for row in cursor.fetchall())
        if found:
            errors.append(
                checks.Error(
                    f"数据库 {alias} 仍使用旧应用标签 {', '.join(found)}，"
                    "请先运行 manage.py rename_app_labels 再 migrate。",
                    id="luoshi.E001",
                )
            )
    return errors
