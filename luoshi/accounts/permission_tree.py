"""The role editor's permissions as a tree: module → model → actions, each module folding
open, with 全选 for a module and for a model (``static/luoshi/app.js``: data-ls-check-*)."""

from __future__ import annotations

from collections import OrderedDict
from html import escape

from django import forms
from django.apps import apps
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

ACTION_ORDER = ["view", "add", "change", "delete"]


def _action_key(permission) -> tuple:
    action = permission.codename.split("_", 1)[0]
    rank = ACTION_ORDER.index(action) if action in ACTION_ORDER else len(ACTION_ORDER)
    return (rank, permission.codename)


def group(permissions) -> OrderedDict:
    """{module name: {(model label, model name): [permission, …]}} in the order the apps
    are installed."""
    order = {config.label: n for n, config in enumerate(apps.get_app_configs())}
    tree: OrderedDict = OrderedDict()
    ordered = sorted(permissions, key=lambda p: (order.get(p.content_type.app_label, 999),))
    for permission in ordered:
        model = permission.content_type.model_class()
        module = str(apps.get_app_config(permission.content_type.app_label).verbose_name)
        models = tree.setdefault(module, OrderedDict())
        models.setdefault((model._meta.label, str(model._meta.verbose_name)), []).append(permission)
    for models in tree.values():
        for name in models:
            models[name].sort(key=_action_key)
    return tree


def _box(name: str, permission, label: str, checked: bool) -> str:
    mark = " checked" if checked else ""
    return (
        f'<label class="ls-perm-action"><input class="form-check-input me-1" type="checkbox" '
        f'name="{escape(name)}" value="{permission.pk}"{mark}> {escape(label)}</label>'
    )


def _check_all(text: str) -> str:
    return (
        f'<label class="ls-perm-all"><input class="form-check-input me-1" type="checkbox" '
        f"data-ls-check-all> {escape(text)}</label>"
    )


class PermissionTreeWidget(forms.SelectMultiple):
    """Rendered in Python (hundreds of boxes without a template each); every text escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in (value or [])}
        choices = [(v.instance, str(label)) for v, label in self.choices if hasattr(v, "instance")]
        label_of = {permission.pk: label for permission, label in choices}
        permissions = [permission for permission, _label in choices]
        parts = ['<div class="ls-perm-tree" data-testid="perm-tree">']
        for module, models in group(permissions).items():
            boxes = [p for perms in models.values() for p in perms]
            chosen = sum(str(p.pk) in selected for p in boxes)
            opened = " open" if chosen else ""
            parts.append(
                f'<details class="ls-perm-module" data-ls-check-group{opened}>'
                f'<summary>{escape(module)} <span class="text-muted small">'
                f"{escape(_('已选 %(n)d / %(total)d') % {'n': chosen, 'total': len(boxes)})}"
                f"</span></summary>{_check_all(_('全选本模块'))}"
            )
            for (_label, model), perms in models.items():
                parts.append(
                    f'<div class="ls-perm-model" data-ls-check-group>'
                    f'<span class="ls-perm-model-name">{escape(model)}</span>'
                    f"{_check_all(_('全选'))}"
                )
                for permission in perms:
                    action = label_of[permission.pk].split(" · ")[-1]
                    parts.append(_box(name, permission, action, str(permission.pk) in selected))
                parts.append("</div>")
            parts.append("</details>")
        parts.append("</div>")
        # Every value and label above is escaped; the tags are constant.
        return mark_safe("".join(parts))  # noqa: S308
