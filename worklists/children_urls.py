from django.urls import path

from worklists.views import audit, child_details, new_child, restricted
from worklists.views import children as views

app_name = "children"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("allocation/", views.allocation, name="allocation"),
    path("unallocated/", views.unallocated_list, name="unallocated"),
    path("new/", new_child.new_child, name="new"),
    path("new/check/", new_child.new_child_check, name="new_check"),
    path("new/<slug:step>/", new_child.new_child, name="new_step"),
    path("<str:child_id>/move/", views.reallocate, name="reallocate"),
    path("<str:child_id>/move/cancel/", views.planned_move_cancel, name="planned_move_cancel"),
    path("<str:child_id>/access/", audit.child_access, name="access"),
    path("<str:child_id>/restricted/", restricted.restricted_open, name="restricted"),
    path("<str:child_id>/restriction/", restricted.child_restriction, name="restriction"),
    path(
        "<str:child_id>/details/",
        child_details.child_details_correct_view,
        name="details_correct",
    ),
    path(
        "<str:child_id>/legal-hold/",
        child_details.child_legal_hold_view,
        name="legal_hold",
    ),
    path("<str:child_id>/", views.child_detail, name="child_detail"),
]
