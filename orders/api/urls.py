"""URLs of the order-intake API, version 1."""

from django.urls import path

from orders.api import views

app_name = "api"

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="products"),
    path("customers/", views.CustomerListView.as_view(), name="customers"),
    path("customers/<str:code>/", views.CustomerDetailView.as_view(), name="customer"),
    path("orders/", views.OrderListView.as_view(), name="orders"),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="order"),
    path("orders/<str:number>/submit/", views.OrderSubmitView.as_view(), name="order_submit"),
    path("orders/<str:number>/cancel/", views.OrderCancelView.as_view(), name="order_cancel"),
    path(
        "orders/<str:number>/shipments/",
        views.OrderShipmentListView.as_view(),
        name="order_shipments",
    ),
    path("shipments/<str:number>/", views.ShipmentDetailView.as_view(), name="shipment"),
]
