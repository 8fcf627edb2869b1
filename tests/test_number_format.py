"""Figures are grouped by thousands with 「,」 (722,864), in both scripts; years never are."""

from django.template import Context, Template
from django.utils import translation


def render(text, **context):
    return Template("{% load humanize %}" + text).render(Context(context))


def test_figures_are_grouped_by_thousands_in_both_scripts():
    for language in ("zh-hans", "zh-hant"):
        with translation.override(language):
            assert render("{{ n|intcomma }}", n=722864) == "722,864"
            assert render("{{ n|intcomma }}", n=1234567) == "1,234,567"
            assert render("{{ year }}", year=2026) == "2026"
