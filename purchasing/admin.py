"""Admin for suppliers."""

from django.contrib import admin

from purchasing.models import Supplier

admin.site.register(Supplier)
