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
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


def subtree_q(spec: ScopeSpec, path: str) -> Q:
    """The units whose path starts with ``path``. On SQLite as a range on the path
    (``path >= p AND path < p + '~'``: every path character is 0-9/A-Z, below '~' in
    SQLite's binary collation): SQLite's ``LIKE … ESCAPE`` cannot use the path index.
    PostgreSQL uses its ``varchar_pattern_ops`` index for the ``LIKE 'p%'``."""
    if connection.vendor == "sqlite":
        return Q(**{spec.field("path__gte"): path, spec.field("path__lt"): path + "~"})
    return Q(**{spec.field("path__startswith"): path})


def scope_q(user, spec: ScopeSpec) -> Q:
    """A Q object selecting exactly the rows of a model that ``user`` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    unit = user.unit
    condition = NOTHING
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


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model holding unit data; ``for_user`` is the only way views read it."""

    def for_user(self, user):
        return self.filter(scope_q(user, self.model.scope_spec))

    def writable_by(self, user):
        """The records ``user`` may change: their own unit in the user's scope, without
        the extra visibility a model's ``for_user`` adds for readers on the other side."""
        return self.filter(scope_q(user, self.model.scope_spec))

    def in_subtree(self, unit):
        """Records of ``unit`` and every unit below it (a filter, not a permission)."""
        return self.filter(subtree_q(self.model.scope_spec, unit.path))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def in_write_scope(user, obj) -> bool:
    """May ``user`` write to ``obj`` as far as data scope goes (see ``writable_by``)?"""
    model = type(obj)
    return model._default_manager.all().writable_by(user).filter(pk=obj.pk).exists()


def is_scoped(model) -> bool:
    return isinstance(model._default_manager.all(), ScopedQuerySet) and hasattr(model, "scope_spec")
