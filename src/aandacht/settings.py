"""The one settings module. Every value comes from the environment with a safe default.

See ``aandacht.env.example`` at the top of the repository for the full list.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

from aandacht.env import (
    ConfigError,
    data_dir,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
    host_of,
    origin_of,
    parse_email_url,
    secret_key,
)

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
if "pytest" in sys.modules and not os.environ.get("AANDACHT_DATA_DIR"):
    # A test run must never write into the real data directory (secret key, SQLite file).
    os.environ["AANDACHT_DATA_DIR"] = tempfile.mkdtemp(prefix="aandacht-test-")
DATA_DIR = data_dir()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("AANDACHT_DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
BASE_URL = env_url("AANDACHT_BASE_URL")
# Production mode (`aandacht serve --production`, `aandacht --production …` or this variable):
# secure cookies, HSTS, a redirect to https. It needs the https address people use.
PRODUCTION = env_bool("AANDACHT_PRODUCTION", False)
if PRODUCTION and not BASE_URL.startswith("https://"):
    raise ConfigError(
        "production mode needs AANDACHT_BASE_URL set to the https:// address people use, "
        f"e.g. https://crm.example.org (it is {BASE_URL or 'not set'!r})"
    )
if PRODUCTION and DEBUG:
    raise ConfigError(
        "AANDACHT_DEBUG=1 shows tracebacks with personal data to anyone; "
        "it cannot be combined with production mode"
    )
# How many reverse proxies stand in front of Aandacht (each appends to X-Forwarded-For).
# 0: the client address is REMOTE_ADDR, and X-Forwarded-* headers are ignored.
TRUSTED_PROXIES = env_int("AANDACHT_TRUSTED_PROXIES", 0)
# The host of AANDACHT_BASE_URL is allowed too: setting the address people use is enough.
ALLOWED_HOSTS = env_list(
    "AANDACHT_ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]"] + ([host_of(BASE_URL)] if BASE_URL else []),
)
CSRF_TRUSTED_ORIGINS = env_list(
    "AANDACHT_CSRF_TRUSTED_ORIGINS", [origin_of(BASE_URL)] if BASE_URL else []
)
PHONE_REGION = env_str("AANDACHT_PHONE_REGION", "NL").upper()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    # Two-factor sign-in: TOTP apps, and single-use recovery codes as "static" tokens.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Failed sign-ins, counted per account and per address (lock-out).
    "axes",
    "aandacht.accounts",
    "aandacht.people",
    "aandacht.timeline",
    "aandacht.attention",
    "aandacht.exchange",
    "aandacht.cards",
    "aandacht.rounds",
    "ninja",  # the API docs' bundled Swagger UI files (nothing loads from a CDN)
    "aandacht.api",
    "aandacht.carddav",
    "aandacht.web",
]

MIDDLEWARE = [
    *(["aandacht.web.timing.ServerTiming"] if env_bool("AANDACHT_BENCH_TIMING", False) else []),
    # Content-Security-Policy and Permissions-Policy (Django 5.2 sets neither); outermost,
    # so static files and redirects carry them too.
    "aandacht.web.security.SecurityHeadersMiddleware",
    # PROPFIND / from a CardDAV client that was given the bare server address → /dav/.
    "aandacht.carddav.middleware.DavRootRedirectMiddleware",
    # A write that meets a full disk or a read-only database: a clear 503, not a 500 (faults.py).
    "aandacht.web.faults.FaultMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reads the write stamp before the session's user or anything a page shows: the stamp a
    # kept page is kept under (web/kept_pages.py).
    "aandacht.web.kept_pages.StampFirstMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Keeps the user's list of signed-in sessions (accounts.sessions) up to date.
    "aandacht.accounts.sessions.SessionActivityMiddleware",
    # After LocaleMiddleware (browser/cookie) and auth: a signed-in user's own choice wins.
    "aandacht.accounts.language.UserLanguageMiddleware",
    "aandacht.web.middleware.FirstRunMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aandacht.urls"
WSGI_APPLICATION = "aandacht.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aandacht.web.context_processors.shell",
            ],
        },
    }
]

# Whole pages each process keeps until something is written (web/kept_pages.py), in MB;
# 0 builds every page afresh.
KEPT_PAGES_BYTES = env_int("AANDACHT_KEPT_PAGES_MB", 32) * 1024 * 1024

_default_database_url = f"sqlite:///{DATA_DIR / 'aandacht.sqlite3'}"
try:
    # Production (gunicorn's worker threads are long-lived) keeps each thread's connection for
    # a minute, checked before reuse: no new PostgreSQL connection per request.
    _conn_max_age = env_int("AANDACHT_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0)
    _database = dj_database_url.parse(
        env_str("DATABASE_URL", "") or _default_database_url,
        conn_max_age=_conn_max_age,
        conn_health_checks=_conn_max_age > 0,
    )
except ValueError as error:
    raise ConfigError(f"DATABASE_URL cannot be used: {error}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while one writer commits; IMMEDIATE transactions plus a busy
    # timeout make concurrent writers wait instead of failing with "database is locked".
    _database["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("AANDACHT_SQLITE_TIMEOUT", 20, minimum=1),
    }
DATABASES = {"default": _database}
if _database["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")  # trigram lookups for search
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 for new and changed passwords; older hashes still verify and are upgraded on sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out account or address before checking.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lock-out (django-axes), each lock on its own, for AANDACHT_LOCKOUT_MINUTES: an account
# after AANDACHT_LOGIN_FAILURES failures for its username (from any addresses), an address after
# AANDACHT_ADDRESS_LOGIN_FAILURES failures from it (any usernames): higher, so one housemate's
# typos do not lock out everyone behind the same router (accounts/axes_handler.py).
AXES_HANDLER = "aandacht.accounts.axes_handler.AandachtAxesHandler"
AXES_FAILURE_LIMIT = env_int("AANDACHT_LOGIN_FAILURES", 5, minimum=1)
ADDRESS_LOGIN_FAILURES = env_int("AANDACHT_ADDRESS_LOGIN_FAILURES", 20, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AANDACHT_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# An attempt refused by a lock checks no password, so it is no failure: counting it would make
# the owner's attempts during an address lock lock her account too, and stretch the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
# The 429 page (accounts/locked_out.html) says in the visitor's language how long to wait.
AXES_LOCKOUT_CALLABLE = "aandacht.accounts.lockout.locked_out"
AXES_VERBOSE = False
# REMOTE_ADDR, or the address AANDACHT_TRUSTED_PROXIES proxies vouch for (never a header the
# client alone wrote).
AXES_CLIENT_IP_CALLABLE = "aandacht.web.security.client_ip"
# The API's rate limit counts per address behind the same proxies.
NINJA_NUM_PROXIES = TRUSTED_PROXIES or None
# A password-reset link works once, for this long; one mail per address per cool-down.
PASSWORD_RESET_TIMEOUT = env_int("AANDACHT_PASSWORD_RESET_MINUTES", 60, minimum=5) * 60
PASSWORD_RESET_MAIL_INTERVAL = dt.timedelta(minutes=5)
# Anyone may create an account only when this is on; otherwise the owner invites people.
OPEN_SIGNUP = env_bool("AANDACHT_OPEN_SIGNUP", False)
INVITATION_DAYS = env_int("AANDACHT_INVITATION_DAYS", 7, minimum=1)
# API requests per token (or signed-in user) per minute, before answering 429.
API_REQUESTS_PER_MINUTE = env_int("AANDACHT_API_REQUESTS_PER_MINUTE", 600, minimum=1)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = env_str("AANDACHT_LANGUAGE", "en")
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("AANDACHT_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing directory otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the apps, so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
if PRODUCTION:
    # `serve --production` collects them into STATIC_ROOT before it starts (web/production.py):
    # hashed names, cached by browsers for a year, and gzip copies.
    STORAGES["staticfiles"]["BACKEND"] = "aandacht.web.production.ProductionStaticStorage"
    # Several worker processes (and app servers) share one cache, so a form's one-time token
    # and the API's rate limit hold across them; `serve --production` creates the table.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "aandacht_cache",
        }
    }
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

UPLOAD_MAX_BYTES = env_int("AANDACHT_UPLOAD_MAX_MB", 10, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = min(UPLOAD_MAX_BYTES, 2_621_440)
# Import files (vCard, CSV, JSON) may be much larger than a photo; they stream to disk.
IMPORT_MAX_BYTES = env_int("AANDACHT_IMPORT_MAX_MB", 200, minimum=1) * 1024 * 1024

EMAIL_URL = env_str("EMAIL_URL", "")
if EMAIL_URL:
    _email = parse_email_url(EMAIL_URL)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT") or 30
else:
    # Without EMAIL_URL nothing is sent; the system check `aandacht.W001` says so.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("AANDACHT_FROM_EMAIL", "aandacht@localhost")
# `aandacht serve` sends due digests in a background thread; off when cron runs `aandacht digest`.
SCHEDULER = env_bool("AANDACHT_SCHEDULER", True)
# Scheduled backups (docs/backup.md), made by that same background scheduler (its lease holder):
# every AANDACHT_BACKUP_EVERY_HOURS hours (0 turns them off) into AANDACHT_BACKUP_DIR, keeping
# the newest AANDACHT_BACKUP_KEEP of its own files (aandacht-backup-<UTC time>.zip).
BACKUP_DIR = Path(
    env_str("AANDACHT_BACKUP_DIR", "").strip() or str(DATA_DIR / "backups")
).expanduser()
BACKUP_EVERY_HOURS = env_int("AANDACHT_BACKUP_EVERY_HOURS", 24)
BACKUP_KEEP = env_int("AANDACHT_BACKUP_KEEP", 7, minimum=1)
# Written in a child process at a lower priority (on in production; aandacht.backup.scheduled):
# in the server's own process a big PostgreSQL dump held the interpreter lock its requests need.
BACKUP_IN_CHILD = env_bool("AANDACHT_BACKUP_IN_CHILD", PRODUCTION)

# Django's database sessions, read with one fixed statement instead of the ORM (the first
# query of every signed-in request; accounts/session_store.py).
SESSION_ENGINE = "aandacht.accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION or BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Aandacht's own server speaks plain HTTP, so in production TLS ends at a reverse proxy,
# which must set (not pass on) X-Forwarded-Proto; see docs/security.md.
if PRODUCTION or TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# Joining the browsers' preload list is hard to undo, so it is a separate, explicit choice.
SECURE_HSTS_PRELOAD = PRODUCTION and env_bool("AANDACHT_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "AANDACHT_LOG_LEVEL", "WARNING", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        ),
    },
}
