"""The permission matrix over EVERY url: generated from the URL configuration.

Nobody lists the pages here. ``all_patterns()`` walks ``get_resolver()``; for each pattern
the test derives its view class, the model behind its ``<pk>`` (``view.model`` /
``view.queryset`` / a DRF viewset's ``queryset``; function views through
``FUNCTION_VIEW_MODELS``), the permission the view demands (``get_permission_required``)
and the method it answers (GET, or POST for POST-only steps). Objects come from
``object_for(model, relation)``: a factory from ``FACTORIES`` when one is registered, else
a row of the demo district (built once per run: ``_demo_district_once`` in
tests/conftest.py); a URL whose model has neither fails loudly ("no object of model X for
URL Y").

Expected answers are computed, never written per URL:

* anonymous → the login page (pages) or 401/403 (API), except ``PUBLIC_URLS``;
* a role lacking the view's permission → 403 (pages built on ``ScopedMixin``);
* the object outside the role's data scope → 404 (or 403): never a page, a file or a step;
* in scope with the permission → neither 403 nor 404; never a 500 anywhere;
* list pages (and their ``?export=xlsx``) show only rows in scope.

The scope oracle reads ``Role.data_scope`` and walks the unit tree with treebeard's API
(``tests.test_scope_matrix.unit_in_scope``), independent of ``luoshi.core.scope``. Models
with their own visibility rule (a ``for_user`` override: task assignments seen by issuer
and recipient, evidence by its owner…) are judged by that model's ``for_user``, whose rule
has its own tests.
"""

import datetime
import os
from dataclasses import dataclass, field
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from luoshi.accounts.models import Role
from luoshi.core import todo
from luoshi.core.scope import ScopedQuerySet, is_scoped
from luoshi.units.models import Unit
from tests.factories import make_user
from tests.test_scope_matrix import evidence_files_in, unit_in_scope

DEFAULT_ROLES = ["admin", "unit_admin", "leader", "clerk", "reviewer", "inspector"]
RELATIONS = ["own", "child", "parent", "sibling", "other"]
OWN_UNIT = "D02"  # 区委宣传部: a parent (区委), children, siblings and other branches

# url name -> why anyone may reach it without signing in
PUBLIC_URLS = {
    "login": "the sign-in page itself",
    "set_language": "Django's i18n language switch (POST, sets a cookie; no data)",
    "admin:login": "Django admin's sign-in page (staff only after sign-in)",
    "logout": "signing out; harmless when not signed in (redirects to the login page)",
    "healthz": "health probe for monitoring: status words only, no data",
    "readyz": "readiness probe for load balancers: status words only, no data",
    "captcha-image": "the login captcha's image (tests/test_login_security.py)",
    "oidc_authentication_init": "统一身份认证: off here (404), to the provider (tests/test_oidc_login.py)",
    "oidc_authentication_callback": "统一身份认证: back from the provider (tests/test_oidc_login.py)",
}
# Probes answer 503 by design when a check fails (no worker heartbeat in a test database).
PROBES = {"healthz", "readyz"}
# url names that are not luoshi pages (Django admin: staff-only, not part of the product UI),
# and /api/'s unversioned alias of /api/v1/ (the very same views, matrixed as "api:").
NOT_MATRIXED_PREFIXES = ("admin:", "api-unversioned:")

