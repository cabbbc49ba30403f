from django.urls import path

from reviews import care_views, invitation_views, views

app_name = "reviews"
urlpatterns = [
    path("<str:child_id>/review/", views.review_record, name="review_record"),
    path(
        "<str:child_id>/review/<int:review_pk>/", views.review_record, name="review_record_booked"
    ),
    path("reviews/<int:review_pk>/circulation/", views.circulation, name="circulation"),
    path("reviews/<int:review_pk>/reschedule/", views.review_reschedule, name="review_reschedule"),
    path("reviews/<int:review_pk>/cancel/", views.review_cancel, name="review_cancel"),
    path("reviews/<int:review_pk>/invite/", invitation_views.review_invite, name="review_invite"),
    path(
        "review-invitations/<int:invitation_pk>/withdraw/",
        invitation_views.review_invitation_withdrawal,
        name="review_invitation_withdraw",
    ),
    path(
        "review-invitations/<int:invitation_pk>/correct/",
        invitation_views.review_invitation_correction,
        name="review_invitation_correct",
    ),
    path(
        "review-invitations/<int:invitation_pk>/attendance/",
        invitation_views.review_invitation_attendance,
        name="review_invitation_attendance",
    ),
    path(
        "review-invitations/<int:invitation_pk>/send-again/",
        invitation_views.review_invitation_resend,
        name="review_invitation_send_again",
    ),
    path(
        "review-invitations/<int:invitation_pk>/letter.pdf",
        invitation_views.review_invitation_letter_pdf,
        name="review_invitation_letter",
    ),
    path("reviews/<int:review_pk>/correct/", views.review_correct, name="review_correct"),
    path("decisions/<int:decision_pk>/done/", views.decision_done, name="decision_done"),
    path("decisions/<int:decision_pk>/correct/", views.decision_correct, name="decision_correct"),
    path(
        "decisions/<int:decision_pk>/withdraw/", views.decision_withdraw, name="decision_withdraw"
    ),
    path("<str:child_id>/contact/", views.contact_record, name="contact_record"),
    path("contacts/<int:contact_pk>/correct/", views.contact_correct, name="contact_correct"),
    path("contacts/<int:contact_pk>/withdraw/", views.contact_withdraw, name="contact_withdraw"),
    path("<str:child_id>/book/", views.review_book, name="review_book"),
    path("episodes/<int:episode_pk>/correct/", care_views.episode_correct, name="episode_correct"),
    path(
        "episodes/<int:episode_pk>/withdraw/", care_views.episode_withdraw, name="episode_withdraw"
    ),
    path("<str:child_id>/care/<slug:journey>/check/", care_views.care_check, name="care_check"),
    path(
        "<str:child_id>/care/<slug:journey>/<slug:question>/",
        care_views.care_question,
        name="care_question",
    ),
]
