"""/healthz (database, cache, evidence storage, the background worker's heartbeat) and /readyz
(migrations applied, static files present) for load balancers and monitoring: no login, JSON,
200 when every check is "ok" (or the worker is "not used"), else 503."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from luoshi.health import checks

PASSING = {checks.OK, "not used"}


def _answer(results: dict[str, str]) -> JsonResponse:
    healthy = all(value in PASSING for value in results.values())
    body = {"status": "ok" if healthy else "error", "checks": results}
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
@never_cache
@require_safe
def healthz(request):
    return _answer(checks.health())


@login_not_required
@never_cache
@require_safe
def readyz(request):
    return _answer(checks.readiness())