# Function views have no ``model`` attribute: the model behind their ``pk``.
FUNCTION_VIEW_MODELS = {
    "tasks:submit": "tasks.taskassignment",
    "tasks:accept": "tasks.taskassignment",
    "tasks:return": "tasks.taskassignment",
    "tasks:urge": "tasks.taskassignment",
    "tasks:recall": "tasks.taskassignment",
    "tasks:task_withdraw": "tasks.task",
    "tasks:batch_accept": "tasks.task",
    "evidence:download": "evidence.evidence",
    "evidence:replace": "evidence.evidence",
    "evidence:delete": "evidence.evidence",
    "evidence:upload": "ledger.ledgerrecord",  # any owner: content_type_id + object_id
    "evidence:add_link": "ledger.ledgerrecord",
    "notices:open": "notices.notice",
    "notices:announcement": "notices.announcement",
    "inspections:plan_start": "inspections.inspectionplan",
    "inspections:plan_complete": "inspections.inspectionplan",
    "inspections:result_scores": "inspections.inspectionresult",
    "inspections:result_finding": "inspections.inspectionresult",
    "inspections:result_record": "inspections.inspectionresult",
    "inspections:item_submit": "inspections.rectificationitem",
    "inspections:item_close": "inspections.rectificationitem",
    "inspections:item_send_back": "inspections.rectificationitem",
    "reports:report_edit_section": "reports.report",
    "reports:report_regenerate": "reports.report",
    "reports:report_step": "reports.report",
    "reports:report_download": "reports.report",
    "statforms:new_version": "statforms.statform",
    "statforms:issue": "statforms.statform",
    "statforms:schedule": "statforms.statform",
    "statforms:field_add": "statforms.formversion",
    "statforms:rule_add": "statforms.formversion",
    "statforms:publish": "statforms.formversion",
    "statforms:export_yaml": "statforms.formversion",
    "statforms:field_edit": "statforms.formfield",
    "statforms:field_delete": "statforms.formfield",
    "statforms:rule_delete": "statforms.formrule",
    "statforms:submission": "tasks.taskassignment",
    "statforms:template": "tasks.taskassignment",
    "statforms:accept": "tasks.taskassignment",
    "statforms:return": "tasks.taskassignment",
    "statforms:aggregate": "statforms.formtask",
    "dictionary_edit": "units.unittype",  # any dictionary: <label> names its model
    "dictionary_delete": "units.unittype",
}
# Object URLs that belong to a person, not to a unit: no unit relation to vary.
PERSONAL_URLS = {
    "api:token_revoke": "a person's own API token; tests/test_api.py checks that nobody "
    "else can revoke it (404)",
    "job": "a person's own background import; tests/test_ledger_excel.py checks that nobody "
    "else can open it (404)",
    "ledger:import_repeats": "a person's own refused import, run again; "
    "tests/test_entry_quality.py checks that nobody else can (404)",
}
# Views whose ``pk`` is not their ``model`` (e.g. a create page under a parent record).
PK_MODEL_OVERRIDES = {
    "channels:check": "luoshi_channels.channel",
    "duty:item_create": "duty.dutylist",
    "notices:unit_channels": "units.unit",
    "notices:unit_channels_test": "units.unit",
    "audit:object": "ledger.ledgerrecord",  # any logged record: <label> names its model
}
# Values for the other kwargs of a URL, given the object of its pk.
STEPS = {
    "notices:announcement_step": "publish",
    "incidents:step": "analyze",
    "risks:step": "control",
    "reports:report_step": "finalize",
}
EXTRA_KWARGS = {
    "type_code": lambda obj: "special_meeting",
    # a dictionary's or a logged record's model (a dictionary for the list pages)
    "label": lambda obj: obj._meta.label_lower if obj is not None else "units.unittype",
    "unit_pk": lambda obj: _first_assessed_unit(obj),
    "content_type_id": lambda obj: ContentType.objects.get_for_model(obj).pk,
    "object_id": lambda obj: obj.pk,
    "key": lambda obj: _first_section_key(obj),
    "fmt": lambda obj: "docx",
    "param": lambda obj: "password_max_age_days",
}


# model label -> callable(unit) building an object there; the demo district is the fallback.
def _plain_user(world, rel):
    """A user an administrator may edit: not a superuser, no system-admin role."""
    from luoshi.accounts.models import User

    for user in User.objects.filter(is_superuser=False).exclude(groups__role__code="admin"):
        if (
            user.unit
            and relation(world.own, user.unit) == rel
            and not user.username.startswith("matrix_")
        ):
            return user
    return None


RELATION_UNITS = {
    "own": "D02",
    "child": "D0201",
    "parent": "D00",
    "sibling": "D03",
    "other": "D0301",
}


def _review_config(world, rel):
    """三审 configuration: the demo relies on the defaults, so build one per unit."""
    from luoshi.publications.models import ReviewConfig

    unit = Unit.objects.get(code=RELATION_UNITS[rel])
    role = world.roles
    config, _created = ReviewConfig.objects.get_or_create(
        unit=unit,
        defaults={
            "first_role": role["reviewer"],
            "second_role": role["reviewer"],
            "final_role": role["leader"],
            "created_by": world.actors["admin"],
        },
    )
    return config


def _report(world, rel):
    """A generated report (the demo has one, in 宣传部): one per unit, built by the engine."""
    from luoshi.reports.models import Report, ReportKind
    from luoshi.reports.services import create_report

    unit = Unit.objects.get(code=RELATION_UNITS[rel])
    existing = Report.objects.filter(unit=unit).first()
    if existing is not None:
        return existing
    year = datetime.date.today().year
    kind = ReportKind.ANNUAL_SUMMARY
    return create_report(user=world.actors["admin"], unit=unit, year=year, kind=kind)


def _first_section_key(report):
    from luoshi.reports.selectors import editor_sections

    return editor_sections(report.latest_version)[0]["key"]


