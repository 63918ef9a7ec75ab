"""URLs of customers (the customer page itself is reports:customer)."""

from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list_view, name="list"),
    path("<int:pk>/complaints/", views.complaint_create_view, name="complaint_create"),
    path("complaints/<int:pk>/advance/", views.complaint_advance_view, name="complaint_advance"),
    path("<int:pk>/interactions/", views.interaction_create_view, name="interaction_create"),
    path("<int:pk>/custom-fields/", views.customer_custom_fields_view, name="custom_fields"),
]
