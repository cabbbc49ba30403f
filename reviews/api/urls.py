from django.urls import path

from reviews.api import views

urlpatterns = [
    path("v1/reviews/booked/", views.ReviewBookingView.as_view(), name="api-v1-reviews-booked"),
    path("v1/reviews/held/", views.ReviewHeldView.as_view(), name="api-v1-reviews-held"),
]
