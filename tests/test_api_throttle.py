"""The API's anonymous rate is counted per client address as luoshi.core.client_address
finds it: behind a trusted proxy each client has its own allowance, and a forged
X-Forwarded-For from anywhere else buys none."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.request import Request

from luoshi.api.throttling import AnonThrottle, UserThrottle

PROXY = "127.0.0.1"


@pytest.fixture
def one_per_minute(settings):
    settings.API_THROTTLE_RATES = {"user": "1/minute", "anon": "1/minute"}
    settings.TRUSTED_PROXIES = [PROXY]
    cache.clear()
    yield
    cache.clear()


def anonymous(peer: str, forwarded: str = "") -> Request:
    extra = {"REMOTE_ADDR": peer}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = Request(RequestFactory().get("/api/v1/units/", **extra))
    request._request.user = request._user = None  # no authentication ran
    return request


def allowed(throttle_class, request) -> bool:
    return throttle_class().allow_request(request, view=None)


@pytest.mark.parametrize("throttle_class", [AnonThrottle, UserThrottle])
def test_clients_behind_the_trusted_proxy_each_have_their_own_allowance(
    one_per_minute, throttle_class
):
    first, second = "198.51.100.7", "203.0.113.9"
    assert allowed(throttle_class, anonymous(PROXY, first))
    assert not allowed(throttle_class, anonymous(PROXY, first))
    assert allowed(throttle_class, anonymous(PROXY, second))  # not the proxy's shared bucket


def test_a_forged_forwarded_header_buys_no_fresh_allowance(one_per_minute):
    client = "192.0.2.44"  # not a trusted proxy: its own header is not believed
    assert allowed(AnonThrottle, anonymous(client, "10.0.0.1"))
    assert not allowed(AnonThrottle, anonymous(client, "10.0.0.2"))
    assert not allowed(AnonThrottle, anonymous(client))
