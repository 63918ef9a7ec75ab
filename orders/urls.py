"""URLs of orders, approvals and shipments."""

from django.urls import path

from orders import views
from orders.imports import views as import_views
from orders.integration import views as integration_views
from orders.views import configuration, revision

app_name = "orders"

urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("new/", views.order_create_view, name="create"),
    path("product-options/", views.product_options_view, name="product_options"),
    path("approvals/", views.approval_list_view, name="approvals"),
    path("approvals/bulk/", configuration.approval_bulk_view, name="approvals_bulk"),
    path("approvals/delegations/", configuration.delegation_view, name="delegations"),
    path(
        "approvals/delegations/<int:pk>/end/",
        configuration.delegation_end_view,
        name="delegation_end",
    ),
    path("approval-rules/", configuration.approval_rule_list_view, name="approval_rules"),
    path("approval-rules/new/", configuration.approval_rule_edit_view, name="approval_rule_create"),
    path("approval-rules/<int:pk>/", configuration.approval_rule_edit_view, name="approval_rule"),
    path(
        "approval-rules/<int:pk>/history/",
        configuration.approval_rule_history_view,
        name="approval_rule_history",
    ),
    path("custom-fields/", configuration.custom_field_list_view, name="custom_fields"),
    path("custom-fields/<int:pk>/", configuration.custom_field_list_view, name="custom_field"),
    path(
        "custom-fields/<int:pk>/delete/",
        configuration.custom_field_delete_view,
        name="custom_field_delete",
    ),
    path("to-ship/", views.to_ship_view, name="to_ship"),
    path("shipments/", views.shipment_list_view, name="shipments"),
    path("shipments/<int:pk>/", views.shipment_detail_view, name="shipment"),
    path("shipments/<int:pk>/pdf/", views.shipment_pdf_view, name="shipment_pdf"),
    path("shipments/<int:pk>/confirm/", views.shipment_confirm_view, name="shipment_confirm"),
    path("shipments/<int:pk>/deliver/", views.shipment_deliver_view, name="shipment_deliver"),
    path("shipments/<int:pk>/cancel/", views.shipment_cancel_view, name="shipment_cancel"),
    path("imports/", import_views.import_list_view, name="imports"),
    path("imports/upload/", import_views.import_upload_view, name="import_upload"),
    path("imports/template/<str:kind>/", import_views.import_template_view, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail_view, name="import"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm_view, name="import_confirm"),
    path("imports/<int:pk>/submit/", import_views.import_submit_view, name="import_submit"),
    path("imports/<int:pk>/errors/", import_views.import_error_report_view, name="import_errors"),
    path("integrations/", integration_views.channel_list_view, name="integrations"),
    path("integrations/<int:pk>/", integration_views.channel_detail_view, name="integration"),
    path(
        "integrations/<int:pk>/keys/", integration_views.api_key_create_view, name="api_key_create"
    ),
    path(
        "integrations/keys/<int:pk>/revoke/",
        integration_views.api_key_revoke_view,
        name="api_key_revoke",
    ),
    path(
        "integrations/<int:pk>/webhooks/",
        integration_views.webhook_create_view,
        name="webhook_create",
    ),
    path(
        "integrations/deliveries/<int:pk>/replay/",
        integration_views.delivery_replay_view,
        name="delivery_replay",
    ),
    path("<int:pk>/", views.order_detail_view, name="detail"),
    path("<int:pk>/edit/", views.order_edit_view, name="edit"),
    path("<int:pk>/change/", revision.order_revise_view, name="revise"),
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