def _announcement(world, rel):
    """A draft 通知公告 of the unit, addressed to that unit (the demo has none)."""
    from luoshi.notices.models import Announcement

    unit = Unit.objects.get(code=RELATION_UNITS[rel])
    announcement = Announcement.objects.create(
        unit=unit, title=f"公告 {unit.code}", body="请阅知。", created_by=world.actors["admin"]
    )
    announcement.target_units.set([unit])
    return announcement


FACTORIES: dict = {
    "notices.announcement": _announcement,
    "accounts.user": _plain_user,
    "publications.reviewconfig": _review_config,
    "reports.report": _report,
}


def _first_assessed_unit(assessment):
    score = assessment.scores.order_by("pk").first()
    return score.unit_id if score else assessment.unit_id


# --- walking the URL configuration ----------------------------------------------------------


@dataclass
class Route:
    name: str
    route: str
    pattern: URLPattern
    kwargs: list[str] = field(default_factory=list)

    @property
    def view(self):
        callback = self.pattern.callback
        return getattr(callback, "view_class", None) or getattr(callback, "cls", None)

    @property
    def is_api(self) -> bool:
        """A DRF endpoint answers 401/403 itself; pages under /api/ (tokens, the docs page,
        wrapped in login_required) redirect to the login page like every other page."""
        from rest_framework.views import APIView

        view = self.view
        is_drf = isinstance(view, type) and issubclass(view, APIView)
        return is_drf and self.name not in API_PAGES

    def model(self):
        from django.apps import apps

        label = PK_MODEL_OVERRIDES.get(self.name) or FUNCTION_VIEW_MODELS.get(self.name)
        if label:
            return apps.get_model(label)
        view = self.view
        model = getattr(view, "model", None)
        if model is None and getattr(view, "queryset", None) is not None:
            model = view.queryset.model
        return model

    def permission(self) -> tuple[str, ...] | None:
        """What a ScopedMixin-style view demands; None when the view decides itself."""
        view = self.view
        if view is None or not hasattr(view, "get_permission_required"):
            return None
        try:
            return tuple(view().get_permission_required())
        except Exception:
            return None


# DRF views that are pages of the site rather than endpoints: anonymous → the login page.
API_PAGES = {
    "api:docs": "Swagger UI for people, wrapped in login_required",
    "api:redoc": "ReDoc for people, wrapped in login_required",
}


def all_patterns(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from all_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            route = prefix + str(entry.pattern)
            yield Route(name or route, route, entry, list(entry.pattern.converters))


def luoshi_routes():
    return [
        r
        for r in all_patterns()
        if not r.name.startswith(NOT_MATRIXED_PREFIXES) and not r.route.startswith("django-admin/")
    ]


def fill(route: Route, values: dict) -> str:
    """The URL of ``route`` with ``values`` for its kwargs (works for path() and re_path())."""
    from django.urls import reverse

    try:
        return reverse(route.name, kwargs=values) if values else reverse(route.name)
    except Exception:
        path = "/" + route.route
        for key, value in values.items():
            path = path.replace(f"<int:{key}>", str(value)).replace(f"<slug:{key}>", str(value))
            path = path.replace(f"<str:{key}>", str(value)).replace(f"<{key}>", str(value))
        return path


def dummy_kwargs(route: Route) -> dict:
    out = {}
    for key, converter in route.pattern.pattern.converters.items():
        if key == "format":  # DRF's format suffix (the API root's ".json")
            out[key] = "json"
        else:
            out[key] = 999999 if "Int" in type(converter).__name__ else "x"
    regex = getattr(route.pattern.pattern, "regex", None)  # re_path(): DRF router routes
    if not out and regex is not None and not route.pattern.pattern.converters:
        for key in regex.groupindex:
            out[key] = {"format": "json"}.get(key, 999999 if key in ("pk", "id") else "x")
    return out


ROUTES = luoshi_routes()


def test_the_walk_finds_every_app():
    apps_seen = {r.route.split("/")[0] for r in ROUTES}
    for prefix in ("ledger", "units", "tasks", "evidence", "duty", "risks", "inspections"):
        assert prefix in apps_seen
    assert len(ROUTES) > 100


# --- anonymous ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_anonymous_reaches_nothing_but_the_login_page(client, db, route):
    url = fill(route, dummy_kwargs(route))
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if route.name in PUBLIC_URLS:
            assert response.status_code < 500 or (
                route.name in PROBES and response.status_code == 503
            )
            continue
        if route.is_api:
            assert response.status_code in (401, 403), (method, url, response.status_code)
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), (method, url)


def test_public_allowlist_is_current():
    names = {r.name for r in all_patterns()}
    for name, reason in PUBLIC_URLS.items():
        assert name in names, f"stale PUBLIC_URLS entry {name}"
        assert reason


