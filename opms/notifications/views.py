"""The bell's list, marking read, and each user's notification preferences."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opms.core.pagination import page_from_request
from opms.notifications.events import Channel, Event
from opms.notifications.models import Notification
from opms.notifications.selectors import notification_channels, notifications_for
from opms.notifications.services import notification_preferences_save, notifications_mark_read


@login_required
def notification_list_view(request):
    page = page_from_request(request, notifications_for(request.user), ordering="-id")
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open_view(request, pk: int):
    """Mark one notification read and go to the thing it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notification_read_all_view(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return HttpResponseRedirect(reverse("notifications:list"))


@login_required
def notification_preferences_view(request):
    user = request.user
    rows = notification_channels(user)
    errors = []
    if request.method == "POST":
        channels = {}
        for event, _label, _current in rows:
            value = request.POST.get(f"channel_{event}", Channel.BOTH)
            if value not in Channel.values:
                errors.append(_("Choose how to be notified for every event."))
                break
            channels[event] = value
        language = request.POST.get("language", user.language)
        if language not in dict(settings.LANGUAGES):
            errors.append(_("Choose a language from the list."))
        if not errors:
            notification_preferences_save(user=user, channels=channels, language=language)
            messages.success(request, _("Your notification settings are saved."))
            return HttpResponseRedirect(reverse("notifications:preferences"))
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "channels": Channel.choices,
            "languages": settings.LANGUAGES,
            "errors": errors,
            "events": Event,
        },
    )
