from django.urls import path

from returns.api import views

urlpatterns = [
    path("v1/import-runs/", views.ImportRunListView.as_view(), name="api-v1-import-runs"),
]
