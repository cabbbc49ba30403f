from django.urls import path

from fostering import views

app_name = "fostering"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("<str:reference>/", views.household_detail, name="household"),
    path("<str:reference>/review/", views.carer_review_create, name="review"),
]