def test_static_files_are_public(client, db):
    assert client.get("/static/luoshi/app.css").status_code == 200


# --- the world: demo district + one acting user per default role in 宣传部 -----------------


@pytest.fixture(scope="module")
def evidence_dir(_demo_district_once):
    """The run's demo evidence folder (the district's files are there)."""
    return _demo_district_once.evidence_dir


@pytest.fixture(autouse=True)
def _module_evidence_storage(_private_evidence_root, evidence_dir):
    with evidence_files_in(evidence_dir):
        yield


# The menu counts (待办) of the acting users, kept from one test of the matrix to the next
# (``_empty_cache`` below): the world is the same in every test (each request is rolled back),
# and a count computed once a role is the count of every later page of the role.
KEPT_CACHE_KEYS: list[str] = []


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (tests/conftest.py), but for the acting users'
    menu counts: computed on every test's first page of a role, they were a third of the
    matrix's time. A step taken in a test forgets its actor's count (``core.todo``)."""
    kept = cache.get_many(KEPT_CACHE_KEYS)
    cache.clear()
    cache.set_many(kept, todo.COUNT_SECONDS)


@pytest.fixture(scope="module")
def world(_demo_district_once, django_db_blocker, _client_handler):
    """The run's demo district (built once, tests/conftest.py) and, in a savepoint of it rolled
    back after the module, one signed-in acting user per default role in 宣传部."""
    with django_db_blocker.unblock(), transaction.atomic():
        own = Unit.objects.get(code=OWN_UNIT)
        clients, actors, roles = {}, {}, {}
        for code in DEFAULT_ROLES:
            roles[code] = Role.objects.get(code=code)
            actors[code] = make_user(f"matrix_{code}", own, code)
            clients[code] = Client()
            clients[code].handler = _client_handler
            clients[code].force_login(actors[code])
            KEPT_CACHE_KEYS.append(todo.count_key(actors[code].pk))
        from django.test import RequestFactory

        superuser_request = RequestFactory().get("/")
        superuser_request.user = make_user("matrix_root", own, is_superuser=True)
        yield SimpleNamespace(
            own=own,
            roles=roles,
            actors=actors,
            clients=clients,
            seen={},
            superuser_request=superuser_request,
        )
        transaction.set_rollback(True)
    KEPT_CACHE_KEYS.clear()


def relation(own: Unit, target: Unit) -> str:
    if target.pk == own.pk:
        return "own"
    if target.path.startswith(own.path):
        return "child"
    if own.path.startswith(target.path):
        return "parent"
    if target.depth == own.depth and target.path[: -Unit.steplen] == own.path[: -Unit.steplen]:
        return "sibling"
    return "other"


def unit_of(model, obj):
    """The unit that owns ``obj`` by its model's ScopeSpec (None: not unit data)."""
    if model is Unit:
        return obj
    if not is_scoped(model):
        return None
    node = obj
    for part in model.scope_spec.unit.split("__") if model.scope_spec.unit else []:
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def owner_of(model, obj):
    spec = getattr(model, "scope_spec", None)
    if not spec or not spec.owner:
        return None
    node = obj
    for part in spec.owner.split("__"):
        node = getattr(node, part, None)
    return node


def has_own_visibility_rule(model) -> bool:
    method = type(model._default_manager.all()).for_user
    return method is not ScopedQuerySet.for_user


def addressable(world, route, model):
    """The rows the view can address at all (its queryset as a superuser sees it).

    Picks e.g. a draft for an edit page that only drafts reach; falls back to every row.
    """
    view = route.view
    if view is not None and hasattr(view, "get_queryset") and route.name not in PK_MODEL_OVERRIDES:
        try:
            instance = view()
            instance.request = world.superuser_request
            instance.kwargs, instance.args = {}, ()
            queryset = instance.get_queryset()
            if queryset.model is model:
                return queryset.order_by("pk")
        except Exception:
            pass
    return model._default_manager.order_by("pk")


def object_for(world, route, model, rel: str):
    """An object of ``model`` whose unit stands in ``rel`` to the actors' unit, or None."""
    if model._meta.label_lower in FACTORIES:
        # made inside the test's savepoint: never kept for another test (rolled back by then)
        return FACTORIES[model._meta.label_lower](world, rel)
    key = (route.name, rel)
    if key in world.seen:
        return world.seen[key]
    found = None
    for obj in addressable(world, route, model)[:3000]:
        unit = unit_of(model, obj)
        if unit is None:
            found = obj if rel == "own" else None
            break
        if relation(world.own, unit) == rel:
            found = obj
            break
    world.seen[key] = found
    return found


