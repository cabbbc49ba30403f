from django.urls import path

from returns import views as views
from returns.ssd import views as ssd_views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("upload/", views.import_upload, name="upload"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/status/", views.import_status, name="status"),
    path("ssd/", ssd_views.ssd_run_list, name="ssd_list"),
    path("ssd/<int:pk>/", ssd_views.ssd_run_detail, name="ssd_detail"),
    path("ssd/rows/<int:pk>/", ssd_views.ssd_row_decision, name="ssd_row_decision"),
    path("<int:pk>/removals/", views.import_decide, name="decide"),
    path("<int:pk>/try-again/", views.import_retry, name="retry"),
    path("export/", views.export, name="export"),
    path("export/return/", views.export_return, name="export_return"),
    path("export/annex-a/", views.export_annex_a, name="export_annex_a"),
]
