"""Web hardening: no markup from data (no ``|safe``, ``json_script`` only), a CSP without
'unsafe-eval' (Alpine's CSP build, components in static files), unit choices of every
filter limited to the user's scope, and ``next`` only ever to this site."""

import ast
import datetime
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from luoshi.reports.models import ReportKind
from luoshi.reports.services import create_report
from tests.factories import make_unit
from tests.inspections_support import add_item, child_clerk, make_plan
from tests.tasks_support import issue, task_world

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT / "luoshi"
TEMPLATES = sorted(p for p in CODE.rglob("templates/**/*.html"))
PAYLOAD = "</script><b x-data x-init=alert(1)>"

# The only places that build markup in Python, each reviewed: everything in it is escaped
# or constant. A new mark_safe/SafeString must be reviewed and added here.
REVIEWED_MARK_SAFE = {
    ("core/form_rendering.py", "render"): "the standard widgets: every name, value, label and "
    "attribute escaped (_text, _attr_value); tests/test_form_rendering.py",
    ("core/form_rendering.py", "render_field"): "crispy's field: label, ids and errors escaped, "
    "the widget rendered by Django; help texts are the developers' words, as in Django",
    ("core/templatetags/luoshi_forms.py", "as_fields"): "non-field errors escaped, each field "
    "by render_field",
    ("accounts/permission_tree.py", "render"): "role editor tree: names and labels escaped",
    ("reports/selectors.py", "highlight"): "each line escaped, links by format_html",
    ("reports/rendering/official_html.py", "document_css"): "the stylesheet file, constant",
}


# --- no markup from data ----------------------------------------------------------------------