def in_scope(world, role_code, model, obj) -> bool:
    user = world.actors[role_code]
    unit = unit_of(model, obj)
    if unit is None:
        return True  # dictionaries and configuration: no data scope
    if has_own_visibility_rule(model):
        return model._default_manager.for_user(user).filter(pk=obj.pk).exists()
    return unit_in_scope(world.roles[role_code], user, unit, owner=owner_of(model, obj))


def allowed(world, role_code, perms) -> bool:
    user = world.actors[role_code]
    return all(user.has_perm(p) for p in perms)


def addresses_an_object(route) -> bool:
    return "pk" in route.kwargs or "object_id" in route.kwargs


OBJECT_ROUTES = [
    r
    for r in ROUTES
    if addresses_an_object(r)
    and r.name not in PUBLIC_URLS
    and r.name not in PERSONAL_URLS
    and not r.is_api
]
LIST_ROUTES = [
    r for r in ROUTES if not addresses_an_object(r) and r.name not in PUBLIC_URLS and not r.is_api
]
MATRIX_COUNTS = {"requests": 0, "cases": 0}


def kwargs_for(route: Route, obj) -> dict:
    values = {}
    for key in route.kwargs:
        if key == "pk":
            values[key] = obj.pk
        elif key == "step":
            values[key] = STEPS[route.name]
        elif key in EXTRA_KWARGS:
            values[key] = EXTRA_KWARGS[key](obj)
        else:
            pytest.fail(f"URL {route.name}: no value for kwarg <{key}>; add it to EXTRA_KWARGS")
    return values


def request(client, route, url):
    """GET the page; a POST-only view (405) is POSTed empty, inside a rolled-back savepoint."""
    with transaction.atomic():
        response = client.get(url)
        method = "GET"
        if response.status_code == 405:
            response = client.post(url)
            method = "POST"
        transaction.set_rollback(True)
    MATRIX_COUNTS["requests"] += 1
    return method, response


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=[r.name for r in OBJECT_ROUTES])
def test_object_url_matrix(db, world, route):
    model = route.model()
    assert model is not None, (
        f"URL {route.name} ({route.route}): cannot tell its model; give the view a `model` "
        f"or add it to FUNCTION_VIEW_MODELS"
    )
    perms = route.permission()
    covered = []
    for rel in RELATIONS:
        obj = object_for(world, route, model, rel)
        if obj is None:
            continue
        covered.append(rel)
        url = fill(route, kwargs_for(route, obj))
        for role_code in DEFAULT_ROLES:
            method, response = request(world.clients[role_code], route, url)
            status = response.status_code
            where = f"{method} {url} ({route.name}) as {role_code}, object in {rel} unit"
            assert status < 500, where
            visible = in_scope(world, role_code, model, obj)
            if perms is not None and not allowed(world, role_code, perms):
                assert status == 403, f"{where}: lacks {perms}, got {status}"
            elif not visible:
                assert status in (403, 404), f"LEAK {where}: out of scope, got {status}"
            elif perms is not None:
                assert status not in (403, 404), f"{where}: in scope with {perms}, got {status}"
            MATRIX_COUNTS["cases"] += 1
    assert covered, (
        f"no object of model {model._meta.label} for URL {route.name}: "
        f"register a factory in FACTORIES or add it to the demo district"
    )


def listed_objects(response):
    context = response.context or {}
    for key in ("object_list", "page_obj"):
        if key in context:
            return list(context[key])
    return None


@pytest.mark.parametrize("route", LIST_ROUTES, ids=[r.name for r in LIST_ROUTES])
def test_list_url_matrix(db, world, route):
    """Every row a list page (or its Excel export) shows is in the user's scope."""
    model = route.model()
    perms = route.permission()
    for role_code in DEFAULT_ROLES:
        client = world.clients[role_code]
        url = fill(route, {k: EXTRA_KWARGS[k](None) for k in route.kwargs})
        method, response = request(client, route, url)
        where = f"{method} {route.route} as {role_code}"
        assert response.status_code < 500, where
        if perms is not None and not allowed(world, role_code, perms):
            assert response.status_code == 403, where
            continue
        assert response.status_code not in (404,), where
        rows = listed_objects(response) if method == "GET" else None
        if model is None or rows is None or not is_scoped(model):
            continue
        for obj in rows:
            if isinstance(obj, model):
                assert in_scope(world, role_code, model, obj), f"LEAK {where}: lists {obj!r}"
        if response.context.get("can_export"):
            export = client.get(url, {"export": "xlsx"})
            assert export.status_code == 200, where
            sheet = load_workbook(BytesIO(export.content)).active
            paginator = response.context.get("paginator")
            if paginator is not None:
                assert sheet.max_row - 1 == paginator.count, f"{where}: export ≠ list"


