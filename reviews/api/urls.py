from django.urls import path

from reviews.api import views

urlpatterns = [
    path("v1/reviews/held/", views.ReviewHeldView.as_view(), name="api-v1-reviews-held"),
]
