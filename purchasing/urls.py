"""URLs of purchasing."""

from django.urls import path

from purchasing import views

app_name = "purchasing"

urlpatterns = [
    path("", views.reorder_view, name="reorder"),
    path("suggestions/compute/", views.suggestions_compute_view, name="suggestions_compute"),
    path("suggestions/order/", views.suggestions_order_view, name="suggestions_order"),
    path("orders/", views.purchase_order_list_view, name="orders"),
    path("orders/<int:pk>/", views.purchase_order_detail_view, name="order"),
    path("orders/<int:pk>/send/", views.purchase_order_send_view, name="send"),
    path("orders/<int:pk>/receive/", views.goods_receipt_create_view, name="receive"),
    path("orders/<int:pk>/close/", views.purchase_order_close_view, name="close"),
    path("orders/<int:pk>/cancel/", views.purchase_order_cancel_view, name="cancel"),
    path("orders/<int:pk>/pdf/", views.purchase_order_pdf_view, name="pdf"),
    path("expected-arrivals/", views.expected_arrivals_view, name="expected_arrivals"),
    path("suppliers/", views.supplier_list_view, name="suppliers"),
]
