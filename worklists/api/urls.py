from django.urls import path

from worklists.api import v1, views

urlpatterns = [
    path("deadlines/", views.DeadlineListView.as_view(), name="api-deadlines"),
    path("v1/children/", v1.ChildListView.as_view(), name="api-v1-children"),
    path("v1/deadlines/", v1.DeadlineListView.as_view(), name="api-v1-deadlines"),
]
