from django.urls import path

from returns import views as views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("upload/", views.import_upload, name="upload"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/status/", views.import_status, name="status"),
    path("<int:pk>/removals/", views.import_decide, name="decide"),
    path("<int:pk>/try-again/", views.import_retry, name="retry"),
    path("export/", views.export, name="export"),
    path("export/return/", views.export_return, name="export_return"),
    path("export/annex-a/", views.export_annex_a, name="export_annex_a"),
]
