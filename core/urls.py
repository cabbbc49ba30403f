from django.urls import path

from core import views

urlpatterns = [
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path("kept/<str:key>/", views.kept_submission, name="kept_submission"),
]