def test_every_object_url_is_in_the_matrix():
    """Guard against silently skipped URLs: every URL with kwargs is matrixed, public or
    personal (documented in PERSONAL_URLS)."""
    for route in ROUTES:
        if not route.is_api and route.name not in PUBLIC_URLS and route.name not in PERSONAL_URLS:
            assert (route in OBJECT_ROUTES) != (route in LIST_ROUTES), route.name


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    if os.environ.get("URL_MATRIX_REPORT"):
        print(
            f"\nURL matrix: {len(ROUTES)} urls, {len(OBJECT_ROUTES)} object urls × "
            f"{len(DEFAULT_ROLES)} roles × {len(RELATIONS)} relations: "
            f"{MATRIX_COUNTS['cases']} cases, {MATRIX_COUNTS['requests']} requests"
        )


# --- writes: every POST endpoint × role × relation -------------------------------------------
#
# Generated like the reads: every URL whose view takes a POST (class views with ``post``,
# the function views of FUNCTION_VIEW_MODELS but downloads) is POSTed by each default role
# on an object of the own / child / sibling / parent unit, with the payload its page would
# send (the form as a system administrator sees it, plus a comment for steps), inside a
# savepoint that is rolled back. Evidence uploads are POSTed onto every model that owns
# evidence, final records included. The oracle:
#
# * lacking the view's permission → 403; out of the role's read scope → 404 (or 403);
# * and in every refused case NOTHING is written (no INSERT/UPDATE/DELETE on a data table,
#   seen with CaptureQueriesContext);
# * the record final (``frozen_label``: 已采纳, 已销号, 已发布 …) → nothing written, except
#   the documented ways out of a final state (FROZEN_EXITS);
# * edits, deletes and evidence writes need the record's own unit in the role's scope
#   (``unit_in_scope``): a role that reads it from the other side (the issuer of a task,
#   the launcher of a screening, an inspection team) writes nothing through these;
#   workflow steps are the workflow's decision (their own tests), here: never a 500;
# * create pages and imports: a POST naming a unit outside the scope writes nothing.

WRITE_RELATIONS = ["own", "child", "sibling", "parent"]
# Tables a refused request may still touch: the session, the refusal's own log line.
# Session bookkeeping: a session notes its last activity at most every 5 minutes, so a long
# run writes it on whichever request comes after the mark; not a write of the page.
NOT_DATA_TABLES = ("django_session", "accounts_usersession", "audit_loginlog", "axes_")
# Steps out of a final state, each a decision of its own (tested in the module's tests).
FROZEN_EXITS = {
    "duty:reopen": "撤回签署: the 第一/直接责任人, with a reason (tests/test_duty_lists.py)",
}
READ_ONLY_FUNCTION_VIEWS = {
    "evidence:download",
    "reports:report_download",
    "notices:open",
    "statforms:export_yaml",
    "statforms:template",
    "statforms:aggregate",
}
STEP_FUNCTION_VIEWS = {
    "tasks:submit",
    "tasks:accept",
    "tasks:return",
    "tasks:urge",
    "inspections:plan_start",
    "inspections:plan_complete",
    "inspections:result_scores",
    "inspections:result_finding",
    "inspections:result_record",
    "inspections:item_submit",
    "inspections:item_close",
    "inspections:item_send_back",
    "reports:report_step",
    "reports:report_regenerate",
    "reports:report_edit_section",
    "statforms:accept",
    "statforms:return",
}
EVIDENCE_ROUTES = {"evidence:upload", "evidence:add_link", "evidence:replace", "evidence:delete"}
WRITE_COUNTS = {"requests": 0, "cases": 0, "refused": 0}


def takes_post(route) -> bool:
    if route.view is None:
        return route.name in FUNCTION_VIEW_MODELS and route.name not in READ_ONLY_FUNCTION_VIEWS
    return hasattr(route.view, "post")


def write_kind(route) -> str:
    """edit (the record's own unit must be writable), step (the workflow decides)."""
    from luoshi.core.views import ScopedActionView

    if route.name in EVIDENCE_ROUTES:
        return "evidence"
    if route.name in STEP_FUNCTION_VIEWS:
        return "step"
    view = route.view
    if view is not None and issubclass(view, ScopedActionView):
        return "step"
    if view is not None and ("Step" in view.__name__ or "Action" in view.__mro__[1].__name__):
        return "step"
    if route.name in ("channels:close", "events:held", "duty:sign", "duty:reopen"):
        return "step"
    return "edit"


