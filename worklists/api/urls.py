from django.urls import path

from worklists.api import views

urlpatterns = [path("deadlines/", views.DeadlineListView.as_view(), name="api-deadlines")]
