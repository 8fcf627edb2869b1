"""The 待办 workbench: every module's waiting steps for one user (``registry.todo_source``),
grouped as a clerk thinks of them, and their count for the menu."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.navigation import MENU
from luoshi.core.registry import TODO_GROUPS, TODO_SOURCES, Todo
from luoshi.core.workflow import step_taken

COUNT_SECONDS = 60  # the menu's count may be this old; the home page is always current


@dataclass
class TodoGroup:
    key: str
    label: str
    items: list[Todo]


def todos_for(user) -> list[Todo]:
    if not user.is_authenticated:
        return []
    items = [todo for source in TODO_SOURCES for todo in source(user)]
    return sorted(items, key=lambda t: (t.due or datetime.date.max, t.title))


def workbench(user, today: datetime.date | None = None) -> list[TodoGroup]:
    """The groups in a fixed order; 本周到期 repeats the open items due within seven days."""
    today = today or timezone.localdate()
    items = todos_for(user)
    groups = {key: TodoGroup(key, _(label), []) for key, label in TODO_GROUPS.items()}
    for todo in items:
        groups[todo.group].items.append(todo)
    soon = today + datetime.timedelta(days=7)
    groups["due"].items = [
        t for t in items if t.group in ("submit", "fix") and t.due is not None and t.due <= soon
    ]
    cache.set(count_key(user.pk), _counts(items), COUNT_SECONDS)
    return list(groups.values())


def _counts(items: list[Todo]) -> dict[str, int]:
    """The total ("") and, per menu page, the waiting steps whose record it lists: the most
    specific menu address that begins the record's address (/tasks/ for /tasks/12/)."""
    pages = [reverse(item.url_name) for group in MENU for item in group.items]
    counts: dict[str, int] = {"": len(items)}
    for todo in items:
        if todo.page:
            counts[reverse(todo.page)] = counts.get(reverse(todo.page), 0) + 1
            continue
        owners = [page for page in pages if page != "/" and todo.url.startswith(page)]
        if owners:
            page = max(owners, key=len)
            counts[page] = counts.get(page, 0) + 1
    return counts


def todo_counts(user) -> dict[str, int]:
    """How many steps wait for the user, in all ("") and per menu page address, for the
    menu; at most ``COUNT_SECONDS`` old."""
    if not user.is_authenticated:
        return {"": 0}
    counts = cache.get(count_key(user.pk))
    if not isinstance(counts, dict):
        counts = _counts(todos_for(user))
        cache.set(count_key(user.pk), counts, COUNT_SECONDS)
    return counts


def todo_count(user) -> int:
    """How many steps wait for the user (the top bar), at most ``COUNT_SECONDS`` old."""
    return todo_counts(user)[""]


def forget_count(user) -> None:
    cache.delete(count_key(user.pk))


def _step_taken(sender, obj, step, **kwargs) -> None:
    """The actor's own count is current at once; others' within ``COUNT_SECONDS``."""
    if step.actor_id:
        cache.delete(count_key(step.actor_id))


step_taken.connect(_step_taken, dispatch_uid="core.todo_count")


def count_key(user_id: int) -> str:
    """The cache key of the menu counts of the user ``user_id``."""
    return f"luoshi:todo-count:{user_id}"
