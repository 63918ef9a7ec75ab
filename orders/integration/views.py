"""The integrations page (admins): channels, API keys shown once, webhooks and their log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opms.core.errors import DomainError
from orders.integration import selectors, services
from orders.integration.forms import ApiKeyForm, ChannelForm, WebhookForm
from orders.integration.models import ApiKey, IntegrationChannel, WebhookDelivery

PERMISSION = "orders.add_apikey"


@login_required
@permission_required(PERMISSION, raise_exception=True)
def channel_list_view(request: HttpRequest) -> HttpResponse:
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = services.channel_create(
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            acts_as=form.cleaned_data["acts_as"],
        )
        return redirect("orders:integration", pk=channel.pk)
    return render(
        request,
        "orders/integration_list.html",
        {"channels": selectors.channel_list(), "form": form},
        status=422 if form.errors else 200,
    )


def _detail_context(channel: IntegrationChannel, **extra) -> dict:
    return {
        "channel": channel,
        "keys": selectors.channel_keys(channel=channel),
        "webhooks": list(channel.webhooks.all()),
        "deliveries": list(selectors.delivery_list(channel=channel)[:50]),
        "key_form": ApiKeyForm(),
        "webhook_form": WebhookForm(),
        **extra,
    }


@login_required
@permission_required(PERMISSION, raise_exception=True)
def channel_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(IntegrationChannel, pk=pk)
    return render(request, "orders/integration_detail.html", _detail_context(channel))


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def api_key_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(IntegrationChannel, pk=pk)
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        context = _detail_context(channel, key_form=form)
        return render(request, "orders/integration_detail.html", context, status=422)
    try:
        issued = services.api_key_create(
            channel=channel,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("orders:integration", pk=pk)
    # The key is shown in this response only; it is never stored nor shown again.
    context = _detail_context(channel, new_key=issued.raw_key)
    return render(request, "orders/integration_detail.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def api_key_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    api_key = get_object_or_404(ApiKey, pk=pk)
    services.api_key_revoke(api_key_id=api_key.pk, actor=request.user)
    messages.success(request, _("Key %(name)s revoked.") % {"name": api_key})
    return redirect("orders:integration", pk=api_key.channel_id)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def webhook_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(IntegrationChannel, pk=pk)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        context = _detail_context(channel, webhook_form=form)
        return render(request, "orders/integration_detail.html", context, status=422)
    subscription = form.save(commit=False)
    subscription.channel = channel
    services.webhook_subscription_save(subscription=subscription)
    messages.success(request, _("Webhook added."))
    return redirect("orders:integration", pk=pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def delivery_replay_view(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("subscription"), pk=pk)
    services.webhook_delivery_replay(delivery_id=delivery.pk, actor=request.user)
    messages.success(request, _("Delivery queued again."))
    return redirect("orders:integration", pk=delivery.subscription.channel_id)
