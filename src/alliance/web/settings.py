"""Settings, from environment variables only.

ALLIANCE_ENV (development | production), ALLIANCE_DEBUG, ALLIANCE_SECRET_KEY,
ALLIANCE_ALLOWED_HOSTS (comma-separated), ALLIANCE_DATA_DIR (SQLite file and site wording),
DATABASE_URL (PostgreSQL for an agency; SQLite in WAL mode when unset).
"""

from __future__ import annotations

import secrets

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from alliance.measures.wording import data_dir
from alliance.web.env import env_bool, env_list, env_str

ENV = env_str("ALLIANCE_ENV", "development")
if ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"ALLIANCE_ENV must be development or production, got {ENV!r}")
PRODUCTION = ENV == "production"
DEBUG = env_bool("ALLIANCE_DEBUG", False)
DATA_DIR = data_dir()

SECRET_KEY = env_str("ALLIANCE_SECRET_KEY")
if PRODUCTION and (DEBUG or len(SECRET_KEY) < 50):
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

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "alliance.audit",
    "alliance.care",
    "alliance.clinic",
    "alliance.respond",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alliance.audit.trail.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "alliance.respond.kiosk.KioskLockMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "alliance.sqlite3",
            "OPTIONS": {
                # WAL: readers never wait for the writer; IMMEDIATE: a writing transaction
                # takes its lock at the start, so two submissions queue instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

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