WRITE_ROUTES = [r for r in OBJECT_ROUTES if takes_post(r)]
CREATE_ROUTES = [r for r in LIST_ROUTES if takes_post(r) and r.view is not None]


def data_writes(queries) -> list[str]:
    import re

    tables = []
    for query in queries:
        sql = query["sql"].lstrip()
        match = re.match(r'(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', sql, re.IGNORECASE)
        if match and not match.group(1).startswith(NOT_DATA_TABLES):
            tables.append(match.group(1))
    return tables


def post_counted(client, url, data):
    """POST inside a rolled-back savepoint; the tables it wrote to."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        transaction.set_rollback(True)
    WRITE_COUNTS["requests"] += 1
    return response, data_writes(queries.captured_queries)


def page_payload(world, url) -> dict:
    """What the page's form would post as it stands (seen by the system administrator)."""
    key = ("payload", url)
    if key not in world.seen:
        with transaction.atomic():
            response = world.clients["admin"].get(url)
            transaction.set_rollback(True)
        data = {"comment": "写入矩阵：意见", "reason": "写入矩阵：理由"}
        form = (response.context or {}).get("form") if response.status_code == 200 else None
        if form is not None:
            for bound in form:
                value = bound.value()
                if value is None or value is False:
                    continue
                if isinstance(value, list | tuple):
                    data[bound.html_name] = [str(v) for v in value]
                elif value is True:
                    data[bound.html_name] = "on"
                else:
                    data[bound.html_name] = bound.field.widget.format_value(value) or ""
        world.seen[key] = data
    return world.seen[key]


def own_unit_writable(world, role_code, model, obj) -> bool:
    """The record's own unit in the role's scope (reads from the other side do not count)."""
    unit = unit_of(model, obj)
    if unit is None:
        return True
    user = world.actors[role_code]
    return unit_in_scope(world.roles[role_code], user, unit, owner=owner_of(model, obj))


def final_record(model, obj):
    from luoshi.core.workflow import frozen_label
    from luoshi.evidence.models import Evidence

    if model is Evidence:
        return frozen_label(obj.owner) if obj.owner is not None else None
    return frozen_label(obj)


def judge_write(world, route, role_code, model, obj, rel, response, writes, perms):
    status = response.status_code
    where = f"POST {route.name} as {role_code}, object in {rel} unit"
    assert status < 500, where
    written = bool(writes)
    if perms is not None and not allowed(world, role_code, perms):
        assert status == 403 and not written, f"{where}: lacks {perms}: {status} {writes}"
        return False
    if not in_scope(world, role_code, model, obj):
        assert status in (403, 404) and not written, f"LEAK {where}: {status} {writes}"
        return False
    if final_record(model, obj) and route.name not in FROZEN_EXITS:
        assert not written, f"{where}: the record is final, yet {writes}"
        return False
    check = obj if model.__name__ != "Evidence" else obj.owner
    check_model = type(check)
    if write_kind(route) in ("edit", "evidence") and not own_unit_writable(
        world, role_code, check_model, check
    ):
        assert not written, f"{where}: read from the other side, yet wrote {writes}"
        return False
    return True


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=[r.name for r in WRITE_ROUTES])
def test_write_matrix(db, world, route):
    model = route.model()
    covered = []
    for rel in [*WRITE_RELATIONS, "other"]:
        if rel == "other" and covered:
            break  # "other" only when the demo has the model in none of the four
        obj = object_for(world, route, model, rel)
        if obj is None:
            continue
        covered.append(rel)
        _post_as_every_role(world, route, model, obj, rel)
    final = final_case(world, model)
    if final is not None:  # a final record refuses every write, whoever may write it else
        _post_as_every_role(world, route, model, final[1], final[0])
    assert covered, f"no object of model {model._meta.label} for POST {route.name}"


def _post_as_every_role(world, route, model, obj, rel):
    url = fill(route, kwargs_for(route, obj))
    data = page_payload(world, url)
    perms = route.permission()
    for role_code in DEFAULT_ROLES:
        response, writes = post_counted(world.clients[role_code], url, data)
        entitled = judge_write(world, route, role_code, model, obj, rel, response, writes, perms)
        WRITE_COUNTS["cases"] += 1
        WRITE_COUNTS["refused"] += not entitled


def final_case(world, model):
    """(relation, record) of the demo's first final record of ``model`` (its own final
    state, or its parent's: ``frozen_label``; evidence: its owner's), else ``None``."""
    key = ("final", model._meta.label_lower)
    if key not in world.seen:
        world.seen[key] = None
        for obj in model._default_manager.order_by("pk")[:3000]:
            if final_record(model, obj):
                unit = unit_of(model, obj)
                world.seen[key] = (relation(world.own, unit) if unit else "other", obj)
                break
    return world.seen[key]


