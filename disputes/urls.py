from django.urls import path

from disputes import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list_view, name="list"),
    path("new/<str:child_id>/", views.dispute_raise_view, name="raise"),
    path("<int:pk>/", views.dispute_detail_view, name="detail"),
    path("<int:pk>/escalate/", views.dispute_escalate_view, name="escalate"),
    path("<int:pk>/response/", views.stage_respond_view, name="respond"),
    path("<int:pk>/resolve/", views.dispute_resolve_view, name="resolve"),
    path("<int:pk>/cafcass/", views.dispute_cafcass_view, name="cafcass"),
    path("<int:pk>/withdraw/", views.dispute_withdraw_view, name="withdraw"),
    path("<int:pk>/correct/", views.dispute_correct_view, name="correct"),
    path("<int:pk>/stages/<int:stage_pk>/correct/", views.stage_correct_view, name="stage_correct"),
]
