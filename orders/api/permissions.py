"""Scopes of API keys and the role permissions of the user behind a request."""

from rest_framework.permissions import BasePermission

from orders.integration.models import ApiKey


def request_api_key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class ScopedPermission(BasePermission):
    """A key needs one of the view's scopes; the user (key's or session's) needs the role
    permission of the action, exactly as in the UI."""

    def has_permission(self, request, view) -> bool:
        scopes, perms = view.required_access(request)
        api_key = request_api_key(request)
        if api_key is not None and not any(api_key.has_scope(scope) for scope in scopes):
            self.message = view.scope_message(scopes)
            return False
        return all(request.user.has_perm(perm) for perm in perms)
