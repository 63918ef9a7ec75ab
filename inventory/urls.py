"""URLs of products and stock."""

from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("products/", views.product_list_view, name="products"),
    path("products/<int:pk>/", views.product_detail_view, name="product"),
    path("stock/", views.stock_list_view, name="stock"),
    path("ledger/", views.ledger_view, name="ledger"),
    path("stock-take/", views.stock_take_view, name="stock_take"),
]
