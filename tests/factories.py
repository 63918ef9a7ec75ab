"""factory_boy factories for the rows tests need; stock and documents go through services."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from customers.models import Customer
from inventory.models import Carrier, Product, ProductCategory, Warehouse
from opms.accounts.models import Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "opms-demo")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.save()
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"客户 {n} 有限公司")
    credit_limit_amount = Decimal("0")
    payment_terms_days = 30


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory
        django_get_or_create = ("code",)

    code = "GEN"
    name = "通用"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"产品 {n}")
    category = factory.SubFactory(CategoryFactory)
    list_price_amount = Decimal("100.00")
    cost_amount = Decimal("60.00")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.Sequence(lambda n: f"仓库 {n}")


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = "SF"
    name = "顺丰速运"
