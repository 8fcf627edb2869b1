"""The error pages (400, 403, 404, 500): Chinese, inside the product's layout, with a way back.

Django's own handlers render bare English pages. These render ``errors/page.html`` (the layout
for a signed-in user, a plain card otherwise). The 500 page uses no context processors and no
database: whatever failed must not fail again while the error is shown.
"""

from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

_PAGES = {
    400: ("x-octagon", "请求无法处理", "请求的参数不正确，请返回后重试。"),
    403: (
        "shield-lock",
        "没有权限",
        "您的角色没有这项操作的权限。如需办理，请联系本单位的单位管理员。",
    ),
    404: (
        "signpost-split",
        "页面不存在",
        "您要找的页面不存在，或不在您的数据范围内。请检查网址，或从菜单进入。",
    ),
}
_API_CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found"}


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, status: int) -> HttpResponse:
    icon, heading, text = _PAGES[status]
    if _wants_json(request):
        return JsonResponse({"detail": _(heading), "code": _API_CODES[status]}, status=status)
    context = {"error_icon": icon, "error_heading": _(heading), "error_text": _(text)}
    body = loader.render_to_string("errors/page.html", context, request)
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return error_response(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return error_response(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return error_response(request, 404)


@requires_csrf_token
def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": _("服务器内部错误"), "code": "server_error"}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render())
