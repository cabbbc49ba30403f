from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from oauth2_provider import views as oauth2_views

from core import accounts, sso, two_factor
from core import views as core_views

admin.site.site_header = "Oversight administration"
admin.site.site_title = "Oversight"

urlpatterns = [
    path("", include("worklists.urls")),
    path("children/", include("worklists.children_urls")),
    path("challenges/", include("disputes.urls")),
    path("looked-after/", include("reviews.urls")),
    path("protection/", include("protection.urls")),
    path("fostering/", include("fostering.urls")),
    path("dashboard/", include("reporting.urls")),
    path("imports/", include("returns.urls")),
    path("data-quality/", include("returns.data_quality_urls")),
    path(
        "accounts/login/",
        accounts.sign_in,
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/sso/", sso.sso_start, name="sso_start"),
    path("accounts/sso/callback/", sso.sso_callback, name="sso_callback"),
    path("accounts/two-step/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-step/set-up/", two_factor.two_factor_set_up, name="two_factor_set_up"),
    path(
        "accounts/security-keys/",
        include("django_otp_webauthn.urls", namespace="otp_webauthn"),
    ),
    path(
        "accounts/security-keys/<int:pk>/remove/",
        two_factor.security_key_remove,
        name="security_key_remove",
    ),
    path(
        "accounts/two-step/recovery-codes/",
        two_factor.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/password/", accounts.password_change, name="password_change"),
    path(
        "accounts/password/changed/",
        accounts.password_change_done,
        name="password_change_done",
    ),
    path("accounts/password/reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    path("healthz", core_views.healthz, name="healthz"),
    path("session/", include("core.urls")),
    path("admin/", admin.site.urls),
    # Integrations' tokens (OAuth2 client credentials, core/api.py): no browser session.
    path("o/token/", login_not_required(oauth2_views.TokenView.as_view()), name="oauth_token"),
    path(
        "o/revoke-token/",
        login_not_required(oauth2_views.RevokeTokenView.as_view()),
        name="oauth_revoke_token",
    ),
    path("api/", include("worklists.api.urls")),
    path("api/", include("returns.api.urls")),
    path("api/", include("reviews.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script at ?script= rather than inline (CSP), and
    # Swagger UI itself comes from drf-spectacular-sidecar's static files, not a CDN.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
