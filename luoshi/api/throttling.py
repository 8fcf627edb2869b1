"""Request rates per user (token or session) and per anonymous client address, from
settings.API_THROTTLE_RATES (env API_THROTTLE_USER / API_THROTTLE_ANON), read when a request
comes (not when the class is defined), so that a changed setting applies.

An anonymous client is counted by its address as ``luoshi.core.client_address`` finds it
(X-Forwarded-For believed only from TRUSTED_PROXIES): behind the shipped nginx every client
would otherwise share the proxy's address, and a forged header would buy a fresh allowance."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from luoshi.core.client_address import client_address


class _FromSettings:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_address(request) or request.META.get("REMOTE_ADDR", "")


class UserThrottle(_FromSettings, UserRateThrottle):
    pass


class AnonThrottle(_FromSettings, AnonRateThrottle):
    pass
