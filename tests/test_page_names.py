"""A list page has one name, the menu's: the breadcrumb and "back to the list" of its records'
pages and its Excel sheet call it as the menu does (``luoshi.core.navigation.page_label``);
``list_label`` names only a page the menu does not show, and a template links to a page the
menu shows with ``{% page_link %}``."""

import re
from pathlib import Path

import pytest
from django.urls import get_resolver, reverse

from luoshi.core.navigation import MENU, page_label
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


# A breadcrumb link that writes its own label (a link in a sentence says what it says):
# <li class="breadcrumb-item"><a href="{% url 'x:y' %}">{% translate "…" %}</a>
OWN_LABEL = re.compile(
    r"""breadcrumb-item"><a href="\{% url ['"]([^'"]+)['"] %\}">\{% translate """
)


PAGE_LINK = re.compile(r"""\{% page_link ['"]([^'"]+)['"] %\}""")
PACKAGE = Path(__file__).resolve().parent.parent / "luoshi"


def _template_links(pattern) -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(PACKAGE)), url_name)
        for path in sorted(PACKAGE.rglob("templates/**/*.html"))
        for url_name in pattern.findall(path.read_text(encoding="utf-8"))
    ]


def test_no_template_renames_a_page_the_menu_names():
    menu_pages = {item.url_name for group in MENU for item in group.items}
    renamed = [link for link in _template_links(OWN_LABEL) if link[1] in menu_pages]
    assert renamed == [], "link to these pages with {% page_link %}"


def test_every_page_link_names_a_page_of_the_menu():
    """``{% page_link %}`` refuses (an error page) a page the menu does not show."""
    links = _template_links(PAGE_LINK)
    assert len(links) >= 30
    assert [link for link in links if page_label(link[1]) is None] == []


@pytest.mark.parametrize(
    ("page", "list_page", "menu_name"),
    [
        ("events:chain_create", "events:chains", "备案流程与规则"),  # a view's get_list_label
        ("reports:baseline_import", "reports:baseline_list", "往年报告导入"),  # {% page_link %}
    ],
)
def test_a_breadcrumb_names_the_list_page_as_the_menu_does(
    client, users, page, list_page, menu_name
):
    client.force_login(users.admin)
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert f'<a href="{reverse(list_page)}">{menu_name}</a>' in response.content.decode()
