"""Forms written in Python (luoshi/core/form_rendering.py) give the markup of the templates
they replace: Django's widget templates (inputs, ``<select>``, ``<option>``, ``<textarea>``)
and crispy-forms' bootstrap5 field, for every form and list filter of every page, unbound and
bound with mistakes (errors, ``aria-invalid``, help text, required marks)."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver

from luoshi.core.form_rendering import FormRenderer
from luoshi.core.templatetags.luoshi_forms import as_field, as_fields

BAD = {"unit": "99999999", "date": "2026-02-30", "deadline": "昨天", "title": "<b>x</b>" * 3}


def _views():
    def walk(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern)
            elif getattr(pattern.callback, "view_class", None) is not None:
                yield pattern.callback.view_class

    return list(walk(get_resolver()))


FORMS = sorted(
    {v.form_class for v in _views() if isinstance(getattr(v, "form_class", None), type)}, key=str
)
FILTERS = sorted(
    {v.filterset_class for v in _views() if getattr(v, "filterset_class", None)}, key=str
)


def _normal(html: str) -> str:
    """Markup without the blank space between tags that templates leave."""
    html = re.sub(r">\s+", ">", str(html))
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html).strip()


def _forms_of(form_class, user):
    """The form unbound and bound with mistakes, built as its views build it (with the
    acting user where it takes one)."""
    made = []
    for data in (None, BAD):
        for kwargs in ({"user": user}, {}):
            try:
                form = form_class(data, **kwargs)
                if form.is_bound:
                    form.is_valid()
                as_crispy_form(form)
            except (TypeError, AttributeError, KeyError):
                continue  # a form its view gives more (the object it acts on)
            made.append(form)
            break
    return made


def _assert_same(form):
    for bound in form:
        assert _normal(as_field(bound)) == _normal(as_crispy_field(bound)), bound.name
        form.renderer = DjangoTemplates()
        by_template = bound.as_widget()
        form.renderer = FormRenderer()
        assert _normal(bound.as_widget()) == _normal(by_template), bound.name
    assert _normal(as_fields(form)) == _normal(as_crispy_form(form))


def test_settings_use_the_python_renderer(settings):
    assert settings.FORM_RENDERER == "luoshi.core.form_rendering.FormRenderer"


@pytest.mark.parametrize("form_class", FORMS, ids=[f.__qualname__ for f in FORMS])
def test_every_form_renders_as_the_templates_would(db, users, form_class):
    forms = _forms_of(form_class, users.admin)
    if not forms:
        pytest.skip(f"{form_class.__qualname__} needs arguments of its view")
    for form in forms:
        _assert_same(form)


@pytest.mark.parametrize("filterset_class", FILTERS, ids=[f.__qualname__ for f in FILTERS])
def test_every_list_filter_renders_as_the_templates_would(db, users, filterset_class):
    request = RequestFactory().get("/")
    request.user = users.admin
    for data in (None, {**BAD, "date_from": "bad", "deadline_from": "2026-13-01"}):
        filterset = filterset_class(data, queryset=None, request=request)
        form = filterset.form
        if form.is_bound:
            form.is_valid()
        _assert_same(form)


def test_values_and_labels_are_escaped():
    class Form(forms.Form):
        name = forms.CharField(label="<i>名</i>", help_text="说明")
        kind = forms.ChoiceField(choices=[("<x>", "<b>甲</b>"), ("y", "乙")])
        note = forms.CharField(widget=forms.Textarea)

    form = Form({"name": '"><script>', "kind": "<x>", "note": "</textarea><script>"})
    html = as_fields(form)
    assert "<script>" not in html and "<b>甲</b>" not in html and "<i>名</i>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
    assert '<option value="&lt;x&gt;" selected>&lt;b&gt;甲&lt;/b&gt;</option>' in html
    assert "&lt;/textarea&gt;&lt;script&gt;</textarea>" in html
    _assert_same(form)
