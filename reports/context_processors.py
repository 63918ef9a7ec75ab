"""Whether the navigation shows the alerts entry; its count loads separately (htmx), so
no page pays for it and page query counts stay as they are."""


def alerts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"show_alerts": user.has_perm("reports.view_alerts")}
