"""The Head of Service's dashboards: mounted at /dashboard/ by config/urls.py."""

from django.urls import path

from reporting import views as views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("<int:year>/tables/<slug:table>.<str:fmt>", views.table_download, name="table"),
    path("<int:year>/report.<str:fmt>", views.report_download, name="report"),
    path("<int:year>/<path:figure>/", views.figure_children, name="figure"),
]
