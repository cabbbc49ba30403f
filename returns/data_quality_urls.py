from django.urls import path

from returns import views as views

app_name = "data_quality"
urlpatterns = [
    path("", views.data_quality, name="list"),
    path("issues.csv", views.data_quality_csv, name="csv"),
    path("check/", views.data_quality_check_now, name="check"),
    path("disagreements/<int:pk>/", views.disagreement_decide, name="disagreement"),
]
