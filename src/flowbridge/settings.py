"""Django settings, read from the environment.

Defaults give the embedded demo: SQLite under ``var/`` and the web UI on
127.0.0.1:8000. A deployment sets ``DATABASE_URL``, ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``DEBUG`` explicitly.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("FLOWBRIDGE_DATA_DIR", Path.cwd() / "var")).resolve()


def _secret_key() -> str:
    """Use SECRET_KEY when given; otherwise keep a generated one in the data directory."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DEBUG", "").lower() in {"1", "true", "yes"}
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "flowbridge.core",
    "flowbridge.accounts",
    "flowbridge.org",
    "flowbridge.responsibility",
    "flowbridge.processes",
    "flowbridge.notify",
    "flowbridge.cases",
    "flowbridge.diagnosis",
    "flowbridge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "flowbridge.urls"
WSGI_APPLICATION = "flowbridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "flowbridge.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'flowbridge.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several web threads write; wait for the lock instead of failing at once.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["timeout"] = 20
    # Readers never wait for a writer (WAL), and a commit need not flush to disk
    # each time (NORMAL keeps the database consistent after a crash; the last
    # commits may be lost on power failure). Writers take the lock when they
    # begin, so two writing transactions queue instead of deadlocking.
    options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
    options["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the matrix editor's fetch() reads it
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Sign-in lock-out: this many failures within the window lock the account for the window.
FLOWBRIDGE_LOGIN_MAX_FAILURES = int(os.environ.get("FLOWBRIDGE_LOGIN_MAX_FAILURES", "5"))
FLOWBRIDGE_LOGIN_LOCK_MINUTES = int(os.environ.get("FLOWBRIDGE_LOGIN_LOCK_MINUTES", "15"))
# Uploaded attachments live under the data folder; they are served only through
# permission-checked views, never as public static files.
MEDIA_ROOT = Path(os.environ.get("FLOWBRIDGE_MEDIA_ROOT", DATA_DIR / "media")).resolve()
MEDIA_URL = "/media/"
FLOWBRIDGE_MAX_UPLOAD_BYTES = int(os.environ.get("FLOWBRIDGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# Imported event logs (Parquet) and uploads waiting for import, beside the database.
DIAGNOSIS_ROOT = Path(os.environ.get("FLOWBRIDGE_DIAGNOSIS_ROOT", DATA_DIR / "diagnosis")).resolve()
# Background jobs (imports, refreshes): rows in the database, run by `flowbridge worker`
# (or the worker thread of `flowbridge serve`). See docs/decisions/0008-background-jobs.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The largest event-log file an upload may be; bigger files are refused with a clear message
# (`flowbridge import-log` has no limit). 1 GiB is also waitress's default request-body limit.
DIAGNOSIS_MAX_UPLOAD_BYTES = int(
    os.environ.get("FLOWBRIDGE_DIAGNOSIS_MAX_UPLOAD_BYTES", 1024 * 1024 * 1024)
)
# An import running longer than this is taken as stuck (its worker stopped): it may be deleted.
DIAGNOSIS_STUCK_MINUTES = int(os.environ.get("FLOWBRIDGE_DIAGNOSIS_STUCK_MINUTES", "120"))
# A requester may urge the holders of a case once per this many minutes.
FLOWBRIDGE_URGE_INTERVAL_MINUTES = int(os.environ.get("FLOWBRIDGE_URGE_INTERVAL_MINUTES", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "flowbridge.core.logging.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The engine logs every task state change at INFO; our event log already holds them.
    "loggers": {"spiff": {"level": os.environ.get("ENGINE_LOG_LEVEL", "WARNING")}},
}
