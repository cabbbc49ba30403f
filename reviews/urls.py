from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("<str:child_id>/review/", views.review_record, name="review_record"),
    path(
        "<str:child_id>/review/<int:review_pk>/", views.review_record, name="review_record_booked"
    ),
    path("reviews/<int:review_pk>/circulation/", views.circulation, name="circulation"),
    path("<str:child_id>/contact/", views.contact_record, name="contact_record"),
    path("<str:child_id>/book/", views.review_book, name="review_book"),
]
