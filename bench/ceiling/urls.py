"""luoshi's URLs plus the throughput ceiling: the cheapest view a signed-in user can ask for
(session and user loaded by the same middleware, no query of its own, no template)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def ceiling(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench_ceiling"),
    path("", include("luoshi.urls")),
]
