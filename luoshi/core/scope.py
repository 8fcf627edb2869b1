"""The one data-scope mechanism.

Every model that holds a unit's data uses ``ScopedQuerySet`` (usually through
``UnitScopedModel``) and is read with ``Model.objects.for_user(user)``. Views,
exports, downloads and later the API all start from that queryset, so a record
outside the user's scope simply does not exist for them (404).

The scope of a user is the union of the scopes of their roles (RuoYi convention):
全部 / 本单位及以下 / 本单位 / 仅本人 / 自定义单位.

Reads and writes differ: a model's ``for_user`` may widen what a user *reads* (the issuer
of a task reads the recipients' submissions, an inspection team reads the inspected unit's
rectification), but a *write* needs the record's own unit in the user's scope
(``writable_by`` / ``in_write_scope``): reading as issuer never implies writing.

业务指导范围 (business-line authority, ``luoshi.core.authority.Guidance``): a unit may direct
units outside its subtree along a business line (``tasks``, ``risks``, ``inspections``). It
widens, for that line only, which units its people may address as issuer
(``scope_q(..., line=)`` / ``within_reach``) and what they read from the issuing side
(``issuer_q``): the answers of the directed units to the unit's own tasks, campaigns and
inspections. It never widens the plain scope (the directed units' ledger and other records)
nor writes (``in_write_scope`` takes a ``line`` only where a module grants writing along it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.authority import Guidance


class DataScope(models.TextChoices):
    ALL = "all", _("全部")
    SUBTREE = "subtree", _("本单位及以下")
    UNIT = "unit", _("本单位")
    SELF = "self", _("仅本人")
    CUSTOM = "custom", _("自定义单位")


@dataclass(frozen=True)
class ScopeSpec:
    """How a model reaches its unit and its owner.

    ``unit``: lookup path to the Unit (``""`` when the model *is* the Unit).
    ``owner``: lookup path to the user who owns the record, for 仅本人; ``None``
    means 仅本人 sees the records of the user's own unit only when ``self_is_unit``.
    """

    unit: str = "unit"
    owner: str | None = "created_by"

    def field(self, name: str) -> str:
        return f"{self.unit}__{name}" if self.unit else name


UNIT = "units.Unit"  # the unit tree's model, named (core imports no app)
NOTHING = Q(pk__in=[])
# "Everything" must not be an empty Q(): Django drops an empty Q when it is OR-ed with
# another condition (``Q() | Q(x)`` is ``Q(x)``), so a model adding its own visibility
# (e.g. inspection teams) would hide everything else from 全部-scope users.
EVERYTHING = Q(pk__isnull=False)


def user_scopes(user) -> list[tuple[str, frozenset[int]]]:
    """(scope, custom unit ids) for each active role of ``user``; cached per request."""
    cached = getattr(user, "_luoshi_scopes", None)
    if cached is None:
        # One query: each role's scope with its custom units (LEFT JOIN, NULL if none).
        by_role: dict[int, tuple[str, set[int]]] = {}
        for pk, scope, unit_id in user.roles.values_list("pk", "data_scope", "custom_units"):
            units = by_role.setdefault(pk, (scope, set()))[1]
            if unit_id is not None:
                units.add(unit_id)
        cached = [(scope, frozenset(units)) for scope, units in by_role.values()]
        user._luoshi_scopes = cached
    return cached


def subtree_q(spec: ScopeSpec, path: str, *, by_units: bool = False) -> Q:
    """The units whose path starts with ``path``. On SQLite as a range on the path
    (``path >= p AND path < p + '~'``: every path character is 0-9/A-Z, below '~' in
    SQLite's binary collation): SQLite's ``LIKE … ESCAPE`` cannot use the path index.
    PostgreSQL uses its ``varchar_pattern_ops`` index for the ``LIKE 'p%'``.

    ``by_units`` (a list page's filter): on SQLite, for a model reaching its unit, as
    ``unit IN (the subtree's unit ids)``, so the records are found from the subtree's units
    by the (unit, …) indexes. Without statistics SQLite otherwise starts from whatever index
    of the records' own conditions it guesses best: every record of an activity type, then
    their units (180 ms for the ledger list of a subtree, year and type, instead of 5 ms),
    or the date index walked until a page of a small subtree is found (a deep page: 755 ms
    instead of 66 ms). A sum over a date range is better read joined (by the date index
    that covers it), so only lists ask for it."""
    if connection.vendor != "sqlite":
        return Q(**{spec.field("path__startswith"): path})
    within = {"path__gte": path, "path__lt": path + "~"}
    if not by_units or not spec.unit:
        return Q(**{spec.field(name): value for name, value in within.items()})
    units = apps.get_model(UNIT)._base_manager.filter(**within).values("pk")
    return Q(**{f"{spec.unit}__in": units})


@dataclass(frozen=True)
class Direction:
    """What a unit directs along one business line: single units and whole subtrees."""

    unit_ids: frozenset[int] = frozenset()
    subtree_paths: tuple[str, ...] = ()

    def q(self, spec: ScopeSpec) -> Q:
        condition = NOTHING
        if self.unit_ids:
            condition |= Q(**{spec.field("pk__in"): sorted(self.unit_ids)})
        for path in self.subtree_paths:
            condition |= Q(**{spec.field("path__startswith"): path})
        return condition


def directions_of(unit_id: int | None, user=None) -> dict[str, Direction]:
    """line code -> what ``unit_id`` directs (业务指导范围); with ``user``, only the rows that
    apply to them (no role named, or a role they hold). One query."""
    if unit_id is None:
        return {}
    rows = Guidance.objects.filter(unit_id=unit_id, lines__is_active=True)
    if user is not None:
        rows = rows.filter(Q(role__isnull=True) | Q(role__user=user))
    ids: dict[str, set[int]] = {}
    paths: dict[str, set[str]] = {}
    for line, subtree, target, path in rows.values_list(
        "lines__code", "with_subordinates", "units__pk", "units__path"
    ):
        if target is None:
            continue
        if subtree:
            paths.setdefault(line, set()).add(path)
        else:
            ids.setdefault(line, set()).add(target)
    return {
        line: Direction(frozenset(ids.get(line, ())), tuple(sorted(paths.get(line, ()))))
        for line in {*ids, *paths}
    }


def user_directions(user) -> dict[str, Direction]:
    """What the user's unit directs, for this user; cached per request like ``user_scopes``."""
    cached = getattr(user, "_luoshi_directions", None)
    if cached is None:
        cached = directions_of(user.unit_id, user)
        user._luoshi_directions = cached
    return cached


def directed_q(user, spec: ScopeSpec, line: str) -> Q:
    """Rows of the units the user's unit directs along ``line`` (nothing without authority)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    direction = user_directions(user).get(line)
    return direction.q(spec) if direction is not None else NOTHING


def reach_q(issuing_unit, spec: ScopeSpec, line: str, *, user=None) -> Q:
    """Rows of the units ``issuing_unit`` may address along ``line``: its own subtree, and
    what it directs (for ``user``: only when it is the user's own unit, and by the rows
    that apply to the user)."""
    condition = Q(**{spec.field("path__startswith"): issuing_unit.path})
    if user is None:
        direction = directions_of(issuing_unit.pk).get(line)
        return condition | direction.q(spec) if direction is not None else condition
    if issuing_unit.pk == user.unit_id:
        condition |= directed_q(user, spec, line)
    return condition


def issuer_q(user, spec: ScopeSpec, issuer: ScopeSpec, line: str, *, line_field: str = "") -> Q:
    """Rows seen from the issuing side (a task's assignments, a campaign's screenings):
    the issuing record is in the user's scope, and the row's own unit is below the issuing
    unit or directed by the user's unit along ``line`` — or, with ``line_field``, along the
    line the row names in that field. Remove the authority and the directed units' answers
    are gone for the issuer too."""
    directed = NOTHING
    if line_field and user is not None and user.is_authenticated:
        for code in user_directions(user):
            directed |= Q(**{line_field: code}) & directed_q(user, spec, code)
    else:
        directed = directed_q(user, spec, line)
    below = Q(**{spec.field("path__startswith"): F(issuer.field("path"))})
    return scope_q(user, issuer) & (below | directed)


def scope_q(user, spec: ScopeSpec, *, line: str | None = None) -> Q:
    """A Q object selecting exactly the rows of a model that ``user`` may see; with
    ``line``, also the rows of the units the user's unit directs along that business line."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    unit = user.unit
    condition = directed_q(user, spec, line) if line else NOTHING
    for scope, custom_ids in user_scopes(user):
        if scope == DataScope.ALL:
            return EVERYTHING
        if scope == DataScope.SUBTREE and unit is not None:
            condition |= Q(**{spec.field("path__startswith"): unit.path})
        elif scope == DataScope.UNIT and unit is not None:
            condition |= Q(**{spec.field("pk"): unit.pk})
        elif scope == DataScope.SELF:
            if spec.owner:
                condition |= Q(**{spec.owner: user.pk})
            elif unit is not None:
                condition |= Q(**{spec.field("pk"): unit.pk})
        elif scope == DataScope.CUSTOM and custom_ids:
            condition |= Q(**{spec.field("pk__in"): sorted(custom_ids)})
    return condition


def exact_scope(user) -> tuple | None:
    """``(unit, subtree)`` when the records of units ``user`` may open by their unit scope are
    exactly one unit's (``subtree`` False) or one unit's subtree: 全部 with a single top unit,
    本单位及以下 / 本单位 of the user's own unit; None for anything else (仅本人, 自定义单位,
    several top units, no unit): read such a scope with ``for_user``. A figure over the
    whole scope names the unit, so it can read the rollups of its subtree."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    scopes = {
        scope for scope, custom_ids in user_scopes(user) if scope != DataScope.CUSTOM or custom_ids
    }
    if user.is_superuser or DataScope.ALL in scopes:
        tops = list(apps.get_model(UNIT).objects.filter(depth=1)[:2])
        return (tops[0], True) if len(tops) == 1 else None
    if user.unit is None or not scopes or not scopes <= {DataScope.SUBTREE, DataScope.UNIT}:
        return None
    return user.unit, DataScope.SUBTREE in scopes


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model holding unit data; ``for_user`` is the only way views read it."""

    _seen_from: ScopeSpec | None = None

    @property
    def spec(self) -> ScopeSpec:
        """The model's ``scope_spec`` (each scoped model declares one as a class attribute):
        who may open and change the records."""
        spec: ScopeSpec = self.model.scope_spec  # type: ignore[attr-defined]  # per-model attribute
        return spec

    @property
    def placement(self) -> ScopeSpec:
        """Where the records stand in the unit tree for ``in_subtree`` and the metric layer:
        their own unit (``spec``), or the unit they are counted for (``seen_from``)."""
        return self._seen_from if self._seen_from is not None else self.spec

    def seen_from(self, spec: ScopeSpec):
        """The same records, placed under another unit than their own: an inspection's
        results under the inspecting unit (督查单位), not the inspected one. Who may open
        them (``for_user``) does not change."""
        clone = self.all()
        clone._seen_from = spec
        return clone

    @property
    def seen_from_elsewhere(self) -> bool:
        return self._seen_from is not None

    def _clone(self):
        clone = super()._clone()
        clone._seen_from = self._seen_from
        return clone

    def for_user(self, user):
        return self.filter(scope_q(user, self.spec))

    def writable_by(self, user, *, line: str | None = None):
        """The records ``user`` may change: their own unit in the user's scope, without
        the extra visibility a model's ``for_user`` adds for readers on the other side.
        ``line``: only where a module grants writing along a business line."""
        return self.filter(scope_q(user, self.spec, line=line))

    def within_reach(self, user, line: str):
        """The records (units) ``user`` may address along business line ``line``: the
        user's scope plus the units the user's unit directs (issuing, not writing)."""
        return self.filter(scope_q(user, self.spec, line=line))

    def in_subtree(self, unit, *, by_units: bool = False):
        """Records of ``unit`` and every unit below it (a filter, not a permission);
        ``by_units`` for a list page (see ``subtree_q``)."""
        return self.filter(subtree_q(self.placement, unit.path, by_units=by_units))


# The assignment form (not a subclass) is the one django-stubs' plugin understands.
ScopedManager = models.Manager.from_queryset(ScopedQuerySet, class_name="ScopedManager")


def in_write_scope(user, obj, *, line: str | None = None) -> bool:
    """May ``user`` write to ``obj`` as far as data scope goes (see ``writable_by``)?"""
    model = type(obj)
    return model._default_manager.all().writable_by(user, line=line).filter(pk=obj.pk).exists()


def is_scoped(model) -> bool:
    return isinstance(model._default_manager.all(), ScopedQuerySet) and hasattr(model, "scope_spec")
