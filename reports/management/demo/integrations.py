"""Demo of issue 7: a web-shop channel with a key, a webhook, orders that came through the
API and a batch file imported by sales."""

from collections.abc import Callable

from django.db import transaction

from customers.models import Customer
from customers.selectors import customers_visible_to
from opms.core.errors import DomainError
from orders.imports.processing import import_confirm
from orders.imports.services import import_confirm_start, import_upload
from orders.integration.models import ApiKey, IntegrationChannel, WebhookSubscription
from orders.integration.services import (
    api_key_create,
    channel_create,
    webhook_subscription_save,
)
from orders.services import IntakeLine, order_intake
from reports.management.demo.masterdata import Directory

SHOP_CODE = "tmall"


def integrations_ensure(directory: Directory, write: Callable[[str], None]) -> None:
    if IntegrationChannel.objects.filter(code=SHOP_CODE).exists():
        return
    sales, admin = directory.users["sales"], directory.users["admin"]
    customers = list(
        customers_visible_to(Customer.objects.filter(is_active=True), sales).order_by("code")[:3]
    )
    skus = sorted(directory.products)[:4]
    with transaction.atomic():
        shop = channel_create(code=SHOP_CODE, name="天猫旗舰店", acts_as=sales)
        issued = api_key_create(
            channel=shop,
            name="天猫订单同步",
            scopes=[
                ApiKey.Scope.READ_CATALOGUE,
                ApiKey.Scope.WRITE_ORDERS,
                ApiKey.Scope.READ_ORDERS,
            ],
            actor=admin,
        )
        webhook_subscription_save(
            subscription=WebhookSubscription(
                channel=shop,
                url="https://shop.example.invalid/opms/webhooks",
                secret="demo-secret-change-me",
                events=[
                    WebhookSubscription.Event.ORDER_STATUS_CHANGED,
                    WebhookSubscription.Event.SHIPMENT_CONFIRMED,
                ],
                is_active=False,
            )
        )
        for index, customer in enumerate(customers):
            try:
                with transaction.atomic():
                    order_intake(
                        actor=sales,
                        channel=shop,
                        external_id=f"TM-2026{index + 1:05d}",
                        customer_code=customer.code,
                        lines=[IntakeLine(sku=sku, quantity=2 + index) for sku in skus[:2]],
                        shipping_address="上海市浦东新区张江路 88 号",
                        submit=index != 2,
                    )
            except DomainError as error:
                write(f"API demo order not created: {error}")
    write(f"demo API key of channel {SHOP_CODE} (shown once): {issued.raw_key}")
    if customers:
        rows = [
            "外部订单号,客户编码,SKU,数量",
            *(f"XLS-0001,{customers[0].code},{sku},3" for sku in skus[2:4]),
            f"XLS-0002,{customers[-1].code},{skus[0]},5",
        ]
        batch = import_upload(
            kind="orders",
            file_name="经销商订单.csv",
            content=("\n".join(rows) + "\n").encode("gb18030"),
            actor=sales,
        )
        if batch.is_ready:
            import_confirm_start(batch_id=batch.pk, actor=sales)
            import_confirm(batch_id=batch.pk)
