"""Notifications: once per key, in the recipient's language, by the channel they chose."""

import pytest
from django.core import mail
from django.urls import reverse

from opms.notifications.events import TITLES, Channel, Event
from opms.notifications.models import Notification, NotificationPreference
from opms.notifications.services import (
    notification_email_send,
    notifications_email_pending,
    notifications_mark_read,
    notify,
)

TITLE = TITLES[Event.APPROVAL_NEEDED]


@pytest.fixture(autouse=True)
def addresses(users):
    for user in users.values():
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])


def _notify(users, key="approval:SO-1"):
    return notify(
        [users["approver"], users["manager"]],
        Event.APPROVAL_NEEDED,
        key=key,
        title=TITLE,
        url="/orders/",
        params={"number": "SO-2026-000001"},
    )


def test_notify_twice_with_one_key_notifies_once(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = _notify(users)
        second = _notify(users)
    assert len(first) == 2
    assert second == []
    assert Notification.objects.count() == 2
    assert len(callbacks) == 2  # one e-mail task per notification, none for the repeat


def test_email_is_sent_once_in_the_recipients_language(users):
    users["approver"].language = "zh-hans"
    users["approver"].save(update_fields=["language"])
    notification = _notify(users)[0]
    assert notification.recipient == users["approver"]
    assert notification_email_send(notification_id=notification.pk) is True
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1
    assert "订单 SO-2026-000001 需要您审批" in mail.outbox[0].subject
    assert mail.outbox[0].to == [users["approver"].email]


def test_lost_email_tasks_are_swept_once(users):
    _notify(users)
    Notification.objects.update(created_at="2020-01-01T00:00:00Z")
    assert notifications_email_pending() == 2
    assert notifications_email_pending() == 0
    assert len(mail.outbox) == 2


def test_channel_preference_is_kept(users):
    NotificationPreference.objects.create(
        user=users["approver"], event=Event.APPROVAL_NEEDED, channel=Channel.NONE
    )
    NotificationPreference.objects.create(
        user=users["manager"], event=Event.APPROVAL_NEEDED, channel=Channel.IN_APP
    )
    created = _notify(users)
    assert [n.recipient for n in created] == [users["manager"]]
    assert created[0].in_app and not created[0].by_email


def test_bell_shows_unread_count_and_opening_marks_read(client, users):
    _notify(users)
    client.force_login(users["approver"])
    page = client.get(reverse("notifications:list"))
    assert 'data-testid="bell-count">1<' in page.content.decode()
    assert "Order SO-2026-000001 needs your approval" in page.content.decode()
    notification = Notification.objects.get(recipient=users["approver"])
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/orders/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_opens_someone_elses_notification(client, users):
    notification = _notify(users)[0]
    client.force_login(users["manager"])
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_touches_only_mine(users):
    _notify(users)
    assert notifications_mark_read(user=users["approver"]) == 1
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_preferences_page_saves_channel_and_language(client, users):
    client.force_login(users["sales"])
    data = {f"channel_{event}": Channel.BOTH for event in Event.values}
    data["channel_order_approved"] = Channel.EMAIL
    data["language"] = "en"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert NotificationPreference.objects.get(
        user=users["sales"], event=Event.ORDER_APPROVED
    ).channel == (Channel.EMAIL)
    users["sales"].refresh_from_db()
    assert users["sales"].language == "en"


@pytest.mark.parametrize("field,value", [("channel_order_approved", "loud"), ("language", "fr")])
def test_preferences_reject_unknown_values_and_change_nothing(client, users, field, value):
    client.force_login(users["sales"])
    data = {f"channel_{event}": Channel.BOTH for event in Event.values}
    data["language"] = "en"
    data[field] = value
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200
    assert NotificationPreference.objects.count() == 0
