from django.urls import path

from . import views

urlpatterns = [path("deadlines/", views.DeadlineListView.as_view(), name="api-deadlines")]
