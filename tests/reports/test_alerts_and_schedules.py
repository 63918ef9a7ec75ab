"""Alerts come and go with their cause; scheduled reports send once per period."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderEvent
from reports.models import ReportRun
from reports.selectors import alert_count_for, alerts_for
from reports.services import report_subscription_create, report_subscriptions_run_due
from tests.conftest import stocked_product


def _counts(user):
    return {group.kind.key: group.count for group in alerts_for(user)}


def test_alerts_follow_current_data(client, users, history, warehouse):
    manager = users["manager"]
    # customer 2: exposure 565 of a 600 limit = 94 % → at or above 80 %.
    assert _counts(manager) == {
        "low_stock": 0,
        "credit": 1,
        "overdue": 0,
        "stuck": 0,
        "approvals": 0,
        "webhooks": 0,
    }
    stocked_product(warehouse, 3, reorder_point=10)
    OrderEvent.objects.filter(order=history.b).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    counts = _counts(manager)
    assert (counts["low_stock"], counts["stuck"]) == (1, 1)
    client.force_login(manager)
    page = client.get(reverse("reports:alerts")).content.decode()
    assert history.b.number in page
    # Raising the threshold to 12 days makes the stuck order disappear.
    response = client.post(
        reverse("reports:alerts"),
        {"stuck_order_days": 12, "approval_wait_hours": 48, "credit_warning_percent": 95},
    )
    assert response.status_code == 302
    counts = _counts(manager)
    assert (counts["stuck"], counts["credit"]) == (0, 0)


def test_bad_thresholds_change_nothing(client, users):
    client.force_login(users["manager"])
    response = client.post(
        reverse("reports:alerts"),
        {"stuck_order_days": 3, "approval_wait_hours": 48, "credit_warning_percent": 400},
    )
    assert response.status_code == 422
    from reports.models import AlertSettings

    assert not AlertSettings.objects.exists()


def test_navigation_count_is_cached_briefly(client, users, history, warehouse):
    manager = users["manager"]
    assert alert_count_for(manager) == 1
    stocked_product(warehouse, 3, reorder_point=10)
    assert alert_count_for(manager) == 1  # cached
    client.force_login(manager)
    client.post(
        reverse("reports:alerts"),
        {"stuck_order_days": 7, "approval_wait_hours": 48, "credit_warning_percent": 80},
    )
    assert alert_count_for(manager) == 2  # thresholds saved: recomputed
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="nav-alerts"' in page
    badge = client.get(reverse("reports:alert_count")).content.decode()
    assert 'data-testid="alert-count">2<' in badge


def test_scheduled_report_sends_once_per_period(users, history):
    manager = users["manager"]
    manager.email = "manager@example.com"
    manager.save()
    report_subscription_create(
        user=manager,
        report="sales",
        filters={"period": "this_month", "group_by": "category"},
        frequency="daily",
        send_at=time(8, 0),
        file_format="xlsx",
    )
    tz = timezone.get_current_timezone()
    morning = timezone.make_aware(datetime.combine(history.today, time(7, 0)), tz)
    assert report_subscriptions_run_due(now=morning) == 0
    later = morning + timedelta(hours=2)
    assert report_subscriptions_run_due(now=later) == 1
    assert report_subscriptions_run_due(now=later + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.com"]
    assert mail.outbox[0].attachments[0][0].endswith(".xlsx")
    run = ReportRun.objects.get()
    assert (run.status, run.period_key) == (ReportRun.Status.SENT, history.today.isoformat())
    assert bytes(run.content).startswith(b"PK")
    assert report_subscriptions_run_due(now=later + timedelta(days=1)) == 1
    assert len(mail.outbox) == 2


def test_subscribe_from_the_report_page_and_download_the_run(client, users, history):
    manager = users["manager"]
    client.force_login(manager)
    response = client.post(
        reverse("reports:subscribe", args=["ar-ageing"]),
        {"frequency": "weekly", "send_at": "00:00", "file_format": "pdf", "filter_team": ""},
    )
    assert response.status_code == 302
    report_subscriptions_run_due()
    run = ReportRun.objects.get()
    page = client.get(reverse("reports:subscriptions")).content.decode()
    assert run.file_name in page
    file = client.get(reverse("reports:run_file", args=[run.pk]))
    assert file.content.startswith(b"%PDF")
    client.force_login(users["finance"])
    assert client.get(reverse("reports:run_file", args=[run.pk])).status_code == 404


def test_sales_home_shows_month_against_target(client, users, history):
    from reports.services import sales_target_set

    sales_target_set(sales_rep=users["sales"], month=history.today, target_amount=Decimal("3400"))
    client.force_login(users["sales"])
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="sales-dashboard"' in page
    assert "¥1,700.00" in page
    assert "50.0 %" in page


def test_failed_webhooks_alert_until_a_replay_delivers(users):
    from orders.models import IntegrationChannel, WebhookDelivery, WebhookSubscription

    channel = IntegrationChannel.objects.create(code="shop", name="Shop", acts_as=users["sales"])
    subscription = WebhookSubscription.objects.create(
        channel=channel, url="http://127.0.0.1:9/hook", secret="s", events=["order.status_changed"]
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event="order.status_changed",
        payload={},
        status=WebhookDelivery.Status.FAILED,
        attempts=6,
        last_error="connection refused",
    )
    [group] = [g for g in alerts_for(users["manager"]) if g.kind.key == "webhooks"]
    assert group.count == 1
    assert "connection refused" in str(group.items[0]["detail"])
    assert group.items[0]["url"] == reverse("orders:integration", args=[channel.pk])
    delivery.status = WebhookDelivery.Status.DELIVERED
    delivery.save(update_fields=["status"])
    assert _counts(users["manager"])["webhooks"] == 0


def test_an_approval_past_its_own_deadline_alerts_before_the_general_threshold(
    users, make_order, products
):
    from orders.models import ApprovalStep
    from orders.services import order_submit

    order = make_order([(products[0], 100), (products[2], 20)])  # over the approval amount
    order_submit(order_id=order.pk, actor=users["sales"])
    step = ApprovalStep.objects.get(order=order, status=ApprovalStep.Status.PENDING)
    assert _counts(users["manager"])["approvals"] == 0
    step.due_at = timezone.now() - timedelta(minutes=1)
    step.save(update_fields=["due_at"])
    assert _counts(users["manager"])["approvals"] == 1
