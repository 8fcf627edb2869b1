"""What the feature apps plug into core.

Core is the bottom of the house: it imports no feature app. Each app declares what it adds
to the platform (role grants, dictionaries, steps of ``ensure_defaults``, page context,
jobs of the daily run, its part of the demo district) by calling the functions below from
its ``plugin`` module, which core imports for every installed app (``CoreConfig.ready``)
without naming any; core reads the lists.
Indicators register themselves the same way, in ``luoshi.core.indicators``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The apps whose permissions the built-in roles of the first release carry; apps that
# register role grants are added to them (``grantable_apps``).
BASE_APPS = ("units", "accounts", "ledger", "tasks", "evidence", "audit")


@dataclass(frozen=True)
class ModuleGrants:
    """What the built-in roles get on a module's models: a new database gets the grants with
    its roles; an existing one once, when the module first appears. A role that already
    holds any permission of the module's models is left as its administrators set it."""

    name: str
    roles: dict  # role code -> {"app_label.model": [action or full codename, ...]}

    @property
    def models(self) -> set[str]:
        return {label for spec in self.roles.values() for label in spec}


@dataclass(frozen=True)
class Dictionary:
    """Rows of a dictionary model made by ``ensure_defaults`` (never changed afterwards):
    ``fields`` names the values of each entry, the first is the natural key; ``order``
    follows the position in ``entries``."""

    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    entries: tuple[tuple, ...]


@dataclass(frozen=True)
class DemoBuilder:
    """One module's part of the demo district: ``path`` is the dotted path of a function
    ``(*, today, units, logins, added) -> None``, imported only when the demo is built."""

    order: int
    path: str


@dataclass(frozen=True)
class ParameterSpec:
    """A 参数设置 entry (``luoshi.core.parameters``): ``kind`` is "int", "bool",
    "megabytes" (MB on the page, bytes in code), "codes" (several of ``choices()``:
    code -> label) or "grades" (考核等次); ``setting`` names the Django setting that gives
    the default (``default`` when there is no such setting)."""

    key: str
    label: Any
    group: Any
    kind: str
    setting: str = ""
    default: Any = None
    minimum: Any = None
    maximum: Any = None
    unit: Any = ""
    help: Any = ""
    minimum_message: Any = ""  # said instead of 「不能小于 N」
    choices: Callable[[], dict[str, str]] | None = None


GRANTS: list[ModuleGrants] = []
DICTIONARIES: list[Dictionary] = []
DEFAULTS_STEPS: list[Callable[[], None]] = []
PAGE_CONTEXT: list[Callable[[Any], dict]] = []
HOME_CONTEXT: list[Callable[[Any, int], dict]] = []
HOME_PANELS: list[tuple[int, str]] = []
DAILY_JOBS: dict[str, Callable[[Any], int]] = {}
DEMO_BUILDERS: list[DemoBuilder] = []
PARAMETERS: dict[str, ParameterSpec] = {}
# 业务条线 a unit may be directed along (luoshi.core.authority): code -> name, in order.
BUSINESS_LINES: dict[str, str] = {}


def module_grants(name: str, roles: dict) -> ModuleGrants:
    grants = ModuleGrants(name, roles)
    if all(g.name != name for g in GRANTS):
        GRANTS.append(grants)
    return grants


def grantable_apps() -> list[str]:
    labels = list(BASE_APPS)
    for grants in GRANTS:
        for app_label in sorted({label.split(".")[0] for label in grants.models}):
            if app_label not in labels:
                labels.append(app_label)
    return labels


def dictionary(model: str, fields: tuple[str, ...], entries) -> None:
    if all(d.model != model for d in DICTIONARIES):
        DICTIONARIES.append(Dictionary(model, fields, tuple(entries)))


def _add_once(items: list, item) -> None:
    if item not in items:
        items.append(item)


def defaults_step(step: Callable[[], None]) -> None:
    """Run ``step`` (idempotent) in ``ensure_defaults``, after the dictionaries."""
    _add_once(DEFAULTS_STEPS, step)


def page_context(provider: Callable[[Any], dict]) -> None:
    """Add ``provider(request)`` to the context of every page of a signed-in user."""
    _add_once(PAGE_CONTEXT, provider)


def home_context(provider: Callable[[Any, int], dict]) -> None:
    """Add ``provider(request, year)`` to the context of the home page."""
    _add_once(HOME_CONTEXT, provider)


def home_panel(order: int, template: str) -> None:
    """Show ``template`` on the home page (after the 待办, by ``order``), rendered with the
    home page's context (``home_context``)."""
    _add_once(HOME_PANELS, (order, template))


def home_panels() -> list[str]:
    return [template for _order, template in sorted(HOME_PANELS)]


def daily_job(name: str, job: Callable[[Any], int]) -> None:
    """Run ``job(today)`` (idempotent; returns how many things it did) in the daily run."""
    DAILY_JOBS[name] = job


