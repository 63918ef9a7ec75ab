"""HTTP behaviour of the approval screens, the preview, custom fields, history and audit."""

from decimal import Decimal

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomField
from orders.models import ApprovalDelegation, ApprovalRule, ApprovalStep, SalesOrder
from orders.services import order_submit
from tests.orders.test_views import _line_post


def rule_post(**extra):
    data = {
        "name": "Big orders",
        "is_active": "on",
        "position": "10",
        "min_total_amount": "50000",
        "approver_kind": "group",
        "approver_group": str(Group.objects.get(name="manager").pk),
        "quorum": "any",
        "quorum_count": "1",
        "deadline_action": "remind",
        "custom_field_value": "",
    }
    data.update(extra)
    return data


def test_admin_creates_a_rule_in_the_app(client, users):
    client.force_login(users["admin"])
    response = client.post(reverse("orders:approval_rule_create"), rule_post())
    assert response.status_code == 302
    rule = ApprovalRule.objects.get(name="Big orders")
    assert (rule.min_total_amount, rule.approver_group.name) == (Decimal("50000.00"), "manager")
    page = client.get(reverse("orders:approval_rules")).content.decode()
    assert "Big orders" in page
    history = client.get(reverse("orders:approval_rule_history", args=[rule.pk])).content.decode()
    assert "order total at least" in history


def test_a_rule_without_approvers_is_refused_with_a_message(client, users):
    client.force_login(users["admin"])
    before = ApprovalRule.objects.count()
    response = client.post(
        reverse("orders:approval_rule_create"), rule_post(approver_kind="users", approver_group="")
    )
    assert response.status_code == 422
    assert "Choose at least one user who approves this level." in response.content.decode()
    assert ApprovalRule.objects.count() == before


def test_sales_cannot_open_the_rule_screens(client, users):
    client.force_login(users["sales"])
    assert client.get(reverse("orders:approval_rules")).status_code == 403
    assert client.post(reverse("orders:approval_rule_create"), rule_post()).status_code == 403


