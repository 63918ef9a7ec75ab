"""URLs of reports and dashboards."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("customers/<int:pk>/", views.customer_360_view, name="customer"),
    path("audit/", views.audit_view, name="audit"),
]
