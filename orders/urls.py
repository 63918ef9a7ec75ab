"""URLs of orders, approvals and shipments."""

from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("new/", views.order_create_view, name="create"),
    path("product-options/", views.product_options_view, name="product_options"),
    path("approvals/", views.approval_list_view, name="approvals"),
    path("to-ship/", views.to_ship_view, name="to_ship"),
    path("shipments/", views.shipment_list_view, name="shipments"),
    path("shipments/<int:pk>/", views.shipment_detail_view, name="shipment"),
    path("shipments/<int:pk>/pdf/", views.shipment_pdf_view, name="shipment_pdf"),
    path("shipments/<int:pk>/confirm/", views.shipment_confirm_view, name="shipment_confirm"),
    path("shipments/<int:pk>/deliver/", views.shipment_deliver_view, name="shipment_deliver"),
    path("shipments/<int:pk>/cancel/", views.shipment_cancel_view, name="shipment_cancel"),
    path("<int:pk>/", views.order_detail_view, name="detail"),
    path("<int:pk>/edit/", views.order_edit_view, name="edit"),
    path("<int:pk>/submit/", views.order_submit_view, name="submit"),
    path("<int:pk>/approve/", views.order_approve_view, name="approve"),
    path("<int:pk>/reject/", views.order_reject_view, name="reject"),
    path("<int:pk>/cancel/", views.order_cancel_view, name="cancel"),
    path("<int:pk>/hold/", views.order_hold_view, name="hold"),
    path("<int:pk>/release/", views.order_release_view, name="release"),
    path("<int:pk>/ship/", views.shipment_create_view, name="ship"),
    path("products/<int:pk>/demand/", views.product_demand_view, name="product_demand"),
    path("<int:pk>/return/", views.return_create_view, name="return_create"),
    path("returns/", views.return_list_view, name="returns"),
    path("returns/<int:pk>/", views.return_detail_view, name="return"),
    path("returns/<int:pk>/decide/", views.return_decide_view, name="return_decide"),
    path("returns/<int:pk>/receive/", views.return_receive_view, name="return_receive"),
]
