"""Headway's settings, read from the environment.

Development defaults apply only when DEBUG is on. With DEBUG off, every variable listed in
REQUIRED_IN_PRODUCTION must be set, and `manage.py check --deploy` is silent.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name, default=""):
    """A secret from NAME, or read from the file NAME_FILE names (Docker and systemd
    credentials), so that it need not sit in the environment itself."""
    if path := os.environ.get(f"{name}_FILE"):
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error}") from error
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", False)

REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL")
if not DEBUG:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(
            "Headway runs with DEBUG off and these environment variables are not set: "
            + ", ".join(missing)
            + ". See .env.example and the README's Configuration section."
        )

SECRET_KEY = os.environ.get("SECRET_KEY") or "development-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The public address, for links in e-mails. In development, the port `make run PORT=...`
# serves on (the Makefile sets SITE_URL).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, not {SITE_URL!r}.")
# The name of this app server, sent in an X-Served-By header; empty sends nothing.
SERVED_BY = os.environ.get("SERVED_BY", "")
# How many reverse proxies in front of Headway append to X-Forwarded-For (nginx: 1). Zero
# trusts no such header and takes the client's address from the connection.
NUM_PROXIES = envint("NUM_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    # The job queue's tables and its worker command (manage.py procrastinate worker).
    "procrastinate.contrib.django",
    "headway",
    "objectives",
    "obstacles",
    "coaching",
    "dashboard",
    "people",
    "api",
    "integrations",
    "notifications",
]

MIDDLEWARE = [
    "headway.middleware.request_log",
    "headway.middleware.served_by",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "headway.middleware.refuse_malformed_input",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Outside the messages' middleware: the answer it keeps has their cookie.
    "headway.middleware.submitted_once",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "headway.urls"
WSGI_APPLICATION = "headway.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "headway.context_processors.navigation",
                "headway.context_processors.single_sign_on",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "headway.templatetags.links",
                "headway.templatetags.people",
                "headway.templatetags.time_words",
            ],
        },
    },
]
# Django's form renderer, with the <input> and <textarea> of every field written in Python.
FORM_RENDERER = "headway.forms.QuickRenderer"

# Persistent connections (one per gunicorn worker, reused for DB_CONN_MAX_AGE seconds and
# checked before reuse) rather than a pool: a sync worker serves one request at a time, so a
# pool inside it would hold one connection anyway. A connection broken by a PostgreSQL
# restart fails its health check and is replaced on the next request. See the README.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://headway@127.0.0.1:5432/headway"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {})
# A page must not hang when PostgreSQL is away: fail fast, answer 503.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", envint("DB_CONNECT_TIMEOUT", 3))
# The queries Headway compiles once per process (headway.stored.CompiledQuery) are also
# PREPAREd once per connection. Off behind a pooler in transaction mode (PgBouncer), whose
# server connections do not keep a client's prepared statements. See the README.
DB_PREPARED_STATEMENTS = envbool("DB_PREPARED_STATEMENTS", True)
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache every app server shares, so that nothing cached differs from one to the next: a
# table in PostgreSQL, created by `manage.py createcachetable`.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "headway_cache",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions in PostgreSQL, each knowing whose it is, so that deactivating a person signs them
# out everywhere at once (headway.sessions).
SESSION_ENGINE = "headway.sessions"
AUTHENTICATION_BACKENDS = ["headway.sso.PasswordBackend", "headway.sso.SSOBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Password guessing: after this many failed sign-ins for one username (or many more from one
# address) within the window, sign-in is refused for the rest of the window.
SIGNIN_FAILURE_LIMIT = envint("SIGNIN_FAILURE_LIMIT", 5)
SIGNIN_ADDRESS_FAILURE_LIMIT = envint("SIGNIN_ADDRESS_FAILURE_LIMIT", 50)
SIGNIN_LOCKOUT_MINUTES = envint("SIGNIN_LOCKOUT_MINUTES", 15)
# A password reset answers after this many milliseconds whether or not the address is someone's
# (headway.views.PasswordResetView): more than the mail server takes to accept an e-mail.
PASSWORD_RESET_ANSWER_MS = envint("PASSWORD_RESET_ANSWER_MS", 500)

# Single sign-on through the company's OpenID Connect provider (headway.sso), off until
# SSO_ISSUER is set. Endpoints and keys come from the issuer's discovery document.
SSO_ISSUER = os.environ.get("SSO_ISSUER", "").strip().rstrip("/")
SSO_ENABLED = bool(SSO_ISSUER)
SSO_CLIENT_ID = os.environ.get("SSO_CLIENT_ID", "")
SSO_CLIENT_SECRET = envsecret("SSO_CLIENT_SECRET")
# The provider's name on the sign-in button: "Sign in with <name>".
SSO_NAME = os.environ.get("SSO_NAME", "")
SSO_SCOPES = os.environ.get("SSO_SCOPES", "openid email profile")
# Create a person on first sign-in, for addresses of these domains only.
SSO_PROVISIONING = envbool("SSO_PROVISIONING", False)
SSO_ALLOWED_DOMAINS = [domain.lower().lstrip("@") for domain in envlist("SSO_ALLOWED_DOMAINS")]
# Password sign-in and reset for superusers only (the way in when the provider is down).
SSO_ONLY = envbool("SSO_ONLY", False)
SSO_TIMEOUT = envint("SSO_TIMEOUT", 10)
if SSO_ENABLED:
    missing = [name for name in ("SSO_CLIENT_ID", "SSO_CLIENT_SECRET") if not globals()[name]]
    if missing:
        raise ImproperlyConfigured(
            "SSO_ISSUER is set, and so must be: "
            + ", ".join(missing)
            + " (or SSO_CLIENT_SECRET_FILE)."
        )
    if not DEBUG and not SSO_ISSUER.startswith("https://"):
        raise ImproperlyConfigured("SSO_ISSUER must be an https:// address when DEBUG is off.")
    if SSO_PROVISIONING and not SSO_ALLOWED_DOMAINS:
        raise ImproperlyConfigured(
            "SSO_PROVISIONING is on: name the e-mail domains it may create people for in "
            "SSO_ALLOWED_DOMAINS."
        )
elif SSO_ONLY:
    raise ImproperlyConfigured("SSO_ONLY is on but single sign-on is not set up (SSO_ISSUER).")
# mozilla-django-oidc, the library headway.sso builds on: the authorization code flow with
# PKCE, state and nonce; no token kept in the session but the ID token, and that only when
# the provider can sign people out (headway.sso.SSOBackend.store_tokens).
# (The client's id and secret, endpoints and signing algorithm: headway.sso gives them.)
OIDC_RP_SCOPES = SSO_SCOPES
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
OIDC_TIMEOUT = SSO_TIMEOUT
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
# The API (api/): requests each personal access token may make per window of seconds.
API_RATE_LIMIT = envint("API_RATE_LIMIT", 120)
API_RATE_WINDOW = envint("API_RATE_WINDOW", 60)

# Integrations (integrations/): chat channels and outgoing webhooks post only to https://
# addresses on public networks, unless these say otherwise (on with DEBUG, for local
# receivers); a request waits INTEGRATIONS_TIMEOUT seconds at most; a channel or a webhook
# whose deliveries failed INTEGRATIONS_DISABLE_AFTER times in a row is switched off.
INTEGRATIONS_ALLOW_HTTP = envbool("INTEGRATIONS_ALLOW_HTTP", DEBUG)
INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES = envbool("INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES", DEBUG)
INTEGRATIONS_TIMEOUT = envint("INTEGRATIONS_TIMEOUT", 10)
INTEGRATIONS_DISABLE_AFTER = envint("INTEGRATIONS_DISABLE_AFTER", 5)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language cookie (set by the switcher and on sign-in, headway.i18n) travels like the
# session's: over HTTPS only when the session does, no script reads it, and other sites'
# requests do not carry it (SameSite=Lax, as the session and CSRF cookies).
LANGUAGE_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: SMTP through EMAIL_HOST; without it, the console in development and the mail server
# on this machine (localhost:25, as Django assumes) in production.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Headway <headway@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
email_host = os.environ.get("EMAIL_HOST", "")
if email_host or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host or "localhost",
                "port": envint("EMAIL_PORT", 587 if email_host else 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", bool(email_host)),
                "timeout": envint("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# The job queue (headway.jobs): workers delete the jobs that succeeded, so that the table holds
# what waits, runs or failed; what was sent stays in headway.models.Email.
PROCRASTINATE_ON_APP_READY = "headway.jobs.on_app_ready"
PROCRASTINATE_WORKER_DEFAULTS = {
    "delete_jobs": "successful",
    "concurrency": envint("WORKER_CONCURRENCY", 4),
    "install_signal_handlers": True,
}
# Job queue health (/healthz/queue): answer 503 when a job has waited this long, or when no
# worker has been seen for this long.
QUEUE_STALE_MINUTES = envint("QUEUE_STALE_MINUTES", 15)

# Security: safe by default, relaxed only for local development over plain HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/queue)?$"]
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Pages carry the CSRF token (a form field, and data-hx-headers for htmx): no script reads
# the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
# One line per request from headway.requests; "json" makes every line a JSON object.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "headway.log.JSONFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own "Not Found: /x" lines repeat what the request line already says.
        "django.request": {"level": "ERROR"},
        # The queue's set-up lines (tasks registered) on every command; its workers' job lines
        # (procrastinate.worker) stay.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
    },
}
