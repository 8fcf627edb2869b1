"""Every create page, fuzzed: hypothesis fills each field of the rendered form with hostile
text or numbers and posts it. Never a 500; a refusal re-shows the form with Chinese errors;
an accepted post redirects. Pages are found from the URL configuration (every view built on
``ScopedCreateView`` without URL arguments), field names from the page's own HTML.

``FUZZ_EXAMPLES`` / 20 examples per page (3 in CI; ``make fuzz``: 100).
"""

import html
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.core.views import ScopedCreateView
from tests.test_url_matrix import ROUTES, fill

EXAMPLES = max(1, int(os.environ.get("FUZZ_EXAMPLES", "60")) // 20)
CREATE_ROUTES = [
    r
    for r in ROUTES
    if not r.kwargs and r.view is not None and issubclass(r.view, ScopedCreateView)
]
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="<>\"'&;=+-@%{}[]\\/\x00", max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            "=1+1",
            "-1",
            "0",
            "9" * 30,
            "2026-02-30",
            "../../etc/passwd",
            "null",
            "１２３",
            "\u202e",
            "a" * 5000,
        ]
    ),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def field_names(page: str) -> list[str]:
    names = re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', page)
    skip = {"csrfmiddlewaretoken"}
    return sorted({html.unescape(n) for n in names} - skip)


def test_there_are_create_pages_to_fuzz():
    assert len(CREATE_ROUTES) >= 10


@pytest.mark.parametrize("route", CREATE_ROUTES, ids=[r.name for r in CREATE_ROUTES])
def test_fuzz_create_form(client, users, route):
    client.force_login(users.admin)
    url = fill(route, {})
    page = client.get(url)
    assert page.status_code == 200, url
    names = field_names(page.content.decode())
    assert names, f"no form fields found on {url}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(values=st.fixed_dictionaries({name: HOSTILE for name in names}))
    def post(values):
        values = {k: v.replace("\x00", "") for k, v in values.items()}
        response = client.post(url, values)
        assert response.status_code in (200, 302), (url, response.status_code, values)
        if response.status_code == 200:
            form = response.context.get("form") if response.context else None
            if form is not None and form.errors:
                for errors in form.errors.values():
                    for message in errors:
                        assert CJK.search(str(message)), (url, message)
            body = response.content.decode()
            assert "<script>alert(1)</script>" not in body

    post()


def test_an_id_beyond_the_integer_range_is_an_invalid_choice(client, users):
    from django.urls import reverse

    client.force_login(users.admin)
    response = client.post(
        reverse("publications:config_create"), {"first_role": "9" * 30, "unit": "-" + "9" * 25}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
