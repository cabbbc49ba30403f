from django.urls import path

from worklists.api import outbox, v1, views

urlpatterns = [
    path("deadlines/", views.DeadlineListView.as_view(), name="api-deadlines"),
    path("v1/children/", v1.ChildListView.as_view(), name="api-v1-children"),
    path("v1/deadlines/", v1.DeadlineListView.as_view(), name="api-v1-deadlines"),
    path("v1/episodes/", v1.EpisodeListView.as_view(), name="api-v1-episodes"),
    path("v1/reviews/", v1.LookedAfterReviewListView.as_view(), name="api-v1-reviews"),
    path("v1/conferences/", v1.ConferenceListView.as_view(), name="api-v1-conferences"),
    path("v1/plans/", v1.ChildProtectionPlanListView.as_view(), name="api-v1-plans"),
    path("v1/disputes/", v1.DisputeListView.as_view(), name="api-v1-disputes"),
    path("v1/carers/", v1.FosterCarerListView.as_view(), name="api-v1-carers"),
    path("v1/outbox/", outbox.OutboxListView.as_view(), name="api-v1-outbox"),
]
