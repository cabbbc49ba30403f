"""Oversight's one settings module: every value comes from the environment (.env.example).

With no environment at all it runs on SQLite with Celery tasks executed in-process, which
is what `make run` on a laptop needs; DATABASE_URL and CELERY_BROKER_URL switch to
PostgreSQL and Redis.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A developer's machine keeps its settings in .env (make install writes one that turns
# debug on); the real environment always wins, and production sets it there.
load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Never fall back to a published key where real records may be: refuse to start.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (see .env.example), or set "
            "DJANGO_DEBUG=true on a developer's machine."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI from our own static files, not a CDN.
    "drf_spectacular_sidecar",
    "csp",
    "django_filters",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "axes",
    # Two-step verification: authenticator-app codes after the password (core/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "oauth2_provider",
    "django_celery_beat",
    "rules",
    "core",
    "iro",
    "reviews",
    "protection",
    "disputes",
    "fostering",
    "worklists",
    "returns",
    "reporting",
    "retention",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Answers a page asks for many times, kept for the request (core/request_memo.py).
    "core.request_memo.RequestMemoMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session entered a two-step code?
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.NoStoreWhenSignedInMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Who holds the session in this browser, so a form sent after it ends is kept for them.
    "core.submissions.LastUserCookieMiddleware",
    # Django's LoginRequiredMiddleware, keeping a form sent after the session ended.
    "core.submissions.KeepingLoginRequiredMiddleware",
    # Signed in with only a password: the two-step code first (core/two_factor.py).
    "core.two_factor.SecondFactorMiddleware",
    "core.audit.AccessAuditMiddleware",
    "iro.restricted.RestrictedChildMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the CSRF and sign-in checks: a form's one-time token is claimed before its view.
    "core.submissions.OneSubmissionMiddleware",
    "core.submissions.KeptSubmissionSentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.roles",
                "core.context_processors.timescales",
                "core.context_processors.session_timeout",
            ],
            # {% submission_token %} beside {% csrf_token %} in any posted form, and the
            # GOV.UK date filters and {% deadline %}, in every template unloaded.
            "builtins": ["core.templatetags.submissions", "core.templatetags.govuk"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# SQLite (a laptop, the demo): two saves at once must not fail with "database is locked".
# A write waits up to `timeout` seconds for the other; a transaction takes the write lock
# when it begins (IMMEDIATE), so two that read and then write cannot deadlock; and WAL
# lets pages be read while a save is being written. PostgreSQL needs none of this.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
# PostgreSQL: no JIT for the app's connections. Its queries are short, but the planner's
# estimates for a page's subqueries cross jit_above_cost, and compiling took 1.2 s of the
# 1.3 s the caseload's first page took at 20,000 children (docs/performance.md).
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# Read with the signed-in person, in the same query: pages ask an IRO's profile of them
# (core.backends.signed_in_user).
OVERSIGHT_USER_RELATED = ("iro_profile",)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Who may act on which record: the rules each area declares in permissions.py.
    "rules.permissions.ObjectPermissionBackend",
    # Django's model permissions, read in one query rather than two (core/backends.py).
    "core.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock an account and address after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Axes has one limit for all its parameters, so password spraying (one address, many
# usernames) is limited separately and higher, for shared offices (core.throttle).
OVERSIGHT_LOGIN_ADDRESS_LIMIT = int(os.environ.get("OVERSIGHT_LOGIN_ADDRESS_LIMIT", "50"))
OVERSIGHT_LOGIN_ADDRESS_WINDOW_MINUTES = int(
    os.environ.get("OVERSIGHT_LOGIN_ADDRESS_WINDOW_MINUTES", "15")
)

# Single sign-on with the council's identity provider over OpenID Connect (core/sso.py):
# on when OIDC_RP_CLIENT_ID is set. For Microsoft Entra ID the endpoints are
# https://login.microsoftonline.com/<tenant>/oauth2/v2.0/authorize (and /token),
# https://graph.microsoft.com/oidc/userinfo and .../discovery/v2.0/keys.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
OIDC_TIMEOUT = 10
# An account's role comes from an administrator, so a sign-in makes no account unless on.
OIDC_CREATE_USER = env_bool("OVERSIGHT_SSO_CREATE_USERS", False)
# The provider's own multi-factor sign-in stands in for Oversight's two-step code.
OVERSIGHT_SSO_COUNTS_AS_SECOND_FACTOR = env_bool("OVERSIGHT_SSO_COUNTS_AS_SECOND_FACTOR", True)
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.insert(1, "core.sso.CouncilAccountBackend")

# Two-step verification (core/two_factor.py): required for these roles (and for staff and
# superusers) wherever OVERSIGHT_MFA_REQUIRED is on, which it is unless in debug. Anyone
# who has set up an authenticator app is asked for its code, whatever their role.
OVERSIGHT_MFA_REQUIRED = env_bool("OVERSIGHT_MFA_REQUIRED", not DEBUG)
OVERSIGHT_MFA_ROLES = env_list("OVERSIGHT_MFA_ROLES", "head_of_service,administrator")
OTP_TOTP_ISSUER = os.environ.get("OVERSIGHT_MFA_ISSUER", "Oversight")

# Signed out after this many minutes without a request (every request saves the session,
# so its end moves on): the page warns two minutes before, with "Stay signed in"
# (templates/includes/timeout_warning.html, docs/adr/0011-nothing-lost-nothing-doubled.md).
OVERSIGHT_IDLE_TIMEOUT_MINUTES = int(os.environ.get("OVERSIGHT_IDLE_TIMEOUT_MINUTES", "30"))
# The bare one-query page the page benchmarks measure against (/bench/bare/); served only
# with DEBUG or this flag on (manage.py bench_pages turns it on for its own requests).
OVERSIGHT_BENCH_PAGES = env_bool("OVERSIGHT_BENCH_PAGES", False)
OVERSIGHT_TIMEOUT_WARNING_SECONDS = 2 * 60
SESSION_COOKIE_AGE = OVERSIGHT_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
# The session ends when the browser closes, as well as after the idle timeout.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS only, in one switch: DJANGO_SECURE=true wherever the app is served over TLS
# (production); off on a laptop's runserver. docs/adr/0009-hardening.md.
SECURE = env_bool("DJANGO_SECURE", False)
SECURE_SSL_REDIRECT = SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container's own plain-HTTP health check
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Behind a TLS-terminating proxy or load balancer that sets X-Forwarded-Proto (and strips
# any the client sent); without it, SECURE_SSL_REDIRECT would loop.
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", SECURE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): our own files only, and no inline script but the
# one-line nonce'd snippets (GOV.UK Frontend's js-enabled class).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded returns (MEDIA_ROOT/imports/<run>/), read by the Celery worker, so the web and
# worker machines must share it. Never served over HTTP: there is no MEDIA_URL route.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # People: their session; integrations: a scoped OAuth2 bearer token (core/api.py).
        # The session's first, so a refusal is a 403 (no WWW-Authenticate challenge).
        "rest_framework.authentication.SessionAuthentication",
        "core.api.IntegrationTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissions"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Each signed-in caller is limited per user (worklists/api, docs/api.md).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("OVERSIGHT_API_RATE_USER", "1000/minute")},
}
# Integrations' tokens (django-oauth-toolkit): client credentials only, scoped, hashed
# secrets, an hour each (OVERSIGHT_API_TOKEN_SECONDS).
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read the records in the service account's scope",
        "write": "Write through the API's integration endpoints",
    },
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("OVERSIGHT_API_TOKEN_SECONDS", "3600")),
    "PKCE_REQUIRED": True,
    # RFC 9700 (the OAuth 2.0 security best practice): no implicit or password grants, no
    # plain PKCE, no token in the address, the issuer in authorisation responses.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    # Tokens kept hashed; a replayed refresh token revokes its family; https redirects only.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Oversight API",
    "VERSION": "0.1.0",
    "SERVE_PERMISSIONS": ["core.permissions.HasUnitRole"],
    # The document describes the API, not the page that serves the document.
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's copy in our static files: no CDN script
    # runs on the app's origin.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for each choice set several fields share (a review's and a conference's
    # status are the same three words; a plan's two categories are one list).
    "ENUM_NAME_OVERRIDES": {
        "MeetingStatusEnum": "reviews.models.ReviewStatus",
        "DisputeStatusEnum": "disputes.models.DisputeStatus",
        "CategoryOfAbuseEnum": "core.codes.CategoryOfAbuse",
        "ImportRunStatusEnum": "returns.selectors.IMPORT_RUN_STATUSES",
    },
}

# The console backend (the default on a laptop) only prints: an alert sent through it is
# not marked sent (worklists.notifications). Production: the smtp backend and the rest.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "Set EMAIL_USE_TLS (STARTTLS, port 587) or EMAIL_USE_SSL (465), not both."
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "oversight@council.example")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
# GOV.UK Notify (core/notify.py, docs/adr/0010-invitations-through-notify.md): with a key,
# conference invitations go through Notify's email template (one personalisation field,
# "body"); with none, through EMAIL_BACKEND above.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
if NOTIFY_API_KEY and not NOTIFY_EMAIL_TEMPLATE_ID:
    raise ImproperlyConfigured("NOTIFY_API_KEY is set: set NOTIFY_EMAIL_TEMPLATE_ID too.")
# The webhook the outbox's events are posted to (core.outbox, docs/api.md), signed with
# the secret (HMAC-SHA256). Unset: nothing is posted (the council can still poll).
OVERSIGHT_WEBHOOK_URL = os.environ.get("OVERSIGHT_WEBHOOK_URL", "").strip()
OVERSIGHT_WEBHOOK_SECRET = os.environ.get("OVERSIGHT_WEBHOOK_SECRET", "")
if OVERSIGHT_WEBHOOK_URL:
    if urlsplit(OVERSIGHT_WEBHOOK_URL).scheme != "https" and not DEBUG:
        raise ImproperlyConfigured("OVERSIGHT_WEBHOOK_URL must be an https:// address.")
    if not OVERSIGHT_WEBHOOK_SECRET:
        raise ImproperlyConfigured("OVERSIGHT_WEBHOOK_URL is set: set OVERSIGHT_WEBHOOK_SECRET.")
# Where links in emails point.
OVERSIGHT_BASE_URL = os.environ.get("OVERSIGHT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security keys (django-otp-webauthn) as the second step, never in place of the password.
# A key belongs to one domain (the relying party), which cannot be an IP address: by
# default the base URL's host, or localhost on a laptop served at 127.0.0.1.
_base_host = urlsplit(OVERSIGHT_BASE_URL).hostname or "localhost"
_base_is_ip = _base_host.replace(".", "").isdigit() or ":" in _base_host
OTP_WEBAUTHN_RP_ID = os.environ.get("OVERSIGHT_WEBAUTHN_RP_ID") or (
    "localhost" if _base_is_ip else _base_host
)
OTP_WEBAUTHN_RP_NAME = "Oversight"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("OVERSIGHT_WEBAUTHN_ORIGINS") or [
    "http://localhost:8000" if _base_is_ip else OVERSIGHT_BASE_URL
]

# A restricted record opened with a reason stays open to that person this long (iro.restricted).
OVERSIGHT_BREAK_GLASS_MINUTES = int(os.environ.get("OVERSIGHT_BREAK_GLASS_MINUTES", "60"))

# The annual report's figures for the year in progress are kept this long (reporting/cache.py);
# a closed year's until a recorded change. OVERSIGHT_CACHE_URL (redis://...) shares the
# cache between processes; without it each process keeps its own in memory.
OVERSIGHT_REPORT_CACHE_SECONDS = int(os.environ.get("OVERSIGHT_REPORT_CACHE_SECONDS", "300"))
# Seconds the unit-wide counts beside a person's page (the booking queue's, caseloads) are
# kept at most; any recorded change forgets them sooner (core/kept.py).
OVERSIGHT_UNIT_COUNTS_SECONDS = int(os.environ.get("OVERSIGHT_UNIT_COUNTS_SECONDS", "120"))
_CACHE_URL = os.environ.get("OVERSIGHT_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: Redis in production; with no broker configured, tasks run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "core.beat:OversightScheduler"
# Uploaded returns run on their own queue (`imports`) so the nightly alerts never wait
# behind a council's largest return; the worker listens to both (docker-compose.yml).
CELERY_TASK_ROUTES = {"returns.tasks.import_run_task": {"queue": "imports"}}
# An import stopped at the soft limit is failed with a message; the hard limit kills it.
OVERSIGHT_IMPORT_SOFT_TIME_LIMIT = int(os.environ.get("OVERSIGHT_IMPORT_SOFT_TIME_LIMIT", "3300"))
OVERSIGHT_IMPORT_TIME_LIMIT = int(os.environ.get("OVERSIGHT_IMPORT_TIME_LIMIT", "3600"))
# The folder the council's case system leaves its Standard Safeguarding Dataset extract in
# (one <table>.csv per table), loaded every night by returns.ssd.tasks; unset, none is.
OVERSIGHT_SSD_FOLDER = os.environ.get("OVERSIGHT_SSD_FOLDER", "")
# A return that would remove more records than this (episodes, reviews, adoption decisions,
# conferences) is held until someone who loads returns confirms it (returns.imports); the
# commands refuse it without --confirm-removals.
OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE = int(
    os.environ.get("OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE", "10")
)
# The largest file, and the largest upload (all its files), taken for an import, in MB:
# refused while the upload is streamed in (returns.uploads), before anything is kept.
OVERSIGHT_IMPORT_MAX_FILE_MB = int(os.environ.get("OVERSIGHT_IMPORT_MAX_FILE_MB", "50"))
OVERSIGHT_IMPORT_MAX_UPLOAD_MB = int(os.environ.get("OVERSIGHT_IMPORT_MAX_UPLOAD_MB", "100"))
# Every upload is counted against those limits as it streams in; a file over 2.5 MB goes
# to a temporary file in chunks, never whole into memory (Django's own handlers).
FILE_UPLOAD_HANDLERS = [
    "returns.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A running import whose worker has not written its heartbeat for this long (it was
# killed, or its machine restarted) is failed by the resume task and can be tried again.
OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES = int(
    os.environ.get("OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES", "5")
)
# A large import holds a lot in memory: a worker process past 1 GB is replaced after its
# task, and each fetches one task at a time so none waits behind an import.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(
    os.environ.get("OVERSIGHT_WORKER_MAX_MEMORY_KB", str(1024 * 1024))
)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Statutory clock (RULES.md pinned conventions 1-2). Extra closure dates are a council's
# own (e.g. a Christmas shutdown), as ISO dates separated by commas.
OVERSIGHT_WORKING_DAYS = {
    "extra_closure_dates": env_list("OVERSIGHT_EXTRA_CLOSURE_DATES"),
    "count_start_as_day_one": env_bool("OVERSIGHT_COUNT_START_AS_DAY_ONE", False),
}
# Any field of core.timescales.Timescales, as JSON: {"icpc_working_days": 15, ...}.
OVERSIGHT_TIMESCALES = json.loads(os.environ.get("OVERSIGHT_TIMESCALES", "{}"))
# How far ahead the nightly alerts announce each kind (fields of worklists.alerts.Thresholds),
# as JSON: {"lac_review_working_days": 20, "booking_window_weeks": 6, ...}.
OVERSIGHT_ALERT_THRESHOLDS = json.loads(os.environ.get("OVERSIGHT_ALERT_THRESHOLDS", "{}"))
# Handbook caseload range per full-time IRO.
OVERSIGHT_CASELOAD_RANGE = (
    int(os.environ.get("OVERSIGHT_CASELOAD_MIN", "50")),
    int(os.environ.get("OVERSIGHT_CASELOAD_MAX", "70")),
)
# The caseload's IRO filter lists every active IRO up to this many; a bigger unit's lists
# Everyone, No IRO, the person's own and the one chosen, and the caseloads page links
# each IRO's (a select of hundreds of names is long to send and to use).
OVERSIGHT_CASELOAD_IRO_CHOICES = int(os.environ.get("OVERSIGHT_CASELOAD_IRO_CHOICES", "100"))
# The DfE rules run on the returns every night (returns.data_quality). The CIN census
# validator lives in its own environment (`make validators`, docs/adr/0005); the SSDA903
# one is imported in-process when installed. The council's ONS code (E09000027) lets the
# SSDA903 rules about where children are placed run; without it they are left out.
OVERSIGHT_CIN_VALIDATOR_PYTHON = os.environ.get(
    "OVERSIGHT_CIN_VALIDATOR_PYTHON", str(BASE_DIR / ".venv-validators" / "bin" / "python")
)
OVERSIGHT_LOCAL_AUTHORITY = os.environ.get("OVERSIGHT_LOCAL_AUTHORITY", "")

# Retention (retention/rules.py, docs/adr/0013): a looked-after child's records are kept to
# their 75th birthday, a child's never looked after (child protection only) to the age the
# council chooses (25 by default). Who read a child's record (core.models.AccessEvent) is
# kept 7 years by default: the 6 years in which most claims can be brought (Limitation
# Act 1980), and one more for a claim made at the end of them.
OVERSIGHT_RETENTION = {
    "looked_after_until_age": int(os.environ.get("OVERSIGHT_RETENTION_LOOKED_AFTER_AGE", "75")),
    "protection_only_until_age": int(os.environ.get("OVERSIGHT_RETENTION_PROTECTION_AGE", "25")),
    "access_events_years": int(os.environ.get("OVERSIGHT_RETENTION_ACCESS_EVENTS_YEARS", "7")),
    # What the council's case system was told (the outbox, docs/api.md): 90 days by default,
    # for a poller that was down to catch up; an event the webhook has still to deliver is
    # kept however old.
    "outbox_events_days": int(os.environ.get("OVERSIGHT_RETENTION_OUTBOX_DAYS", "90")),
}
if OVERSIGHT_RETENTION["access_events_years"] < 1:
    raise ImproperlyConfigured(
        "OVERSIGHT_RETENTION_ACCESS_EVENTS_YEARS must be a whole number of years, 1 or more."
    )
if OVERSIGHT_RETENTION["outbox_events_days"] < 1:
    raise ImproperlyConfigured(
        "OVERSIGHT_RETENTION_OUTBOX_DAYS must be a whole number of days, 1 or more."
    )
# An uploaded return's stored files are deleted this many days after its import finished
# (returns.rules.upload_delete_on): 0, as soon as it is loaded and checked; a failed or
# discarded upload is kept longer, to look into it or try it again.
OVERSIGHT_RETENTION_UPLOAD_DAYS = int(os.environ.get("OVERSIGHT_RETENTION_UPLOAD_DAYS", "0"))
OVERSIGHT_RETENTION_FAILED_UPLOAD_DAYS = int(
    os.environ.get("OVERSIGHT_RETENTION_FAILED_UPLOAD_DAYS", "30")
)
# The nightly retention job always reports what is due; it anonymises only when this is on.
OVERSIGHT_RETENTION_APPLY = env_bool("OVERSIGHT_RETENTION_APPLY", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Logs carry ids and counts: no query strings, no values of personal keys (core.logging).
    "filters": {"redact_personal": {"()": "core.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_personal"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The request line (with its query string) through the same filtered handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