def evidence_owner_models():
    from django.apps import apps
    from django.contrib.contenttypes.fields import GenericRelation

    from luoshi.evidence.models import Evidence

    return [
        m
        for m in apps.get_models()
        if any(
            isinstance(f, GenericRelation) and f.related_model is Evidence
            for f in m._meta.private_fields
        )
    ]


def evidence_owners(world, model):
    """One record per relation, and a final one wherever the demo holds one."""
    from luoshi.core.workflow import frozen_label

    picked, final = {}, None
    for obj in model._default_manager.order_by("pk")[:3000]:
        rel = relation(world.own, unit_of(model, obj))
        if rel in WRITE_RELATIONS and rel not in picked:
            picked[rel] = obj
        if final is None and frozen_label(obj):
            final = (rel, obj)
        if len(picked) == len(WRITE_RELATIONS) and final:
            break
    cases = list(picked.items())
    if final and final[1] not in picked.values():
        cases.append(final)
    return cases


@pytest.mark.parametrize(
    "model", evidence_owner_models(), ids=lambda m: m._meta.label_lower if m else ""
)
def test_evidence_upload_matrix(db, world, model):
    """Issue 13 items 4 and 5 across every evidence owner: an upload is taken only from
    the owner's own unit side, never onto a final record."""
    from tests.factories import pdf_upload

    route = next(r for r in WRITE_ROUTES if r.name == "evidence:upload")
    content_type = ContentType.objects.get_for_model(model).pk
    cases = evidence_owners(world, model)
    for rel, obj in cases:
        url = fill(route, {"content_type_id": content_type, "object_id": obj.pk})
        for role_code in DEFAULT_ROLES:
            perm = f"{model._meta.app_label}.change_{model._meta.model_name}"
            response, writes = post_counted(
                world.clients[role_code], url, {"files": [pdf_upload("矩阵.pdf")]}
            )
            entitled = judge_write(world, route, role_code, model, obj, rel, response, writes, None)
            if not world.actors[role_code].has_perm(perm):
                assert response.status_code == 403 and not writes, (model, role_code)
            elif entitled:
                assert "evidence_evidence" in writes, f"{model} {rel} {role_code}: not taken"
            WRITE_COUNTS["cases"] += 1
    assert cases or model._meta.label_lower in ("assessment.assessmentscore",), model


@pytest.mark.parametrize("route", CREATE_ROUTES, ids=[r.name for r in CREATE_ROUTES])
def test_create_and_import_matrix(db, world, route):
    """A create page or an import POSTed for a unit outside the role's scope writes
    nothing; a role without the permission gets 403."""
    perms = route.permission()
    url = fill(route, {k: EXTRA_KWARGS[k](None) for k in route.kwargs})
    base = page_payload(world, url)
    for rel in WRITE_RELATIONS:
        unit = Unit.objects.get(code=RELATION_UNITS[rel])
        data = {**base, "unit": str(unit.pk)} if "unit" in base else base
        for role_code in DEFAULT_ROLES:
            response, writes = post_counted(world.clients[role_code], url, data)
            where = f"POST {route.name} as {role_code} for the {rel} unit"
            assert response.status_code < 500, where
            if perms is not None and not allowed(world, role_code, perms):
                assert response.status_code == 403 and not writes, f"{where}: {writes}"
            elif "unit" in base and not unit_in_scope(
                world.roles[role_code], world.actors[role_code], unit
            ):
                assert not writes, f"{where}: out of scope, yet wrote {writes}"
            WRITE_COUNTS["cases"] += 1


def test_every_post_url_is_in_the_write_matrix():
    """Guard: every URL that takes a POST is in one of the write matrices above."""
    for route in ROUTES:
        if route.is_api or route.name in PUBLIC_URLS or route.name in PERSONAL_URLS:
            continue
        if takes_post(route):
            assert route in WRITE_ROUTES or route in CREATE_ROUTES or route.view is None, route


@pytest.fixture(scope="module", autouse=True)
def _report_write_counts():
    yield
    if os.environ.get("URL_MATRIX_REPORT"):
        print(
            f"\nWrite matrix: {len(WRITE_ROUTES)} object POST urls + {len(CREATE_ROUTES)} "
            f"create/import urls × {len(DEFAULT_ROLES)} roles × {len(WRITE_RELATIONS)} "
            f"relations: {WRITE_COUNTS['cases']} cases ({WRITE_COUNTS['refused']} refused, "
            f"nothing written), {WRITE_COUNTS['requests']} requests"
        )
