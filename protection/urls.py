from django.urls import path

from protection import views

app_name = "protection"
urlpatterns = [
    path("conferences/book/", views.conference_book, name="conference_book"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference"),
    path("conferences/<int:pk>/invite/", views.invitation_new, name="invite"),
    path(
        "conferences/<int:pk>/invitations/<int:invitation_pk>/",
        views.attendance,
        name="attendance",
    ),
    path("conferences/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("conferences/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("conferences/<int:pk>/cancel/", views.cancel, name="cancel"),
]
