"""Request rates per user (token or session) and per anonymous client address, from
settings.API_THROTTLE_RATES (env API_THROTTLE_USER / API_THROTTLE_ANON), read when a request
comes (not when the class is defined), so that a changed setting applies."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _FromSettings:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)


class UserThrottle(_FromSettings, UserRateThrottle):
    pass


class AnonThrottle(_FromSettings, AnonRateThrottle):
    pass
