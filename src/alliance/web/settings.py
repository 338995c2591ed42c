"""Settings, from environment variables only.

ALLIANCE_ENV (development | production), ALLIANCE_DEBUG, ALLIANCE_SECRET_KEY,
ALLIANCE_ALLOWED_HOSTS (comma-separated), ALLIANCE_DATA_DIR (SQLite file and site wording),
DATABASE_URL (PostgreSQL for an agency; SQLite in WAL mode when unset),
ALLIANCE_SESSION_MINUTES (inactivity before sign-out, default 30),
ALLIANCE_RELAX_MFA (unset: two-factor sign-in for every account; "single-user": not while
the install has one account; "demo": set by `alliance demo`; never in production).

Notifications (urgent signals emailed to the clinician, escalated to the duty contact):
ALLIANCE_BASE_URL (the address in the emails' links, default http://localhost:8000; `alliance
serve` in production needs it), ALLIANCE_EMAIL_HOST, _PORT (587), _USER, _PASSWORD, _USE_TLS
(true) for SMTP; else ALLIANCE_EMAIL_FILE_PATH (a folder: one file per message); else the
console (printed by the task worker; `alliance serve` refuses that in production unless
ALLIANCE_EMAIL_CONSOLE=allow). ALLIANCE_EMAIL_FROM (the sender). ALLIANCE_TASKS: database
(default; Django's tasks in this database, run by the worker `alliance serve` starts) or rq
(RQ on REDIS_URL, with the rq extra installed). ALLIANCE_TASK_WORKER=off: `alliance serve`
starts no worker (one runs elsewhere: `alliance manage notify_worker`).

Behind a reverse proxy: ALLIANCE_TRUSTED_PROXIES (comma-separated addresses or networks, e.g.
127.0.0.1): the only peers whose X-Forwarded-Proto, -For and -Host are believed (web/proxy.py);
`alliance serve` in production needs it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import secrets
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from alliance.measures.site import data_dir
from alliance.web.env import env_bool, env_int, env_list, env_str
from alliance.web.proxy import ProxySettingError, parse_trusted_proxies

ENV = env_str("ALLIANCE_ENV", "development")
if ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"ALLIANCE_ENV must be development or production, got {ENV!r}")
PRODUCTION = ENV == "production"
DEBUG = env_bool("ALLIANCE_DEBUG", False)
DATA_DIR = data_dir()

SECRET_KEY = env_str("ALLIANCE_SECRET_KEY")
if PRODUCTION and (
    DEBUG
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "production needs ALLIANCE_DEBUG off and a real ALLIANCE_SECRET_KEY (50+ characters)"
    )
if not SECRET_KEY:
    # Development only: a key for this process. Sessions do not outlive a restart.
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("ALLIANCE_ALLOWED_HOSTS") or (
    [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("production needs ALLIANCE_ALLOWED_HOSTS")

RELAX_MFA = env_str("ALLIANCE_RELAX_MFA")
if RELAX_MFA not in ("", "single-user", "demo"):
    raise ImproperlyConfigured(
        f"ALLIANCE_RELAX_MFA must be single-user or demo (or unset), got {RELAX_MFA!r}"
    )
if PRODUCTION and RELAX_MFA == "demo":
    raise ImproperlyConfigured("production never runs with ALLIANCE_RELAX_MFA=demo")

try:
    TRUSTED_PROXIES = parse_trusted_proxies(env_list("ALLIANCE_TRUSTED_PROXIES"))
except ProxySettingError as exc:
    raise ImproperlyConfigured(str(exc)) from None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "alliance.audit",
    "alliance.care",
    "alliance.clinic",
    "alliance.respond",
    "alliance.safety",
    "alliance.notify",
    "alliance.progress",
    "alliance.enrol",
    "django_tasks",
    "django_tasks_db",
]
MIDDLEWARE = [
    # First: every middleware after it sees the scheme, host and address a trusted proxy
    # gave, and no forwarding header from anyone else.
    "alliance.web.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alliance.web.middleware.RejectNulMiddleware",
    "alliance.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every request but a page's background poll renews the session (idle means idle).
    "alliance.web.activity.ActivityMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "alliance.web.membership.MembershipMiddleware",
    "alliance.audit.trail.AuditContextMiddleware",
    "alliance.web.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "alliance.respond.kiosk_lock.KioskLockMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "alliance.web.urls"
WSGI_APPLICATION = "alliance.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    # Persistent connections (one per serving thread, reopened after 10 minutes so that a
    # backend's memory does not grow for ever), checked before each request reuses them, so a
    # restarted server costs a reconnect instead of an error.
    _database = dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation only costs in this app: its queries are lookups and joins, and the
        # compiling is paid again at every execution. Forced at 5,000 clients, it turned the
        # caseload's two queries (under 1 ms each) into 2.6-2.8 ms ones, added 30-50 ms to
        # the refit's read of the forms, and sped none up; left on, it would start by itself
        # once an estimate passes jit_above_cost, for that read at about 20,000 clients
        # (`bench/bench_web.py --database-url URL --explain` prints the plans).
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
    DATABASES = {"default": _database}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "alliance.sqlite3"),
            "OPTIONS": {
                # WAL: readers never wait for the writer; IMMEDIATE: a writing transaction
                # takes its lock at the start, so two submissions queue instead of failing.
                # synchronous=FULL: each commit is synced to disk before the client is
                # thanked (NORMAL could lose the last commits to a power cut); fullfsync
                # makes that sync reach the disk itself on macOS, and is a no-op elsewhere.
                # `bench/bench_web.py --only durability` measures the cost.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    "PRAGMA fullfsync=ON; PRAGMA checkpoint_fullfsync=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# The cache holds the link-guess counters and which forms a session page has shown (its poll
# is audited once per new form without writing the session); nothing a page needs. The
# counters are limits, so they must be shared by every serving process. REDIS_URL (e.g. redis://127.0.0.1:6379/0;
# ALLIANCE_CACHE_PREFIX keeps installs that share one Redis apart): Django's Redis backend,
# whose counters are atomic. Without it, this process's own memory, which is why `alliance
# serve` refuses more than one worker without REDIS_URL. Sign-in lockout (django-axes) and
# sessions live in the database, shared either way.
_redis_url = env_str("REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": env_str("ALLIANCE_CACHE_PREFIX", "alliance"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Email: the urgent-signal notifications (alliance.notify). SMTP when a host is set; else one
# file per message in a folder; else the console, for development (`alliance serve` refuses
# the console in production unless ALLIANCE_EMAIL_CONSOLE=allow: an urgent signal printed to
# a server's log reaches no one).
BASE_URL = env_str("ALLIANCE_BASE_URL", "http://localhost:8000").rstrip("/")
if not BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"ALLIANCE_BASE_URL must start with https:// or http://, "
                               f"got {BASE_URL!r}")  # fmt: skip
BASE_URL_SET = bool(env_str("ALLIANCE_BASE_URL"))
EMAIL_HOST = env_str("ALLIANCE_EMAIL_HOST")
_email_file_path = env_str("ALLIANCE_EMAIL_FILE_PATH")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("ALLIANCE_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("ALLIANCE_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("ALLIANCE_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("ALLIANCE_EMAIL_USE_TLS", True)
elif _email_file_path:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _email_file_path
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_CONSOLE_ALLOWED = env_str("ALLIANCE_EMAIL_CONSOLE") == "allow"
# A mail server that does not answer fails the attempt (retried later) instead of holding
# the worker.
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("ALLIANCE_EMAIL_FROM", "alliance-monitor@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (Django's tasks: the django-tasks backport): notifications are sent and
# escalated outside the request. The database backend needs no other service (its worker
# is started by `alliance serve`); RQ on Redis for an agency that runs RQ workers.
TASK_QUEUE = env_str("ALLIANCE_TASKS", "database")
TASK_WORKER = env_bool("ALLIANCE_TASK_WORKER", True)
TASKS: dict[str, dict[str, Any]]
if TASK_QUEUE == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASK_QUEUE == "rq":
    if not _redis_url:
        raise ImproperlyConfigured(
            "ALLIANCE_TASKS=rq needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
        )
    if importlib.util.find_spec("django_tasks_rq") is None:
        raise ImproperlyConfigured(
            "ALLIANCE_TASKS=rq needs the rq extra: pip install 'alliance-monitor[rq]'"
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": _redis_url}}
else:
    raise ImproperlyConfigured(f"ALLIANCE_TASKS must be database or rq, got {TASK_QUEUE!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
STATIC_URL = "static/"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "caseload"
LOGOUT_REDIRECT_URL = "login"
# Static files are served from the installed package; no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True

# Logging: everything to stderr through one filter that blanks link tokens (Django's request
# logging writes the path of every 404 and 400, and a link's path is its key). Django's own
# loggers pass their records up to it instead of printing them themselves.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "alliance.web.log_redaction.RedactTokens"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "alliance": {"level": "INFO"},
    },
}

# Passwords: Argon2 first (PBKDF2 kept to read hashes made before), Django's validators.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]  # fmt: skip

# Lockout of repeated failed sign-ins (django-axes): 5 failures for one username from one
# address lock that pair for 15 minutes; a success clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The address as the trusted-proxy middleware left it (never a forwarded-for header), so a
# lockout holds one client behind the proxy, not everyone.
AXES_CLIENT_IP_CALLABLE = "alliance.web.proxy.client_ip"

# Sessions end after inactivity and with the browser. Every request renews them except a
# page's background poll (alliance.web.activity.ActivityMiddleware marks the others).
SESSION_COOKIE_AGE = 60 * env_int("ALLIANCE_SESSION_MINUTES", 30)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "Alliance Monitor"

# Requests: no body above 1 MiB (the largest form is a few kilobytes), few fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Headers: no framing, no sniffing, no referrer beyond this site, a Content-Security-Policy
# with no inline script (pages carry their data in JSON script blocks, which do not run).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Vega draws with inline style attributes; no script runs from them.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if PRODUCTION:
    # Behind TLS (see SECURITY.md): HTTPS only, cookies never sent in clear. Whether a
    # request came over HTTPS is what a trusted proxy says (TRUSTED_PROXIES, web/proxy.py),
    # never a header from anyone else: no SECURE_PROXY_SSL_HEADER.
    SECURE_SSL_REDIRECT = env_bool("ALLIANCE_SSL_REDIRECT", True)
    # A load balancer's or the proxy's health check may ask over plain HTTP (no data).
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
