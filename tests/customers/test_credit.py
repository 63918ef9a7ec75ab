"""Credit control: the limit at submit (warn and block), holds only finance releases,
the limit's fallbacks and credit alerts once per crossing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.credit import credit_limit_for
from customers.models import CreditAlert, CreditPolicy, Customer
from customers.tasks import credit_alert_notify_task
from finance.services import invoice_create, invoice_issue, payment_record
from opms.core.queue import enqueue
from opms.notifications.models import Notification
from opms.notifications.services import notification_email_send
from orders.errors import CommentRequired, CreditLimitExceeded, OrderPermissionDenied
from orders.models import ApprovalStep, OrderEvent, SalesOrder
from orders.services import (
    order_approve,
    order_cancel,
    order_release_hold,
    order_submit,
    shipment_confirm,
    shipment_create,
)
from tests.factories import CustomerFactory

Status = SalesOrder.Status
# Two units of products[1]: 71.00 + 13 % tax.
ORDER_TOTAL = Decimal("80.23")


def set_policy(**fields) -> CreditPolicy:
    CreditPolicy.objects.update(**fields)
    return CreditPolicy.objects.get()


def submit(make_order, products, users, customer):
    order = make_order([(products[1], 2)], customer_=customer)
    return order_submit(order_id=order.pk, actor=users["sales"])


def test_the_migration_made_one_policy_that_warns_at_submit(db):
    policy = CreditPolicy.objects.get()

    assert (policy.submit_check, policy.shipment_check, policy.overdue_days) == ("warn", "off", 30)
    assert policy.default_limit_amount == Decimal("0.00")


def test_an_order_exactly_at_the_limit_passes(users, make_order, products):
    exact = CustomerFactory(credit_limit_amount=ORDER_TOTAL)

    order = submit(make_order, products, users, exact)

    assert order.status == Status.APPROVED
    assert order.approval_reason == ""
    assert not order.approval_steps.exists()


def test_an_order_a_cent_over_the_limit_needs_a_finance_approval(users, make_order, products):
    tight = CustomerFactory(credit_limit_amount=ORDER_TOTAL - Decimal("0.01"))

    order = submit(make_order, products, users, tight)

    assert order.status == Status.PENDING_APPROVAL
    assert order.approval_reason == "credit: exposure 0.00 + order 80.23 > limit 80.22"
    step = order.approval_steps.get()
    assert (step.level, step.approver_group.name, step.status) == (
        1,
        "finance",
        ApprovalStep.Status.PENDING,
    )


def test_block_holds_the_order_and_only_finance_releases_it_with_a_reason(
    users, make_order, products
):
    set_policy(submit_check=CreditPolicy.Strength.BLOCK)
    tight = CustomerFactory(credit_limit_amount=Decimal("50.00"))

    order = submit(make_order, products, users, tight)

    assert order.status == Status.ON_HOLD
    assert order.held_from_status == Status.APPROVED
    assert not order.approval_steps.exists()
    held = order.events.get(action=OrderEvent.Action.HELD)
    assert held.comment == "credit: exposure 0.00 + order 80.23 > limit 50.00"
    assert held.payload == {"credit": True}
    with pytest.raises(OrderPermissionDenied):
        order_release_hold(order_id=order.pk, actor=users["sales"], comment="customer is good")
    with pytest.raises(CommentRequired):
        order_release_hold(order_id=order.pk, actor=users["finance"], comment=" ")
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD

    order = order_release_hold(
        order_id=order.pk, actor=users["finance"], comment="prepayment promised"
    )

    assert order.status == Status.APPROVED
    assert order.events.last().comment == "prepayment promised"


def test_an_order_paid_in_advance_is_never_held(users, make_order, products):
    set_policy(submit_check=CreditPolicy.Strength.BLOCK)
    tight = CustomerFactory(credit_limit_amount=Decimal("50.00"))
    order = make_order([(products[1], 2)], customer_=tight)
    SalesOrder.objects.filter(pk=order.pk).update(paid_amount=ORDER_TOTAL)

    order = order_submit(order_id=order.pk, actor=users["sales"])

    assert order.status == Status.APPROVED


def test_off_checks_nothing(users, make_order, products):
    set_policy(submit_check=CreditPolicy.Strength.OFF)
    tight = CustomerFactory(credit_limit_amount=Decimal("50.00"))

    order = submit(make_order, products, users, tight)

    assert order.status == Status.APPROVED


@pytest.mark.parametrize(
    ("own", "tier_b", "default", "expected"),
    [
        (Decimal("700.00"), Decimal("500.00"), Decimal("300.00"), Decimal("700.00")),
        (None, Decimal("500.00"), Decimal("300.00"), Decimal("500.00")),
        (None, None, Decimal("300.00"), Decimal("300.00")),
        (None, None, Decimal("0.00"), None),
        (Decimal("0.00"), None, Decimal("0.00"), None),
    ],
)
def test_the_limit_falls_back_from_customer_to_tier_to_company_default(
    db, own, tier_b, default, expected
):
    policy = set_policy(tier_b_limit_amount=tier_b, default_limit_amount=default)
    customer = CustomerFactory(tier=Customer.Tier.B, credit_limit_amount=own)

    assert credit_limit_for(customer, policy) == expected


def test_a_tier_limit_is_checked_at_submit(users, make_order, products):
    set_policy(tier_c_limit_amount=Decimal("80.00"))
    customer = CustomerFactory(tier=Customer.Tier.C, credit_limit_amount=None)

    order = submit(make_order, products, users, customer)

    assert order.approval_reason == "credit: exposure 0.00 + order 80.23 > limit 80.00"


def test_alerts_are_raised_once_per_crossing_and_cleared_when_exposure_falls(
    users, make_order, products, django_capture_on_commit_callbacks
):
    set_policy(submit_check=CreditPolicy.Strength.OFF)
    users["finance"].email = "finance@example.com"
    users["finance"].save(update_fields=["email"])
    customer = CustomerFactory(credit_limit_amount=Decimal("100.00"), sales_rep=users["sales"])

    with django_capture_on_commit_callbacks() as callbacks:
        first = submit(make_order, products, users, customer)
    near = CreditAlert.objects.get(customer=customer)
    assert (near.level, near.exposure_amount, near.limit_amount) == (
        CreditAlert.Level.NEAR_LIMIT,
        ORDER_TOTAL,
        Decimal("100.00"),
    )
    assert [(c.func, c.args) for c in callbacks] == [(enqueue, (credit_alert_notify_task, near.pk))]

    second = submit(make_order, products, users, customer)
    assert sorted(
        CreditAlert.objects.filter(customer=customer, cleared_at=None).values_list(
            "level", flat=True
        )
    ) == ["near_limit", "over_limit"]

    order_cancel(order_id=second.pk, actor=users["sales"], comment="too much")
    open_alerts = CreditAlert.objects.filter(customer=customer, cleared_at=None)
    assert list(open_alerts.values_list("level", flat=True)) == ["near_limit"]
    order_cancel(order_id=first.pk, actor=users["sales"], comment="too much")
    assert not CreditAlert.objects.filter(customer=customer, cleared_at=None).exists()

    submit(make_order, products, users, customer)
    assert CreditAlert.objects.filter(customer=customer, level="near_limit").count() == 2


def test_the_alert_task_mails_finance_and_the_sales_rep_once(
    users, make_order, products, django_capture_on_commit_callbacks
):
    set_policy(submit_check=CreditPolicy.Strength.OFF)
    users["finance"].email = "finance@example.com"
    users["finance"].save(update_fields=["email"])
    users["sales"].email = "sales@example.com"
    users["sales"].save(update_fields=["email"])
    customer = CustomerFactory(credit_limit_amount=Decimal("100.00"), sales_rep=users["sales"])
    submit(make_order, products, users, customer)
    alert = CreditAlert.objects.get(customer=customer)

    with django_capture_on_commit_callbacks() as callbacks:
        assert credit_alert_notify_task(alert.pk) is True
        assert credit_alert_notify_task(alert.pk) is False
    assert len(callbacks) == 2  # one e-mail task per recipient
    for notification in Notification.objects.all():
        notification_email_send(notification_id=notification.pk)

    assert sorted(to for message in mail.outbox for to in message.to) == [
        "finance@example.com",
        "sales@example.com",
    ]
    assert all(customer.name in message.subject for message in mail.outbox)
    assert Notification.objects.filter(event="credit_alert").count() == 2
    alert.refresh_from_db()
    assert alert.notified_at is not None


def test_the_finance_credit_page_lists_customers_by_credit_use(client, users, make_order, products):
    tight = CustomerFactory(credit_limit_amount=Decimal("100.00"), name="Tight Ltd")
    roomy = CustomerFactory(credit_limit_amount=Decimal("10000.00"), name="Roomy Ltd")
    submit(make_order, products, users, tight)
    submit(make_order, products, users, roomy)
    client.force_login(users["finance"])

    response = client.get(reverse("finance:credit"))

    assert response.status_code == 200
    assert [row.customer for row in response.context["rows"]] == [tight, roomy]
    assert response.context["rows"][0].figures.used_percent == Decimal("80.2")
    client.force_login(users["sales"])
    assert client.get(reverse("finance:credit")).status_code == 403


def admin_customer_data(customer: Customer, **changes) -> dict:
    data = {
        "code": customer.code,
        "name": customer.name,
        "tier": customer.tier,
        "currency": customer.currency,
        "payment_terms_days": customer.payment_terms_days,
        "credit_limit_amount": customer.credit_limit_amount,
        "is_active": "on",
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def test_a_credit_limit_change_in_the_admin_needs_a_reason_kept_in_the_history(client, users):
    customer = CustomerFactory(credit_limit_amount=Decimal("1000.00"))
    client.force_login(users["admin"])
    url = reverse("admin:customers_customer_change", args=[customer.pk])

    refused = client.post(url, admin_customer_data(customer, credit_limit_amount="5000.00"))

    assert refused.status_code == 200
    assert "credit_limit_change_reason" in refused.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.credit_limit_amount == Decimal("1000.00")

    done = client.post(
        url,
        admin_customer_data(
            customer, credit_limit_amount="5000.00", credit_limit_change_reason="new contract"
        ),
    )

    assert done.status_code == 302
    latest = customer.history.first()
    assert (latest.credit_limit_amount, latest.history_change_reason, latest.history_user) == (
        Decimal("5000.00"),
        "new contract",
        users["admin"],
    )


def shipment_for(order, users, quantity: int = 1):
    line = order.lines.get()
    return shipment_create(
        order_id=order.pk, actor=users["warehouse"], quantities={line.pk: quantity}
    )


def test_block_at_shipment_holds_an_unshipped_order_and_confirms_after_finance_releases(
    users, make_order, products
):
    set_policy(submit_check=CreditPolicy.Strength.OFF, shipment_check=CreditPolicy.Strength.BLOCK)
    tight = CustomerFactory(credit_limit_amount=Decimal("50.00"))
    order = submit(make_order, products, users, tight)
    shipment = shipment_for(order, users)

    shipment = shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])

    assert shipment.status == shipment.Status.DRAFT
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD
    assert order.events.last().comment == "credit: exposure 0.00 + order 80.23 > limit 50.00"
    order_release_hold(order_id=order.pk, actor=users["finance"], comment="paid by phone")

    shipment = shipment_confirm(shipment_id=shipment.pk, actor=users["warehouse"])

    assert shipment.status == shipment.Status.CONFIRMED


def test_block_at_shipment_refuses_a_partly_shipped_order_over_its_credit(
    users, make_order, products
):
    set_policy(submit_check=CreditPolicy.Strength.OFF)
    tight = CustomerFactory(credit_limit_amount=Decimal("50.00"))
    order = submit(make_order, products, users, tight)
    shipment_confirm(shipment_id=shipment_for(order, users).pk, actor=users["warehouse"])
    set_policy(shipment_check=CreditPolicy.Strength.BLOCK)
    second = shipment_for(order, users)

    with pytest.raises(CreditLimitExceeded):
        shipment_confirm(shipment_id=second.pk, actor=users["warehouse"])

    second.refresh_from_db()
    assert second.status == second.Status.DRAFT


def test_warn_at_shipment_confirms_and_notes_the_warning(users, make_order, products):
    set_policy(submit_check=CreditPolicy.Strength.OFF, shipment_check=CreditPolicy.Strength.WARN)
    tight = CustomerFactory(credit_limit_amount=Decimal("50.00"))
    order = submit(make_order, products, users, tight)

    shipment = shipment_confirm(
        shipment_id=shipment_for(order, users, 2).pk, actor=users["warehouse"]
    )

    assert shipment.status == shipment.Status.CONFIRMED
    assert order.events.last().payload["credit_warning"] == (
        "credit: exposure 0.00 + order 80.23 > limit 50.00"
    )


def test_the_release_view_asks_finance_for_the_reason_of_a_credit_release(
    client, users, make_order, products
):
    set_policy(submit_check=CreditPolicy.Strength.BLOCK)
    order = submit(make_order, products, users, CustomerFactory(credit_limit_amount=Decimal("1")))
    client.force_login(users["finance"])
    url = reverse("orders:release", args=[order.pk])

    refused = client.post(url, {"comment": "", "version": order.version})

    assert refused.status_code == 422
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD

    client.post(url, {"comment": "deposit received", "version": order.version})

    order.refresh_from_db()
    assert order.status == Status.APPROVED


def test_money_received_but_not_yet_allocated_counts_against_exposure(users, make_order, products):
    tight = CustomerFactory(credit_limit_amount=Decimal("50.00"))
    payment_record(customer=tight, amount=Decimal("40.00"), actor=users["finance"])
    tight.refresh_from_db()
    assert tight.unallocated_payment_amount == Decimal("40.00")

    order = submit(make_order, products, users, tight)  # -40.00 + 80.23 <= 50.00

    assert order.status == Status.APPROVED


def test_an_invoice_overdue_beyond_the_policy_trips_the_check(users, make_order, products):
    late_payer = CustomerFactory(payment_terms_days=30)
    first = submit(make_order, products, users, late_payer)
    invoice = invoice_create(order_id=first.pk, actor=users["finance"], basis="ordered")
    invoice_issue(
        invoice_id=invoice.pk,
        actor=users["finance"],
        issued_on=timezone.localdate() - timedelta(days=61),
    )  # due 31 days ago: one day beyond the policy's 30

    order = submit(make_order, products, users, late_payer)

    assert order.status == Status.PENDING_APPROVAL
    assert order.approval_reason == "credit: an invoice is overdue by 31 days"
    assert order.approval_steps.get().approver_group.name == "finance"


def test_an_invoice_overdue_within_the_policy_passes(users, make_order, products):
    customer = CustomerFactory(payment_terms_days=30)
    first = submit(make_order, products, users, customer)
    invoice = invoice_create(order_id=first.pk, actor=users["finance"], basis="ordered")
    invoice_issue(
        invoice_id=invoice.pk,
        actor=users["finance"],
        issued_on=timezone.localdate() - timedelta(days=60),
    )

    assert submit(make_order, products, users, customer).status == Status.APPROVED


def test_finance_approves_the_credit_step_but_not_the_approvers_step(users, make_order, products):
    tight = CustomerFactory(credit_limit_amount=Decimal("1.00"))
    order = submit(make_order, products, users, tight)
    assert order.approval_steps.get().approver_group.name == "finance"

    order = order_approve(order_id=order.pk, actor=users["finance"], comment="已确认回款计划")

    assert order.status == Status.APPROVED
    big = make_order([(products[0], 100), (products[2], 20)])
    big = order_submit(order_id=big.pk, actor=users["sales"])
    assert [s.approver_group.name for s in big.approval_steps.all()] == ["approver"]
    with pytest.raises(OrderPermissionDenied):
        order_approve(order_id=big.pk, actor=users["finance"], comment="")
