"""参数设置 pages: the parameters of every module, grouped; one form per parameter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.core import parameters, registry
from luoshi.core.parameters import SystemParameter
from luoshi.core.registry import ParameterSpec


def _rows() -> list[tuple[str, list[dict]]]:
    stored = {p.key: p for p in SystemParameter.objects.select_related("updated_by")}
    rows: list[dict[str, Any]] = []
    for spec in registry.PARAMETERS.values():
        rows.append(
            {
                "spec": spec,
                "value": parameters.describe(spec, parameters.value(spec.key)),
                "default": parameters.describe(spec, parameters.default(spec)),
                "stored": stored.get(spec.key) if parameters.is_stored(spec.key) else None,
            }
        )
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(str(row["spec"].group), []).append(row)
    return list(groups.items())


@permission_required("core.view_systemparameter", raise_exception=True)
def parameter_list(request):
    return render(request, "core/parameter_list.html", {"groups": _rows()})


class ParameterForm(forms.Form):
    """One parameter; the field fits its kind, the value is checked by ``parameters.parse``
    (a Chinese error beside the field, the typed value kept)."""

    def __init__(self, *args, spec: ParameterSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["value"] = self._field(spec)

    @staticmethod
    def _field(spec: ParameterSpec) -> forms.Field:
        label, help_text = spec.label, spec.help
        if spec.kind == "bool":
            choices = [(parameters.YES, _("是")), (parameters.NO, _("否"))]
            return forms.ChoiceField(
                label=label, help_text=help_text, choices=choices, widget=forms.RadioSelect
            )
        if spec.kind == "codes":
            choices = list((spec.choices() if spec.choices else {}).items())
            return forms.MultipleChoiceField(
                label=label,
                help_text=help_text,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        attrs = {"inputmode": "decimal"} if spec.kind in {"int", "megabytes"} else {}
        if spec.unit:
            label = f"{spec.label}（{spec.unit}）"
        return forms.CharField(
            label=label,
            help_text=help_text,
            widget=forms.TextInput(attrs=attrs),
            error_messages={"required": _("请填写取值。")},
        )

    def clean_value(self):
        raw = self.cleaned_data["value"]
        text = ",".join(raw) if isinstance(raw, list) else raw
        try:
            self.cleaned_data["parsed"] = parameters.parse(self.spec, text)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return text


def _spec(key: str) -> ParameterSpec:
    spec = registry.PARAMETERS.get(key)
    if spec is None:
        raise Http404
    return spec


def _initial(spec: ParameterSpec):
    current = parameters.value(spec.key)
    return list(current) if spec.kind == "codes" else parameters.display(spec, current)


@permission_required("core.change_systemparameter", raise_exception=True)
def parameter_edit(request, param: str):
    spec = _spec(param)
    form = ParameterForm(request.POST or None, spec=spec, initial={"value": _initial(spec)})
    if request.method == "POST" and form.is_valid():
        if parameters.change(spec, form.cleaned_data["value"], user=request.user):
            messages.success(request, _("「%(label)s」已修改，立即生效。") % {"label": spec.label})
        else:
            messages.info(request, _("「%(label)s」未改变。") % {"label": spec.label})
        return redirect("parameters")
    context = {
        "form": form,
        "spec": spec,
        "default": parameters.describe(spec, parameters.default(spec)),
        "is_stored": parameters.is_stored(spec.key),
        "page_title": _("修改参数：%(label)s") % {"label": spec.label},
    }
    return render(request, "core/parameter_form.html", context)


@require_POST
@permission_required("core.change_systemparameter", raise_exception=True)
def parameter_restore(request, param: str):
    spec = _spec(param)
    if parameters.restore_default(spec, user=request.user):
        messages.success(request, _("「%(label)s」已恢复默认值。") % {"label": spec.label})
    return redirect("parameters")
