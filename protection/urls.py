from django.urls import path

from protection import views

app_name = "protection"
urlpatterns = [
    # Starting the clock: question pages, then check your answers.
    path("children/<str:child_id>/referral/", views.referral, name="referral"),
    path(
        "children/<str:child_id>/referral/outcome/",
        views.referral_outcome,
        name="referral_outcome",
    ),
    path("children/<str:child_id>/referral/check/", views.referral_check, name="referral_check"),
    path("children/<str:child_id>/transfer-in/", views.transfer_in, name="transfer_in"),
    path(
        "children/<str:child_id>/transfer-in/check/",
        views.transfer_in_check,
        name="transfer_in_check",
    ),
    path(
        "children/<str:child_id>/enquiries/<int:pk>/correct/",
        views.enquiry_correct,
        name="enquiry_correct",
    ),
    path(
        "children/<str:child_id>/enquiries/<int:pk>/withdraw/",
        views.enquiry_withdraw,
        name="enquiry_withdraw",
    ),
    path(
        "children/<str:child_id>/transfers-in/<int:pk>/correct/",
        views.transfer_in_correct_view,
        name="transfer_in_correct",
    ),
    path("conferences/book/", views.conference_book, name="conference_book"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference"),
    path("conferences/<int:pk>/move/", views.reschedule, name="reschedule"),
    path("conferences/<int:pk>/invite/", views.invitation_new, name="invite"),
    path(
        "conferences/<int:pk>/invitations/<int:invitation_pk>/",
        views.attendance,
        name="attendance",
    ),
    path(
        "conferences/<int:pk>/invitations/<int:invitation_pk>/correct/",
        views.invitation_change,
        name="invitation_correct",
    ),
    path(
        "conferences/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views.invitation_withdrawal,
        name="invitation_withdraw",
    ),
    path(
        "conferences/<int:pk>/invitations/<int:invitation_pk>/send-again/",
        views.invitation_resend,
        name="invitation_send_again",
    ),
    path(
        "conferences/<int:pk>/invitations/<int:invitation_pk>/letter.pdf",
        views.invitation_letter_pdf,
        name="invitation_letter",
    ),
    path("conferences/<int:pk>/reports/", views.reports, name="reports"),
    path("conferences/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("conferences/<int:pk>/outcome/correct/", views.outcome_correct, name="outcome_correct"),
    path("conferences/<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("decisions/<int:decision_pk>/done/", views.decision_done, name="decision_done"),
    path("decisions/<int:decision_pk>/correct/", views.decision_correct, name="decision_correct"),
    path(
        "decisions/<int:decision_pk>/withdraw/", views.decision_withdraw, name="decision_withdraw"
    ),
    path("conferences/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("conferences/<int:pk>/cancel/", views.cancel, name="cancel"),
]
