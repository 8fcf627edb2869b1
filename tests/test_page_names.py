"""A list page has one name, the menu's: the breadcrumb and "back to the list" of its records'
pages and its Excel sheet call it as the menu does (``luoshi.core.navigation.page_label``);
``list_label`` names only a page the menu does not show."""

from django.urls import get_resolver, reverse

from luoshi.core.navigation import page_label
from luoshi.core.views import ScopedMixin


def _views(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _views(sub)


def test_no_view_renames_a_page_the_menu_names():
    assert get_resolver().url_patterns  # imports every view module
    renamed = sorted(
        f"{view.__module__}.{view.__qualname__}: {view.list_url_name}"
        for view in _views(ScopedMixin)
        if view.list_url_name
        and page_label(view.list_url_name)
        and any("list_label" in vars(base) for base in view.__mro__ if base is not ScopedMixin)
    )
    assert renamed == [], "the menu names these pages: drop their list_label"


def test_a_record_page_leads_back_under_the_menu_s_name(client, users):
    client.force_login(users.admin)
    response = client.get(reverse("events:chain_create"))
    assert response.status_code == 200
    breadcrumb = f'<a href="{reverse("events:chains")}">备案流程与规则</a>'
    assert breadcrumb in response.content.decode()
