"""The alert count in the navigation (cached briefly; see reports.selectors.alerts)."""

from reports.selectors import alert_count_for


def alerts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("reports.view_alerts"):
        return {}
    return {"alert_count": alert_count_for(user)}