def parameter(spec: ParameterSpec) -> ParameterSpec:
    """Declare a 参数设置 entry (read with ``luoshi.core.parameters.value(key)``)."""
    PARAMETERS.setdefault(spec.key, spec)
    return spec


# Fields that hold a code of something named elsewhere (a duty item's code on a task):
# "app.model.field" -> (the field's name for a reader, a callable giving {code: name}).
CODE_FIELDS: dict[str, tuple[Any, Callable[[], dict]]] = {}


def code_field(field: str, label, names: Callable[[], dict]) -> None:
    """The operation log shows ``field`` as ``label`` and its values by their names."""
    CODE_FIELDS[field] = (label, names)


def business_line(code: str, name: str) -> None:
    """Declare the module's business line: a unit may direct units outside its subtree along
    it (业务指导范围, ``luoshi.core.authority``). Made a ``BusinessLine`` row by
    ``ensure_defaults``; its name is the administrators' to change afterwards."""
    BUSINESS_LINES.setdefault(code, name)


def demo_builder(order: int, path: str) -> None:
    _add_once(DEMO_BUILDERS, DemoBuilder(order, path))


def demo_builders() -> list[DemoBuilder]:
    return sorted(DEMO_BUILDERS, key=lambda b: b.order)


# ---------------------------------------------------------------------------------------------
# 待办: what is waiting for a user, gathered from every module.

TODO_GROUPS = {
    "fix": "退回待修改",
    "submit": "待报送",
    "review": "待我审核",
    "due": "本周到期",
}
TODO_SOURCES: list[Callable[[Any], list]] = []


@dataclass(frozen=True)
class Todo:
    """One thing waiting for the user: ``group`` is a key of ``TODO_GROUPS``; ``url`` opens
    the record on which the step is taken."""

    group: str
    title: str
    detail: str
    url: str
    due: Any = None  # a date, for sorting and 「本周到期」
    # the menu page (URL name) whose count it adds to; by default the page whose address
    # begins ``url``
    page: str = ""


def todo_source(source: Callable[[Any], list]) -> None:
    """``source(user)`` returns the user's ``Todo`` lines of one module (steps the user may
    take now, as the record's page would offer them)."""
    _add_once(TODO_SOURCES, source)


# ---------------------------------------------------------------------------------------------
# Backup: files an app keeps outside the database and outside MEDIA_ROOT.


@dataclass
class SavedFiles:
    """What a backup part wrote: {path inside its folder: SHA-256} of the files written and
    read back intact, and the files it could not save (Chinese, one per file)."""

    files: dict[str, str]
    problems: list[str]


@dataclass(frozen=True)
class BackupPart:
    """Files kept outside the database (evidence, in a folder or a bucket), saved into the
    backup folder ``name`` and restored from it.

    ``save(folder) -> SavedFiles``; ``restore(folder, {path: SHA-256}) -> int`` writes the
    listed files back where the platform keeps them now, each checked, and returns how many
    are there; ``where() -> str`` names that place (「S3 对象存储」)."""

    name: str
    label: str  # 「佐证材料」
    save: Callable[[Any], SavedFiles]
    restore: Callable[[Any, dict], int]
    where: Callable[[], str]


BACKUP_PARTS: list[BackupPart] = []


def backup_part(part: BackupPart) -> None:
    if all(p.name != part.name for p in BACKUP_PARTS):
        BACKUP_PARTS.append(part)


# ---------------------------------------------------------------------------------------------
# Task pages: a task whose submission is something other than text and files (a statistics
# form) is filled on its module's page; the task's own pages send the user there.

TASK_PAGES: list[Callable[[Any], str | None]] = []


def task_page(provider: Callable[[Any], str | None]) -> None:
    """``provider(assignment)`` returns the url of the page where the assignment is filled in
    and reviewed when its module owns the task, else None."""
    _add_once(TASK_PAGES, provider)


def page_of_assignment(assignment) -> str | None:
    for provider in TASK_PAGES:
        url = provider(assignment)
        if url:
            return url
    return None


# ---------------------------------------------------------------------------------------------
# Stored labels: columns that keep model labels in their text, rewritten by
# ``manage.py rename_app_labels`` when an app label changes (``luoshi.core.labels``).


@dataclass(frozen=True)
class StoredLabel:
    """``field`` of ``model`` ("app_label.ModelName") holds a label: the whole value
    ("label": ``app_label.model``) or its middle part ("key": ``<deployment>:<label>:<id>``)."""

    model: str
    field: str
    kind: str = "label"


STORED_LABELS: list[StoredLabel] = [StoredLabel("core.WorkflowStep", "workflow")]


def stored_label(model: str, field: str, kind: str = "label") -> None:
    _add_once(STORED_LABELS, StoredLabel(model, field, kind))