def test_the_order_form_previews_the_approvals(client, users, customer, warehouse, products):
    client.force_login(users["sales"])
    response = client.post(
        reverse("orders:create"),
        _line_post(customer, warehouse, [(products[0].sku, 150)]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="order-form",
    )
    body = response.content.decode()
    assert 'id="approval-preview"' in body
    assert "Level 1: approver" in body
    assert "reaches the approval amount 50000.00" in body
    small = client.post(
        reverse("orders:create"),
        _line_post(customer, warehouse, [(products[1].sku, 1)]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="order-form",
    )
    assert "No approval needed" in small.content.decode()


def test_the_pending_list_says_why_and_a_second_decision_gets_a_clear_message(
    client, users, products, make_order
):
    order = order_submit(
        order_id=make_order([(products[0], 100), (products[2], 20)]).pk, actor=users["sales"]
    )
    step = ApprovalStep.objects.get(order=order)
    client.force_login(users["approver"])
    page = client.get(reverse("orders:approvals")).content.decode()
    assert "Order amount" in page and "reaches the approval amount" in page
    data = {"comment": "ok", "step": step.pk}
    first = client.post(reverse("orders:approve", args=[order.pk]), data, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    client.force_login(users["manager"])
    second = client.post(reverse("orders:approve", args=[order.pk]), data, HTTP_HX_REQUEST="true")
    assert second.status_code == 422
    assert "was already decided by approver" in second.content.decode()


def test_bulk_approval(client, users, products, make_order):
    ApprovalRule.objects.filter(name="Order amount").update(min_total_amount=Decimal("1000"))
    orders = [
        order_submit(order_id=make_order([(products[0], 50)]).pk, actor=users["sales"])
        for _ in range(2)
    ]
    client.force_login(users["approver"])
    steps = [f"{o.pk}:{ApprovalStep.objects.get(order=o).pk}" for o in orders]
    response = client.post(reverse("orders:approvals_bulk"), {"step": steps, "action": "approve"})
    assert response.status_code == 302
    assert set(SalesOrder.objects.values_list("status", flat=True)) == {"approved"}


def test_a_circular_delegation_is_refused_in_the_form(client, users):
    today = timezone.localdate().isoformat()
    ApprovalDelegation.objects.create(
        delegator=users["manager"], delegate=users["approver"], starts_on=today, ends_on=today
    )
    client.force_login(users["approver"])
    response = client.post(
        reverse("orders:delegations"),
        {"delegate": users["manager"].pk, "starts_on": today, "ends_on": today},
    )
    assert response.status_code == 422
    assert "circular delegation is not allowed" in response.content.decode()
    assert ApprovalDelegation.objects.count() == 1


def test_history_shows_old_and_new_price_of_an_edit_in_the_form(
    client, users, customer, warehouse, products
):
    client.force_login(users["sales"])
    data = _line_post(customer, warehouse, [(products[1].sku, 2)], save="1")
    data["lines-0-unit_price"] = "35.50"
    client.post(reverse("orders:create"), data)
    order = SalesOrder.objects.get()
    data = _line_post(customer, warehouse, [(products[1].sku, 2)], save="1")
    data.update({"lines-0-unit_price": "30.00", "version": order.version})
    assert client.post(reverse("orders:edit", args=[order.pk]), data).status_code == 302

    body = client.get(reverse("orders:detail", args=[order.pk]) + "?tab=history").content.decode()
    row = body[body.index(">unit price<") :][:400]
    assert "35.50" in row and "30.00" in row
    assert "sales" in body

    client.force_login(users["manager"])
    audit = client.get(
        reverse("reports:audit"), {"object_type": "order_line", "field": "unit_price_amount"}
    ).content.decode()
    assert "35.50" in audit and "30.00" in audit
    client.force_login(users["sales"])
    assert client.get(reverse("reports:audit")).status_code == 403


def test_custom_fields_from_the_admin_screen_to_the_order(
    client, users, customer, warehouse, products
):
    client.force_login(users["admin"])
    clash = client.post(
        reverse("orders:custom_fields"),
        {"target": "order", "name": "note", "label": "Note", "kind": "text", "position": "1"},
    )
    assert clash.status_code == 422
    assert "already a built-in field" in clash.content.decode()
    assert not CustomField.objects.exists()
    made = client.post(
        reverse("orders:custom_fields"),
        {
            "target": "order",
            "name": "project",
            "label": "Project",
            "kind": "choice",
            "choices": "P-1\nP-9",
            "is_required": "on",
            "position": "1",
            "is_filter": "on",
        },
    )
    assert made.status_code == 302

    client.force_login(users["sales"])
    assert "Project" in client.get(reverse("orders:create")).content.decode()
    missing = client.post(
        reverse("orders:create"), _line_post(customer, warehouse, [(products[1].sku, 1)], save="1")
    )
    assert missing.status_code == 422
    assert not SalesOrder.objects.exists()
    client.post(
        reverse("orders:create"),
        _line_post(customer, warehouse, [(products[1].sku, 1)], save="1", cf_project="P-9"),
    )
    order = SalesOrder.objects.get()
    assert order.custom_fields == {"project": "P-9"}
    assert "P-9" in client.get(reverse("orders:detail", args=[order.pk])).content.decode()


def test_a_custom_field_filters_the_order_list_and_shows_as_a_column(
    client, users, products, make_order, django_assert_max_num_queries
):
    CustomField.objects.create(
        target="order", name="project", label="Project", kind="text", is_filter=True
    )
    tagged, other = make_order([(products[1], 1)]), make_order([(products[1], 2)])
    SalesOrder.objects.filter(pk=tagged.pk).update(custom_fields={"project": "P-9"})
    client.force_login(users["manager"])
    body = client.get(reverse("orders:list"), {"cf_project": "P-9"}).content.decode()
    assert tagged.number in body and other.number not in body
    assert "<th>Project</th>" in body and 'data-testid="custom-cell">P-9<' in body


def test_customer_custom_fields_are_entered_shown_filtered_and_kept_in_history(
    client, users, customer
):
    CustomField.objects.create(
        target="customer",
        name="region",
        label="Region",
        kind="choice",
        choices="North\nSouth",
        is_filter=True,
    )
    client.force_login(users["admin"])
    response = client.post(
        reverse("customers:custom_fields", args=[customer.pk]),
        {"cf_region": "North", "reason": "new office"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.custom_fields == {"region": "North"}
    page = client.get(reverse("reports:customer", args=[customer.pk])).content.decode()
    assert "new office" in page and "North" in page
    listed = client.get(reverse("customers:list"), {"cf_region": "South"}).content.decode()
    assert customer.code not in listed
    listed = client.get(reverse("customers:list"), {"cf_region": "North"}).content.decode()
    assert customer.code in listed
    bad = client.post(reverse("customers:custom_fields", args=[customer.pk]), {"cf_region": "East"})
    assert bad.status_code == 302
    customer.refresh_from_db()
    assert customer.custom_fields == {"region": "North"}


def test_the_pending_list_query_count_does_not_grow_with_its_rows(
    client, users, products, make_order, django_assert_max_num_queries
):
    ApprovalRule.objects.filter(name="Order amount").update(min_total_amount=Decimal("100"))
    order_submit(order_id=make_order([(products[1], 3)]).pk, actor=users["sales"])
    client.force_login(users["approver"])
    with django_assert_max_num_queries(30) as one:
        assert client.get(reverse("orders:approvals")).status_code == 200
    for _ in range(4):
        order_submit(order_id=make_order([(products[1], 3)]).pk, actor=users["sales"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("orders:approvals")).content.decode()
    assert page.count('name="step" value=') == 5 * 2  # the bulk box and the card's form
