from django.urls import path

from fostering import views

app_name = "fostering"
urlpatterns = [
    path("", views.household_list, name="list"),
    # Before the household pages: "new" is not a reference (fostering.services).
    path("new/", views.household_add, name="add"),
    path("new/terms/", views.household_add_terms, name="add_terms"),
    path("new/check/", views.household_add_check, name="add_check"),
    path("<str:reference>/", views.household_detail, name="household"),
    path("<str:reference>/review/", views.carer_review_create, name="review"),
    path("<str:reference>/details/", views.household_details_correct_view, name="details"),
    path("<str:reference>/terms/", views.household_terms_change_view, name="terms"),
    path("<str:reference>/end/", views.household_approval_end_view, name="end"),
    path(
        "<str:reference>/reviews/<int:pk>/correct/",
        views.carer_review_correct_view,
        name="review_correct",
    ),
    path(
        "<str:reference>/reviews/<int:pk>/withdraw/",
        views.carer_review_withdraw_view,
        name="review_withdraw",
    ),
]
