"""One error format for the whole API, in Chinese: ``{"detail": "…", "code": "…"}``, plus
``"errors": {field: [messages]}`` for invalid input. DRF's own errors go through
``exception_handler`` (REST_FRAMEWORK["EXCEPTION_HANDLER"]); an unknown address under /api/
(Django's 404, before any API view) through ``not_found``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from luoshi.core import errors
from luoshi.core.workflow import WorkflowError


class Conflict(exceptions.APIException):
    """The record's state does not allow the change (submitted, approved, signed…)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("当前状态不允许此操作。")
    default_code = "conflict"


def invalid(errors: dict) -> exceptions.ValidationError:
    """Bad input: ``errors`` is {field: [messages]} (form-wide ones under
    ``non_field_errors``)."""
    return exceptions.ValidationError(errors)


def _code(exc) -> str:
    detail = getattr(exc, "detail", None)
    return getattr(detail, "code", None) or getattr(exc, "default_code", "error")


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # get_object_or_404's English "No Unit matches the given query." never reaches
        # the client: a missing and an out-of-scope record look the same.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, WorkflowError):  # a step the record's state or the user may not take
        exc = Conflict(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _("输入有误，请按提示修改。"),
            "code": "invalid",
            "errors": errors,
        }
    else:
        response.data = {"detail": str(exc.detail), "code": _code(exc)}
    return response


def page_not_found(request, exception=None):
    """handler404: under /api/ the API's JSON error; the site's pages keep their 404 page."""
    if not request.path.startswith("/api/"):
        return errors.page_not_found(request, exception)
    body = {"detail": str(exceptions.NotFound.default_detail), "code": "not_found"}
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
