from django.urls import path

from .views import imports as views

app_name = "data_quality"
urlpatterns = [
    path("", views.data_quality, name="list"),
    path("issues.csv", views.data_quality_csv, name="csv"),
    path("check/", views.data_quality_check_now, name="check"),
]
