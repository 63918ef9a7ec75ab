"""URLs of reports, dashboards, alerts and report subscriptions."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("customers/<int:pk>/", views.customer_360_view, name="customer"),
    path("audit/", views.audit_view, name="audit"),
    path("", views.report_list_view, name="list"),
    path("alerts/", views.alert_list_view, name="alerts"),
    path("alerts/count/", views.alert_count_view, name="alert_count"),
    path("subscriptions/", views.subscription_list_view, name="subscriptions"),
    path(
        "subscriptions/<int:pk>/delete/",
        views.subscription_delete_view,
        name="subscription_delete",
    ),
    path("runs/<int:pk>/file/", views.run_download_view, name="run_file"),
    path("<slug:slug>/", views.report_detail_view, name="detail"),
    path("<slug:slug>/subscribe/", views.report_subscribe_view, name="subscribe"),
]
