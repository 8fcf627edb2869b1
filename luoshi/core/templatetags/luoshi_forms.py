"""``{{ form|as_fields }}`` and ``{{ form.field|as_field }}``: crispy-forms' bootstrap5 markup,
written in Python (``luoshi.core.form_rendering``) instead of a template per field."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from luoshi.core.form_rendering import render_field

register = template.Library()


@register.filter
def as_field(bound) -> SafeString:
    """One field, as ``|as_crispy_field``."""
    return render_field(bound, crispy=as_crispy_field)


@register.filter
def as_fields(form) -> SafeString:
    """A whole form, as ``|crispy``: the errors of no one field in an alert, then each field."""
    parts = []
    errors = form.non_field_errors()
    if errors:
        items = "\n".join(f"<li>{conditional_escape(e)}</li>" for e in errors)
        parts.append(
            f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>'
        )
    parts.extend(render_field(bound, crispy=as_crispy_field) for bound in form)
    return mark_safe("\n".join(parts))  # escaped above and by render_field  # noqa: S308
