"""The one workflow (state-machine) helper, used by every module with steps.

A module declares its steps once::

    reviewer = taken_by("tasks.review_task")  # the steps one side takes: permission (and rule) once
    REVIEW = Workflow(
        "tasks.assignment",
        model=TaskAssignment,  # its ``status`` field's choices are the states
        transitions=[
            Transition("submit", _("提交"), source=["pending", "returned"], target="submitted",
                       allowed=lambda user, obj: obj.unit_id == user.unit_id),
            reviewer("accept", _("采纳"), "submitted", "accepted"),
            reviewer("return", _("退回"), "submitted", "returned", comment_required=True),
        ],
    )

and writes through ``REVIEW.apply(obj, "accept", user=request.user, comment=...)``, which

* refuses a step that does not start from the object's current state, or that the user may
  not take (permission, then the transition's own ``allowed`` rule), with a Chinese message;
* moves the state with a conditional UPDATE (``WHERE pk = … AND status = <source>``), so of
  two people taking the same step at the same moment exactly one wins and the other gets
  ``WorkflowError`` — on SQLite and PostgreSQL alike, without holding locks;
* records the step (who, when, from → to, comment) as a ``WorkflowStep`` row: the history
  every detail page shows, scoped by the object's unit like any other record.

Two more rules live here, so that no module re-implements them:

* **Final states** (``frozen=[...]``): the states in which a record is approved or closed
  (采纳, 销号, 已发布, 已定稿, 已签署 …). ``frozen_label(obj)`` answers whether a record —
  or the record it belongs to (a model's ``frozen_with = "<field>"``) — is in one; the
  evidence mechanism asks it before every write.
* **Separation of duties** (``separations=[Separation(...)]``): a duty is the steps taken
  while the record is in some states (复核 = the steps taken while 复核中); the actor of one
  duty may not take another duty of the same record (optionally not the same duty twice,
  optionally counting only since the round began). Read from the ``WorkflowStep`` history;
  the record's writer (``authors=("author", "created_by")``) takes none of its duties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core import rollups
from luoshi.core.scope import ScopedManager, ScopeSpec

# model label ("inspections.rectificationitem") -> the workflows declared for it
_WORKFLOWS: dict[str, list[Workflow]] = {}
_discovered = False


# Sent after a step is committed (``obj``, ``step``): the notices that announced the step are
# done (luoshi.notices), and the 待办 counts change.
step_taken = Signal()


class WorkflowError(Exception):
    """A step that cannot be taken; ``str(error)`` is the Chinese message for the user."""


def refusal(check: Callable[..., object], *args, **kwargs) -> str:
    """Why ``check(*args, **kwargs)`` refuses (its ``WorkflowError``'s message), or "" when it
    does not: for a page that asks before it offers a step or a form."""
    try:
        check(*args, **kwargs)
    except WorkflowError as error:
        return str(error)
    return ""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: str | Iterable[str]
    target: str
    permission: str | None = None
    allowed: Callable | None = None  # (user, obj) -> bool, or raise WorkflowError(reason)
    comment_required: bool = False
    # An irreversible or wide step: what it will do, asked once on the page before it is taken.
    confirm: str | None = None
    sources: frozenset = field(init=False)

    def __post_init__(self):
        sources = [self.source] if isinstance(self.source, str) else list(self.source)
        object.__setattr__(self, "sources", frozenset(sources))

    def permitted(self, user, obj) -> bool:
        return not refusal(self.check, user, obj)

    def check(self, user, obj) -> None:
        """Raise ``WorkflowError`` if ``user`` may not take this step on ``obj``."""
        self.check_permission(user)
        self.check_rule(user, obj)

    def check_permission(self, user) -> None:
        if self.permission and not user.has_perm(self.permission):
            raise WorkflowError(self.refusal)

    def check_rule(self, user, obj) -> None:
        """``allowed`` may return False (the generic refusal) or raise ``WorkflowError`` with
        a precise reason (e.g. 「「初审」须由……的审核员办理」)."""
        if self.allowed is not None and not self.allowed(user, obj):
            raise WorkflowError(self.refusal)

    @property
    def refusal(self) -> str:
        return _("您无权执行「%(step)s」。") % {"step": self.label}


def taken_by(permission: str | None = None, allowed: Callable | None = None):
    """A maker of the steps one side takes, so that its permission and rule are written once::

        recipient = taken_by(SUBMIT_PERMISSION, _is_recipient)
        ...
        transitions=[
            recipient("submit", _("提交"), S.PENDING, S.SUBMITTED),
            recipient("resubmit", _("重新提交"), S.RETURNED, S.SUBMITTED),
        ]

    Each call takes the step's name, label, source and target, and any other ``Transition``
    option (``comment_required``, ``confirm``)."""

    def step(name: str, label, source, target, **options) -> Transition:
        return Transition(
            name, label, source, target, permission=permission, allowed=allowed, **options
        )

    return step


def separation_on(name: str) -> bool:
    """Is the configurable separation of duties ``name`` in force in this deployment
    (``settings.SEPARATION_OF_DUTIES``, e.g. ``assessment_review``, ``incident_signoff``)?"""
    return name in getattr(settings, "SEPARATION_OF_DUTIES", ())


@dataclass(frozen=True)
class Separation:
    """Separation of duties on one record.

    ``duties``: label -> the states a step of that duty is taken from (e.g. ``{"计算":
    ["draft", "computed"], "复核": ["review"], "发布": ["reviewed"]}``). Whoever took a step
    of one duty may not take a step of another. ``repeat=False``: nor two steps of the same
    duty (a review chain whose state repeats). ``since``: only the steps after the latest
    step of that transition count (the current round, e.g. since the last 提交审核).
    ``authors``: the record's fields naming who wrote it (e.g. ``("author", "created_by")``),
    a duty called ``authored`` (起草, 填报): its writer takes none of ``duties``, ever.
    """

    duties: Mapping[str, Iterable[str]]
    repeat: bool = True
    since: str | None = None
    authors: tuple[str, ...] = ()
    authored: str | Promise = gettext_lazy("起草")
    # A separation a deployment may switch off: in force only while this name is listed in
    # ``settings.SEPARATION_OF_DUTIES`` (None: always in force).
    switch: str | None = None

    @property
    def in_force(self) -> bool:
        return self.switch is None or separation_on(self.switch)

    def duty_of(self, state) -> str | None:
        return next((name for name, states in self.duties.items() if state in states), None)

    @property
    def states(self) -> set[str]:
        return {state for states in self.duties.values() for state in states}

    def authors_of(self, obj) -> set[int]:
        """Ids of the users who wrote ``obj`` (its ``authors`` fields that are set)."""
        ids = {obj.serializable_value(name) for name in self.authors}
        return ids - {None}


class Workflow:
    def __init__(
        self,
        name: str,
        *,
        model,
        transitions: list[Transition],
        field: str = "status",
        frozen: Iterable[str] = (),
        separations: Iterable[Separation] = (),
    ):
        self.name = name
        self.field = field
        # the states are the choices of the model's state field: named once, on the model
        self.labels = dict(model._meta.get_field(field).flatchoices)
        self.transitions = {t.name: t for t in transitions}
        self.frozen = frozenset(frozen)  # approved/closed states: the record is final
        self.separations = list(separations)
        named = {s for t in transitions for s in (*t.sources, t.target)} | self.frozen
        if unknown := named - set(self.labels):
            raise ImproperlyConfigured(f"{name}: {model.__name__}.{field} has no state {unknown}")
        _WORKFLOWS.setdefault(model._meta.label_lower, []).append(self)

    def state_label(self, value) -> str:
        return str(self.labels.get(value, value))

    def available(self, obj, user) -> list[Transition]:
        """The steps ``user`` may take on ``obj`` now (for buttons)."""
        return [t for t in self.transitions.values() if self._allows(t, obj, user)]

    def available_names(self, obj, user) -> set[str]:
        """The names of the steps ``user`` may take on ``obj`` now (``available``)."""
        return {t.name for t in self.available(obj, user)}

    def may_act(self, obj, user, names: Iterable[str] | None = None) -> bool:
        """May ``user`` take a step on ``obj`` now (one of ``names``, if given)? Asks the
        steps one by one and stops at the first allowed (a 待办 list asks it of each row)."""
        steps = [self.transitions[n] for n in names] if names else self.transitions.values()
        return any(self._allows(t, obj, user) for t in steps)

    def _allows(self, step: Transition, obj, user) -> bool:
        state = getattr(obj, self.field)
        return (
            state in step.sources
            and parent_final_label(obj) is None
            and step.permitted(user, obj)
            and self._separated(user, obj, state)
        )

    def _steps(self, obj):
        return WorkflowStep.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )

    def _counted_steps(self, obj, rule: Separation):
        steps = self._steps(obj).filter(from_state__in=rule.states)
        if rule.since:
            start = self._steps(obj).filter(transition=rule.since).order_by("-id").first()
            if start is not None:
                steps = steps.filter(id__gt=start.id)
        return steps

    def barred_actors(self, obj, state) -> set[int]:
        """Ids of the users whom separation of duties bars from a step in ``state``."""
        barred = set()
        for rule in self.separations:
            duty = rule.duty_of(state) if rule.in_force else None
            if duty is None:
                continue
            steps = self._counted_steps(obj, rule)
            if rule.repeat:
                steps = steps.exclude(from_state__in=rule.duties[duty])
            barred.update(steps.values_list("actor", flat=True))
            barred.update(rule.authors_of(obj))
        return barred

    def check_separation(self, user, obj, state) -> None:
        """Raise ``WorkflowError`` when ``user`` already took a duty of ``obj`` that the
        workflow separates from the duty of a step in ``state``."""
        for rule in self.separations:
            duty = rule.duty_of(state) if rule.in_force else None
            if duty is None:
                continue
            if user.pk in rule.authors_of(obj):
                raise WorkflowError(
                    _("本事项由您%(authored)s，按职责分离，您不能办理「%(duty)s」。")
                    % {"authored": rule.authored, "duty": duty}
                )
            taken_states = set(
                self._counted_steps(obj, rule)
                .filter(actor=user)
                .values_list("from_state", flat=True)
            )
            taken = {rule.duty_of(s) for s in taken_states}
            if rule.repeat:
                taken.discard(duty)
            if taken:
                names = "、".join(str(name) for name in rule.duties if name in taken)
                raise WorkflowError(
                    _("您已办理本事项的「%(taken)s」，按职责分离，同一人不能再办理「%(duty)s」。")
                    % {"taken": names, "duty": duty}
                )

    def _separated(self, user, obj, state) -> bool:
        return not refusal(self.check_separation, user, obj, state)

    def apply(
        self, obj, name: str, *, user, comment: str = "", guard: dict | None = None, **changes
    ) -> WorkflowStep:
        """Take step ``name``: move ``obj`` to the target state, save ``changes`` with it.

        ``guard``: further field values the row must still hold for the step to win (e.g.
        the index of the current review step when a state repeats along a review chain).
        """
        transition = self.transitions.get(name)
        if transition is None:
            raise WorkflowError(_("未知的操作。"))
        current = getattr(obj, self.field)
        if current not in transition.sources:
            raise WorkflowError(
                _("当前状态为「%(state)s」，不能执行「%(step)s」。")
                % {"state": self.state_label(current), "step": transition.label}
            )
        parent_state = parent_final_label(obj)
        if parent_state is not None:
            raise WorkflowError(
                _("所属记录已处于「%(state)s」状态，不能再执行「%(step)s」。")
                % {"state": parent_state, "step": transition.label}
            )
        # the separation before the step's own rule: its refusal is the most specific
        transition.check_permission(user)
        self.check_separation(user, obj, current)
        transition.check_rule(user, obj)
        comment = (comment or "").strip()
        if transition.comment_required and not comment:
            raise WorkflowError(_("执行「%(step)s」须填写意见。") % {"step": transition.label})

        model = type(obj)
        # the UPDATE sends no signal: the rollups measure the record around the step
        with transaction.atomic(), rollups.tracking(model, [obj.pk]):
            values = {self.field: transition.target, **changes}
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                values["updated_at"] = timezone.now()
            moved = model._default_manager.filter(
                pk=obj.pk, **{self.field: current}, **(guard or {})
            ).update(**values)
            if not moved:
                obj.refresh_from_db(fields=[self.field])
                raise WorkflowError(
                    _("该事项已被他人处理（当前状态：%(state)s），请刷新页面后查看。")
                    % {"state": self.state_label(getattr(obj, self.field))}
                )
            for key, value in values.items():
                setattr(obj, key, value)
            step = WorkflowStep.objects.create(
                unit_id=obj.unit_id,
                content_type=ContentType.objects.get_for_model(model),
                object_id=obj.pk,
                workflow=self.name,
                transition=transition.name,
                label=str(transition.label),
                from_state=current,
                to_state=transition.target,
                actor=user,
                comment=comment,
            )
            transaction.on_commit(lambda: step_taken.send(sender=model, obj=obj, step=step))
        return step

    def history(self, obj):
        return self._steps(obj).select_related("actor")


def workflows_of(model) -> list[Workflow]:
    """The workflows declared for ``model`` (every app's ``workflow`` module is imported
    once, so the answer never depends on which pages were opened before)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("workflow")
        _discovered = True
    return _WORKFLOWS.get(model._meta.label_lower, [])


def frozen_label(obj) -> str | None:
    """The label of the final state (已采纳, 已销号, 已发布 …) that makes ``obj`` final —
    its own, or that of the record it belongs to (``frozen_with``) — else ``None``."""
    while obj is not None:
        for workflow in workflows_of(type(obj)):
            state = getattr(obj, workflow.field)
            if state in workflow.frozen:
                return workflow.state_label(state)
        parent = getattr(type(obj), "frozen_with", None)
        obj = getattr(obj, parent) if parent else None
    return None


def parent_final_label(obj) -> str | None:
    """The final state of the record ``obj`` belongs to (``frozen_with``), else ``None``:
    no step is taken on a part of a final record (a unit's result of a completed
    inspection)."""
    parent = getattr(type(obj), "frozen_with", None)
    return frozen_label(getattr(obj, parent)) if parent else None


class WorkflowStep(models.Model):
    """One step taken on a record: the signed, timed trail of every workflow."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=gettext_lazy("单位"), on_delete=models.PROTECT, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(gettext_lazy("流程"), max_length=60)
    transition = models.CharField(gettext_lazy("操作"), max_length=40)
    label = models.CharField(gettext_lazy("操作名称"), max_length=40)
    from_state = models.CharField(gettext_lazy("原状态"), max_length=30)
    to_state = models.CharField(gettext_lazy("新状态"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(gettext_lazy("意见"), blank=True)
    at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now, db_index=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="unit", owner="actor")

    class Meta:
        app_label = "core"
        verbose_name = gettext_lazy("流程记录")
        verbose_name_plural = gettext_lazy("流程记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.label} {self.actor} {self.at:%Y-%m-%d %H:%M}"


def has_step(model, transition: str) -> Exists:
    """A condition on ``model``'s records: the step ``transition`` is in the record's history
    (taken by its workflow, or imported with it)."""
    steps = WorkflowStep.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        transition=transition,
    )
    return Exists(steps)
