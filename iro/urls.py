from django.urls import path

from . import views

app_name = "iro"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("allocation/", views.allocation, name="allocation"),
    path("<str:child_id>/move/", views.reallocate, name="reallocate"),
    path("<str:child_id>/", views.child_detail, name="child_detail"),
]
