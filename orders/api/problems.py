"""Every API error as application/problem+json (RFC 9457) with a stable `code`."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from opms.core.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_STATUSES = {
    "400": "The request is malformed or a field is invalid.",
    "401": "No valid credentials were sent.",
    "403": "The key's scopes or the user's role do not allow this.",
    "404": "Not found, or not visible to this user.",
    "409": "The request conflicts with the current state (e.g. a duplicate external id).",
    "415": "The body must be JSON.",
    "422": "A business rule refused the request (stock, credit, rules).",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


def problem_response(
    *,
    status_code: int,
    code: str,
    detail: str,
    title: str = "",
    errors: dict | None = None,
    headers: dict | None = None,
    **extra,
) -> Response:
    body = {
        "type": f"urn:opms:problem:{code}",
        "title": title or _title_for(status_code),
        "status": status_code,
        "detail": detail,
        "code": code,
        "errors": errors or {},
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def _title_for(status_code: int) -> str:
    return {
        400: _("Invalid request"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        415: _("Unsupported media type"),
        422: _("Refused by a business rule"),
        429: _("Too many requests"),
    }.get(status_code, _("Error"))


def _flatten_codes(codes):
    if isinstance(codes, dict):
        return {key: _flatten_codes(value) for key, value in codes.items()}
    if isinstance(codes, list):
        return [_flatten_codes(value) for value in codes]
    return str(codes)


def problem_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return problem_response(
            status_code=exc.status,
            code=exc.code,
            detail=str(exc),
            title=_("Refused by a business rule") if exc.status == 422 else "",
            errors=getattr(exc, "errors", None),
            **getattr(exc, "problem_extra", {}),
        )
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait) + (0 if exc.wait == int(exc.wait) else 1))
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return problem_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid",
            detail=_("Some fields are invalid."),
            errors=detail,
            headers=headers,
        )
    codes = exc.get_codes()
    return problem_response(
        status_code=exc.status_code,
        code=codes if isinstance(codes, str) else "error",
        detail=str(exc.detail),
        headers=headers,
    )


PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status", "detail", "code"],
    "additionalProperties": True,
}


def problem_responses_hook(result, generator, request, public):
    """Document the problem responses on every operation of the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    reference = {
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in PROBLEM_STATUSES.items():
                responses.setdefault(code, {"description": description, **reference})
    return result
