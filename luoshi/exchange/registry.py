"""The one declarative registry of what a data package holds and how each link is mapped.

``ENTRIES`` (in dependency order: a row only points at rows of earlier entries, or of its
own entry with a smaller id) says for every exported model how its rows are selected for a
unit-year:

* ``unit``: lookup(s) to the unit the row belongs to; the row is selected when any of them
  is one of the exported units (e.g. a task issued by the unit *or* assigned to it);
* ``year``: the field whose year must be the package year (a year number, a date or a
  date-time); ``None``: every row of the unit (registers such as 阵地);
* ``parent``: a link to an earlier entry: only rows whose parent was selected;
* ``attached``: a generic owner (``content_type``, ``object_id``): rows attached to any
  selected row (evidence, workflow steps);
* ``natural_key``: fields identifying an existing row in the importing database (its unique
  constraint), adopted instead of duplicated the first time a package arrives;
* ``state``: the fields of the row's workflow (its state and who/when signed, submitted,
  approved, published, closed...). A package sets them only on rows of the source's own
  units (units an import of that source created); on a row of any other unit a new row
  starts from their defaults and an existing row keeps its own (docs/data-package.md).

``REFERENCES`` says, once per referenced model that is *not* exported as rows, by which
natural key a link to it travels (units by code, dictionaries by code, users by username,
packs by code and version, ...). A link to a model of ``ENTRIES`` travels as the package id
of the row (``<deployment>:<app_label.model>:<pk>``); when that row is not in the package a
nullable link is cleared and a required one leaves the row out (both counted in the
manifest).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Entry:
    label: str
    unit: tuple[str, ...] = ("unit",)
    year: str | None = None
    parent: str | None = None
    attached: bool = False
    natural_key: tuple[str, ...] = ()
    state: tuple[str, ...] = ()

    @property
    def model(self):
        return apps.get_model(self.label)


ENTRIES: list[Entry] = [
    Entry("accounts.responsibilityposition", year="year"),
    Entry("ledger.ledgerrecord", year="date"),
    Entry(
        "duty.dutylist",
        year="year",
        natural_key=("unit", "year", "pack_code"),
        state=("status", "signed_by", "signed_at"),
    ),
    Entry("duty.dutyitem", unit=(), parent="duty_list", natural_key=("duty_list", "code")),
    Entry("duty.dutycheck", unit=(), parent="item", natural_key=("item", "key")),
    Entry("tasks.reportingschedule"),
    Entry(
        "tasks.task",
        unit=("unit", "assignments__unit"),
        year="deadline",
        state=("withdrawn_at",),
    ),
    Entry(
        "tasks.taskassignment",
        parent="task",
        natural_key=("task", "unit"),
        state=("status", "first_submitted_at", "submitted_at", "submitted_by", "accepted_at"),
    ),
    Entry("luoshi_channels.channel", state=("status", "filing_status")),
    Entry("luoshi_channels.channelcheck", parent="channel", year="checked_on"),
    Entry(
        "incidents.incident",
        year="discovered_at",
        state=("status", "analyzed_at", "handled_at", "responded_at", "closed_at"),
    ),
    Entry("events.eventfiling", year="start_at", state=("status", "submitted_at", "approved_at")),
    Entry("events.eventspeaker", unit=(), parent="event"),
    Entry("events.eventreview", unit=(), parent="event", natural_key=("event", "order")),
    Entry(
        "publications.publication",
        year="created_at",
        state=("status", "submitted_at", "published_at"),
    ),
    Entry("risks.campaign", parent="task"),
    Entry(
        "risks.screening",
        year="created_at",
        state=("completed_at", "completed_by", "no_risk_declared"),
    ),
    Entry("risks.riskpoint", year="identified_on", state=("status",)),
    Entry("risks.analysismeeting", year="date"),
    Entry(
        "inspections.inspectionplan",
        unit=("unit", "inspected_units"),
        year="starts_on",
        state=("status",),
    ),
    Entry("inspections.checklistline", unit=(), parent="plan"),
    Entry(
        "inspections.inspectionresult",
        parent="plan",
        natural_key=("plan", "unit"),
        state=("status", "recorded_by"),
    ),
    Entry("inspections.scoreline", unit=(), parent="result", natural_key=("result", "line")),
    Entry("inspections.finding", parent="result"),
    Entry(
        "inspections.rectificationitem",
        parent="finding",
        state=("status", "submitted_at", "submitted_by", "closed_at", "closed_by"),
    ),
    Entry(
        "assessment.assessment",
        year="year",
        state=("status", "computed_at", "published_at", "published_by"),
    ),
    Entry(
        "assessment.assessmentscore",
        parent="assessment",
        natural_key=("assessment", "unit", "code"),
    ),
    Entry("evidence.evidence", unit=(), attached=True),
    Entry("core.workflowstep", unit=(), attached=True),
]

# Referenced, not exported: model label → natural-key lookups (values travel as a list).
REFERENCES: dict[str, tuple[str, ...]] = {
    "units.unit": ("code",),
    "units.unittype": ("code",),
    "accounts.user": ("username",),
    "accounts.role": ("code",),
    "ledger.activitytype": ("code",),
    "luoshi_channels.channeltype": ("code",),
    "incidents.platform": ("code",),
    "risks.riskarea": ("code",),
    "risks.risklevel": ("code",),
    "duty.pack": ("code", "version"),
    "duty.packitem": ("pack__code", "pack__version", "code"),
    "contenttypes.contenttype": ("app_label", "model"),
}

# Fields never exported: the tree's own bookkeeping and generic ids (mapped separately).
SKIPPED_FIELDS = {"id"}

BY_LABEL = {entry.label: entry for entry in ENTRIES}


def entry_for(model) -> Entry | None:
    return BY_LABEL.get(model._meta.label_lower)


def reference_key(model) -> tuple[str, ...] | None:
    return REFERENCES.get(model._meta.label_lower)


def exported_fields(model):
    """Concrete fields travelling in ``fields`` (links included), in declaration order."""
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS]


def m2m_fields(model):
    return list(model._meta.many_to_many)


def check_registry() -> list[str]:
    """Every link of an exported model must be mapped and every workflow state field declared
    in ``state``; returns problems (empty = fine)."""
    problems = []
    for entry in ENTRIES:
        model = entry.model
        names = {f.name for f in exported_fields(model)}
        for name in entry.state:
            if name not in names:
                problems.append(f"{entry.label}.{name}: not a field")
        for name in names - set(entry.state):
            if name == "status" or name.endswith("_status"):
                problems.append(f"{entry.label}.{name}: a state field missing from state")
        for field in [*exported_fields(model), *m2m_fields(model)]:
            if not field.is_relation:
                continue
            target = field.related_model._meta.label_lower
            if target not in BY_LABEL and target not in REFERENCES:
                problems.append(f"{entry.label}.{field.name} → {target}")
    return problems
