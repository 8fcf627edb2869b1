"""字典管理: every dictionary the modules register (``registry.DICTIONARIES``), one page each.

The system administrator edits an entry's name, order and whether it is offered (启用), and
the dictionary's own fields (colour, description …). A code is fixed once any record uses
the entry; an entry in use is never deleted, only disabled (停用): the records keep it.
Every change reaches the operation log like any other record's.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.core import registry
from luoshi.core.views import perm_name

BASE_FIELDS = ("name", "order", "is_active")


def dictionary_models() -> list:
    return [apps.get_model(d.model) for d in registry.DICTIONARIES]


def _model(label: str, user, action: str = "change"):
    """The dictionary model ``label`` names; 404 if none, 403 without the permission."""
    model = next((m for m in dictionary_models() if m._meta.label_lower == label), None)
    if model is None:
        raise Http404
    if not user.has_perm(perm_name(model, action)):
        raise PermissionDenied
    return model


def used_entries(model, entries) -> set:
    """The pks of ``entries`` some record refers to (a foreign key or many-to-many to them):
    one query per relation, whatever the number of entries. A yes or no per entry, not a
    count: the page decides delete or disable by it and states no figure (the records of
    every unit, outside any one scope)."""
    pks = {entry.pk for entry in entries}
    used: set = set()
    for relation in model._meta.related_objects:
        related = relation.related_model
        if related.__name__.startswith("Historical") or not pks - used:
            continue
        name = relation.field.name
        found = related._base_manager.filter(**{f"{name}__in": pks - used})
        used.update(found.values_list(name, flat=True).distinct())
    return used


def in_use(entry) -> bool:
    return bool(used_entries(type(entry), [entry]))


def entry_form(model, *, locked_code: bool):
    """A form of the entry's own fields; the code only while no record uses it."""
    extra = [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and f.name not in (*BASE_FIELDS, "id", "code") and not f.primary_key
    ]
    fields = ([] if locked_code else ["code"]) + ["name", *extra, "order", "is_active"]
    form_class = forms.modelform_factory(model, fields=fields)
    if "code" in fields:
        form_class.base_fields["code"].help_text = _("英文字母、数字、下划线；一经使用不可修改。")
    return form_class


@login_required
def dictionary_index(request):
    items = [
        {
            "name": m._meta.verbose_name,
            "label": m._meta.label_lower,
            "count": m._default_manager.count(),
        }
        for m in dictionary_models()
        if request.user.has_perm(perm_name(m, "change"))
    ]
    if not items:
        raise PermissionDenied
    return render(request, "core/dictionaries.html", {"items": items})


@login_required
def dictionary_entries(request, label: str):
    model = _model(label, request.user)
    entries = list(model._default_manager.order_by("order", "pk"))
    used = used_entries(model, entries)
    for entry in entries:
        entry.in_use = entry.pk in used
    context = {"name": model._meta.verbose_name, "label": label, "entries": entries}
    return render(request, "core/dictionary_entries.html", context)


@login_required
def dictionary_edit(request, label: str, pk: int | None = None):
    model = _model(label, request.user, "change" if pk else "add")
    entry = get_object_or_404(model, pk=pk) if pk else None
    locked = entry is not None and in_use(entry)
    form_class = entry_form(model, locked_code=locked)
    form = form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("已保存「%(name)s」。") % {"name": form.instance.name})
        return redirect("dictionary_entries", label=label)
    context = {
        "name": model._meta.verbose_name,
        "label": label,
        "form": form,
        "entry": entry,
        "locked": locked,
    }
    return render(request, "core/dictionary_form.html", context)


@login_required
@require_POST
def dictionary_delete(request, label: str, pk: int):
    model = _model(label, request.user, "delete")
    with transaction.atomic():
        entry = get_object_or_404(model._default_manager.select_for_update(), pk=pk)
        if in_use(entry):
            messages.error(
                request, _("「%(name)s」已被记录使用，不能删除，只能停用。") % {"name": entry.name}
            )
            return redirect("dictionary_entries", label=label)
        try:
            entry.delete()
        except models.ProtectedError:
            messages.error(
                request, _("「%(name)s」正在使用，不能删除，只能停用。") % {"name": entry.name}
            )
            return redirect("dictionary_entries", label=label)
    messages.success(request, _("已删除「%(name)s」。") % {"name": entry.name})
    return redirect("dictionary_entries", label=label)
