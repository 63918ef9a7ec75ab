"""URLs of purchasing."""

from django.urls import path

from purchasing import views

app_name = "purchasing"

urlpatterns = [
    path("", views.reorder_view, name="reorder"),
]
