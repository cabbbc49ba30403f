from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views as core_views
from core.views import schedule as schedule_views

admin.site.site_header = "Oversight administration"
admin.site.site_title = "Oversight"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("deadlines/", core_views.deadline_list, name="deadlines"),
    path("schedule/", schedule_views.board, name="schedule"),
    path("schedule/week/", schedule_views.week, name="schedule_week"),
    path("calendar/<str:token>.ics", schedule_views.calendar_feed, name="calendar_feed"),
    path("children/", include("iro.urls")),
    path("challenges/", include("disputes.urls")),
    path("looked-after/", include("reviews.urls")),
    path("protection/", include("protection.urls")),
    path("fostering/", include("fostering.urls")),
    path("dashboard/", include("core.dashboard_urls")),
    path("imports/", include("core.import_urls")),
    path("data-quality/", include("core.data_quality_urls")),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(template_name="registration/login.html")),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("core.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