def test_templates_exist():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(CODE)) for p in TEMPLATES])
def test_no_template_marks_data_safe(path):
    """``|safe``/``|safeseq``/``autoescape off`` would print data as markup: forbidden in
    every template (a constant goes through a reviewed Python helper, data to scripts
    through ``json_script``)."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\|\s*safe(seq)?\b", text), f"{path}: |safe on data"
    assert not re.search(r"{%\s*autoescape\s+off", text), f"{path}: autoescape off"


# Templates whose inline script is a library's own, reviewed: no data in it.
REVIEWED_SCRIPT_TEMPLATES = {
    "api/templates/api/swagger_ui.html": "drf-spectacular's swagger_ui.js: its settings "
    "and auth names come from SPECTACULAR_SETTINGS (configuration), no record data",
}


def test_data_reaches_scripts_only_through_json_script():
    """A ``<script>`` element in a template has a ``src`` or is written by ``json_script``:
    no template writes a variable inside a script element."""
    for path in TEMPLATES:
        if str(path.relative_to(CODE)) in REVIEWED_SCRIPT_TEMPLATES:
            continue
        text = path.read_text(encoding="utf-8")
        for body in re.findall(r"<script\b[^>]*>(.*?)</script>", text, flags=re.S):
            assert "{{" not in body and "{%" not in body, f"{path}: data inside <script>"
    for name in REVIEWED_SCRIPT_TEMPLATES:
        assert (CODE / name).exists(), f"stale REVIEWED_SCRIPT_TEMPLATES entry {name}"


def _python_files():
    return [p for p in CODE.rglob("*.py") if "migrations" not in p.parts]


def _calls(tree):
    """(function name called, enclosing function name, call node) for every call."""
    found = []

    def visit(node, owner):
        for child in ast.iter_child_nodes(node):
            name = owner
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            if isinstance(child, ast.Call):
                func = child.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                found.append((called, owner, child))
            visit(child, name)

    visit(tree, "<module>")
    return found


def test_mark_safe_only_where_reviewed_and_format_html_with_constant_templates():
    seen = set()
    for path in _python_files():
        relative = str(path.relative_to(CODE))
        for called, owner, call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            if called in ("mark_safe", "SafeString"):
                assert (relative, owner) in REVIEWED_MARK_SAFE, (
                    f"{relative}:{call.lineno} {called}() in {owner}: escape the data or "
                    "review it into REVIEWED_MARK_SAFE"
                )
                seen.add((relative, owner))
            if called in ("format_html", "format_html_join") and call.args:
                template = call.args[0 if called == "format_html" else 1]
                assert isinstance(template, ast.Constant), (
                    f"{relative}:{call.lineno}: {called} needs a constant template; data "
                    "goes in its arguments, where it is escaped"
                )
    assert seen == set(REVIEWED_MARK_SAFE), "stale REVIEWED_MARK_SAFE entries"


@pytest.fixture
def bulletin(tree, users):
    """A 督查通报 whose chart names 新闻科 by a short name that is a script attack."""
    tree.child.short_name = PAYLOAD
    tree.child.save(update_fields=["short_name"])
    other = make_unit("理论科", "T12", parent=tree.own)  # two units inspected: a chart
    setup = make_plan(tree, users, units=[tree.child, other])
    add_item(setup, users, child_clerk(tree))
    year = datetime.date.today().year
    return create_report(
        user=users.unit_admin,
        unit=tree.own,
        year=year,
        kind=ReportKind.INSPECTION_BULLETIN,
        subtree=True,
    )


def test_unit_short_name_in_a_report_chart_is_escaped(client, users, bulletin):
    client.force_login(users.unit_admin)
    html = client.get(bulletin.get_absolute_url()).content.decode()
    assert PAYLOAD not in html
    assert "<b x-data" not in html
    charts = [
        chart
        for data in re.findall(r'<script type="application/json">(.*?)</script>', html, re.S)
        for chart in json.loads(data)
    ]
    by_unit = next(c for c in charts if c["title"] == "各单位发现问题数")
    assert PAYLOAD in by_unit["categories"]  # the name is there, as data for the chart


# --- the CSP and Alpine -----------------------------------------------------------------------

COMPONENTS = CODE / "static" / "luoshi" / "components.js"
ALPINE_ATTRIBUTE = re.compile(r"""\s(x-[\w:.-]+|@[\w.:-]+|:[\w-]+)="([^"]*)\"""")


def test_csp_has_no_unsafe_eval(client, users):
    client.force_login(users.clerk)
    csp = client.get(reverse("home"))["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-eval'" not in csp
    assert "'self'" in script_src


def test_pages_load_alpines_csp_build_and_the_components_first(client, users):
    client.force_login(users.clerk)
    html = client.get(reverse("home")).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    alpine = [s for s in scripts if "alpine" in s]
    assert alpine == ["/static/vendor/alpinejs-csp/alpine-csp.min.js"]
    assert scripts.index("/static/luoshi/components.js") < scripts.index(alpine[0])
    vendored = (CODE / "static" / "vendor" / "alpinejs-csp" / "alpine-csp.min.js").read_text()
    assert "new Function" not in vendored and "eval(" not in vendored


def test_alpine_attributes_name_components_properties_and_methods_only():
    """Inline expressions need the evaluator the CSP forbids: every Alpine attribute in a
    template is a bare name, and every ``x-data`` names a component of components.js."""
    registered = set(re.findall(r'Alpine\.data\("(\w+)"', COMPONENTS.read_text()))
    used = 0
    for path in TEMPLATES:
        for attribute, value in ALPINE_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            if attribute.startswith(":") and attribute[1:] in ("root",):
                continue
            used += 1
            assert re.fullmatch(r"[A-Za-z_$][\w$]*", value), f"{path}: {attribute}={value!r}"
            if attribute == "x-data":
                assert value in registered, f"{path}: x-data={value!r} not in components.js"
    assert used, "no Alpine attribute found: is the pattern still right?"


# --- filters: unit choices within the user's scope --------------------------------------------


def test_out_of_scope_unit_is_never_named_by_a_list_filter(client, users, tree):
    """``?unit=<id of a unit outside the scope>``: ignored, and its name not on the page."""
    secret = make_unit("保密的外单位", "X9", type_code="bureau")
    client.force_login(users.clerk)  # 本单位 scope: 宣传部 and below
    for name in (
        "ledger:list",
        "incidents:list",
        "events:list",
        "risks:list",
        "reports:report_list",
    ):
        html = client.get(reverse(name), {"unit": secret.pk}).content.decode()
        assert "保密的外单位" not in html, name
        assert f'value="{secret.pk}" selected' not in html, name


def test_in_scope_deeper_unit_stays_selected(client, users, tree):
    """A unit below the two listed levels, chosen through a link, stays the selected option."""
    deep = make_unit("深层科室", "T111", parent=tree.child)
    client.force_login(users.unit_admin)
    html = client.get(reverse("ledger:list"), {"unit": deep.pk}).content.decode()
    assert f'<option value="{deep.pk}" selected>深层科室</option>' in html


def test_every_list_filter_set_scopes_its_units():
    """Every list page's filter set derives from the one that limits unit choices, and
    declares units only through ``UnitFilter``."""
    import django_filters

    from luoshi.core.filters import ScopedFilterSet, UnitFilter
    from luoshi.units.models import Unit
    from tests.test_url_matrix import ROUTES

    checked = 0
    for route in ROUTES:
        filterset = getattr(route.view, "filterset_class", None)
        if filterset is None or route.is_api:
            continue
        checked += 1
        assert issubclass(filterset, ScopedFilterSet), route.name
        for name, flt in filterset.base_filters.items():
            if isinstance(flt, django_filters.ModelChoiceFilter):
                queryset = flt.extra.get("queryset")
                if getattr(queryset, "model", None) is Unit:
                    assert isinstance(flt, UnitFilter), f"{route.name}: {name}"
    assert checked >= 15


# --- redirects: next only to this site --------------------------------------------------------

OFF_SITE = ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "\\\\evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_urge_next_never_leaves_the_site(client, users, tree, target):
    world = task_world(tree, users)
    task = issue(world, units=[world.news])
    assignment = task.assignments.get()
    client.force_login(users.unit_admin)
    response = client.post(reverse("tasks:urge", args=[assignment.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == task.get_absolute_url()


def test_urge_next_within_the_site_is_kept(client, users, tree):
    world = task_world(tree, users)
    task = issue(world, units=[world.news])
    assignment = task.assignments.get()
    client.force_login(users.unit_admin)
    back = reverse("tasks:assignments") + "?status=open"
    response = client.post(reverse("tasks:urge", args=[assignment.pk]), {"next": back})
    assert response["Location"] == back


def test_every_next_goes_through_the_safe_redirect_helper():
    """Nobody reads ``next`` (or redirects to a request value) but ``luoshi.core.redirects``."""
    helper = CODE / "core" / "redirects.py"
    pattern = re.compile(r"""(GET|POST|REQUEST)(\.get\(|\[)\s*["'](next|return|back)""")
    for path in _python_files():
        if path == helper:
            continue
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), f"{path}: read `next` through core.redirects"
        assert not re.search(r"redirect\(\s*request\.(GET|POST)", text), path
