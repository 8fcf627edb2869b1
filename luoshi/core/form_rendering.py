"""Form HTML written in Python where Django and crispy-forms would render a template per
field, per widget, per ``<option>`` and per attribute list.

A list page's filter form (a dozen fields, hundreds of options) cost ~25 ms of a ~35 ms page
in templates alone. The output is the markup of the templates it replaces (tests/test_form_rendering.py
compares them):

- ``FormRenderer``: Django's default renderer, with the standard input, ``<select>``,
  ``<option>`` and ``<textarea>`` widget templates written here; any other template (a
  project widget's own, checkboxes, radios, files) is rendered by the template as before.
- ``render_field``: crispy-forms' bootstrap5 ``field.html`` for one bound field in the
  default layout (label above, errors and help text below), the same elements and attributes
  without the template's blank lines; checkboxes, radios, files and multi-widgets go to
  crispy's own template.
"""

from collections.abc import Callable

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
INPUTS = {
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
    )
}


def _text(value) -> str:
    """``{{ value }}`` in a template: localized, then escaped unless already safe."""
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attr_value(value) -> str:
    """``{{ value|stringformat:'s' }}``: as text, escaped unless already safe."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def attrs_html(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{_attr_value(value)}"'
        )
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_attr_value(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{attrs_html(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_attr_value(option["value"])}"{attrs_html(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None  # a widget with options of its own: its templates render it
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    body = _text(value) if value else ""
    return (
        f'<textarea name="{_text(widget["name"])}"{attrs_html(widget["attrs"])}>\n{body}</textarea>'
    )


WRITERS: dict[str, Callable[[dict], str | None]] = {
    **dict.fromkeys(INPUTS, _input),
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}textarea.html": _textarea,
}


class FormRenderer(DjangoTemplates):
    """``FORM_RENDERER``: the standard widgets in Python, everything else by template."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        if writer is not None and "widget" in context:
            html = writer(context["widget"])
            if html is not None:
                return mark_safe(html.strip())  # every value above is escaped  # noqa: S308
        return super().render(template_name, context, request=request)


# --- crispy-forms' bootstrap5 field.html, default layout ------------------------------------

CRISPY_OWN = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def _widget_with_class(bound, css: str) -> str:
    """crispy's ``{% crispy_field field 'class' css %}``: the widget's class name and ``css``
    added to its ``class`` attribute (as crispy does, on the widget itself), then rendered."""
    widget = bound.field.widget
    name = type(widget).__name__.lower()
    current = widget.attrs.get("class", "")
    if current:
        if current.find(name) == -1:
            current += f" {name}"
    else:
        current = name
    for word in css.split():
        if word not in current.split():
            current += f" {word}"
    widget.attrs["class"] = current
    return str(bound)


def _label(bound) -> str:
    required = bound.field.required
    marker = '<span class="asteriskField">*</span>' if required else ""
    target = f' for="{_text(bound.id_for_label)}"' if bound.id_for_label else ""
    classes = "form-label requiredField" if required else "form-label"
    return f'<label{target} class="{classes}">{_text(bound.label)}{marker}</label>'


def _errors_and_help(bound) -> str:
    parts = []
    if bound.errors:
        lines = "".join(
            f'<p id="error_{n}_{_text(bound.auto_id)}"><strong>{_text(error)}</strong></p>'
            for n, error in enumerate(bound.errors, start=1)
        )
        field_id = _text(bound.errors.field_id)
        parts.append(f'<div id="{field_id}_error" class="invalid-feedback">{lines}</div>')
    if bound.help_text:
        where = f'id="{_text(bound.auto_id)}_helptext" ' if bound.auto_id else ""
        # help texts are the developers' words (Django's own templates render them |safe)
        parts.append(f'<div {where}class="form-text">{bound.help_text}</div>')
    return "".join(parts)


def render_field(bound, crispy: Callable) -> SafeString:
    """One bound field as crispy's ``as_crispy_field`` renders it (bootstrap5, labels shown,
    no horizontal layout); ``crispy`` renders the kinds of field written here not."""
    widget = bound.field.widget
    if bound.is_hidden:
        return conditional_escape(bound)  # the widget HTML Django marked safe, as it is
    if isinstance(widget, CRISPY_OWN) or bound.use_fieldset:
        return crispy(bound)
    base = "form-select" if isinstance(widget, forms.Select) else "form-control"
    css = f"{base} is-invalid" if bound.errors else base
    extra = bound.css_classes()
    wrapper = f"mb-3 {extra}" if extra else "mb-3"
    label = _label(bound) if bound.label else ""
    html = (
        f'<div id="div_{_text(bound.auto_id)}" class="{wrapper}">{label}'
        f"{_widget_with_class(bound, css)}{_errors_and_help(bound)}</div>"
    )
    return mark_safe(html)  # every value above is escaped  # noqa: S308
