"""Settings for Commissioning Register.

Every setting that differs between a laptop and production is read from the
environment here, once. A bad value stops the process with ImproperlyConfigured
naming the variable, rather than starting half-configured.
"""

import datetime
import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "development-only-not-secret-commissioning-register"


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default, minimum=0):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if SECRET_KEY == DEVELOPMENT_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production refuses the development key: set SECRET_KEY "
        "to a long random value, or DEBUG=true for local development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The office whose register this is: shown in the header, the PDFs' author and titles.
OPCC_NAME = os.environ.get("OPCC_NAME", "").strip() or "Cumbria OPCC"

# Protective marking printed on every PDF (Government Security Classifications).
PROTECTIVE_MARKING = os.environ.get("PROTECTIVE_MARKING", "").strip() or "OFFICIAL"
if PROTECTIVE_MARKING not in {"OFFICIAL", "OFFICIAL-SENSITIVE"}:
    raise ImproperlyConfigured(
        f"PROTECTIVE_MARKING must be OFFICIAL or OFFICIAL-SENSITIVE, not {PROTECTIVE_MARKING!r}."
    )

# The login `make run` makes sure exists (manage.py ensure_login); the password
# is generated and printed when not given.
LOCAL_ADMIN_USERNAME = os.environ.get("LOCAL_ADMIN_USERNAME", "").strip() or "admin"
LOCAL_ADMIN_PASSWORD = os.environ.get("LOCAL_ADMIN_PASSWORD", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_forms_gds",
    "django_htmx",
    "simple_history",
    "axes",
    "commissioning",
    "providers",
    "contracts",
    "outcomes",
    "reports",
    "publication",
    # After commissioning, whose db_worker (the package's, plus taking back the
    # tasks a killed worker left running) then takes the command's name.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "commissioning.sessions.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commissioning.urls"

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
                "django.template.context_processors.csp",
                "commissioning.context_processors.office",
            ],
            "builtins": ["commissioning.templatetags.register_format"],
        },
    },
]

WSGI_APPLICATION = "commissioning.wsgi.application"

DEFAULT_SQLITE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL Django knows: {error}"
    ) from None
if not DATABASES["default"]["NAME"]:
    # dj-database-url accepts "postgres://" and leaves the name empty, which
    # would only fail later, on the first query.
    raise ImproperlyConfigured("DATABASE_URL names no database: end it with /<database name>.")
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes watches every login first; its subclass lets programmatic logins
# without a request (the test client's login(), the shell) through unwatched.
AUTHENTICATION_BACKENDS = [
    "commissioning.auth_backends.LoginAttemptBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")

# Finished PDFs, kept so an unchanged document is served again without
# rendering; the background worker writes them and the web process reads them,
# through Django's storage API (the "pdfs" storage): a folder both can reach,
# or S3-compatible object storage when they run on different machines.
PDF_CACHE_DIR = Path(os.environ.get("PDF_CACHE_DIR") or MEDIA_ROOT / "pdf")
PDF_STORAGE = os.environ.get("PDF_STORAGE", "").strip().lower() or "files"
if PDF_STORAGE == "files":
    STORAGES["pdfs"] = {
        "BACKEND": "commissioning.documents.PdfFileSystemStorage",
        "OPTIONS": {"location": PDF_CACHE_DIR},
    }
elif PDF_STORAGE == "s3":
    # django-storages' S3 backend, installed by the office that wants it
    # (pip install "django-storages[s3]"); credentials come from boto3's own
    # chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role).
    if not os.environ.get("PDF_S3_BUCKET", "").strip():
        raise ImproperlyConfigured(
            "PDF_STORAGE=s3 needs PDF_S3_BUCKET, the bucket to keep PDFs in."
        )
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            'PDF_STORAGE=s3 needs django-storages with boto3: pip install "django-storages[s3]".'
        )
    STORAGES["pdfs"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["PDF_S3_BUCKET"].strip(),
            "location": os.environ.get("PDF_S3_PREFIX", "pdf").strip(),
            "endpoint_url": os.environ.get("PDF_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("PDF_S3_REGION", "").strip() or None,
            "file_overwrite": True,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured(
        f"PDF_STORAGE must be files or s3, not {os.environ.get('PDF_STORAGE')!r}."
    )
# A schedule of more contracts than this is rendered by the task worker, not in the request.
SCHEDULE_BACKGROUND_ROWS = env_int("SCHEDULE_BACKGROUND_ROWS", 150, minimum=1)

# Publication. The public transparency pages under /published/ are served only when
# PUBLIC_REGISTER is on (`make run` turns it on); an office may instead upload the
# static bundle `manage.py export_open_data DIR` writes.
PUBLIC_REGISTER = env_bool("PUBLIC_REGISTER", False)


def env_prefix(name, default, starts_with):
    raw = os.environ.get(name, "").strip() or default
    rest = raw[len(starts_with) :]
    if (
        not raw.startswith(starts_with)
        or not rest
        or not all(c.isalnum() or c == "-" for c in rest)
    ):
        raise ImproperlyConfigured(
            f"{name} must start with {starts_with} followed by letters, digits and hyphens, "
            f"not {raw!r}."
        )
    return raw


# Open Contracting IDs are this prefix, a hyphen and the contract reference. A prefix is
# registered with the Open Contracting Partnership; until an office has one, the
# default marks its OCIDs as unofficial.
OCDS_OCID_PREFIX = env_prefix("OCDS_OCID_PREFIX", "ocds-unregistered", "ocds-")
# 360Giving grant identifiers are this prefix, a hyphen and the reference; the prefix
# is registered with 360Giving.
GRANT_ID_PREFIX = env_prefix("GRANT_ID_PREFIX", "360G-unregistered", "360G-")
# The office's own organisation identifier (org-id.guide), as the buyer and funder.
OPCC_ORG_ID = os.environ.get("OPCC_ORG_ID", "").strip() or "GB-UNREGISTERED-OPCC"
# The public address of /published/, written into the open data's own links.
PUBLIC_REGISTER_URL = (
    os.environ.get("PUBLIC_REGISTER_URL", "").strip() or "http://127.0.0.1:8000/published/"
)
# Decisions and alerts (manage.py send_alerts; README "Decisions and alerts").
# A contract's notice period, in months, when it does not record its own: an
# option's decision falls due the day before the date this many months ahead of
# its period's start.
DEFAULT_NOTICE_MONTHS = env_int("DEFAULT_NOTICE_MONTHS", 3)


def env_lead_times(name, default):
    """Whole months before a decision date at which to alert, largest first, each at least 1."""
    try:
        months = sorted({int(item) for item in env_list(name, default)}, reverse=True)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers of months separated by commas, e.g. 12,6,3,1."
        ) from None
    if not months or min(months) < 1 or max(months) > 60:
        raise ImproperlyConfigured(f"{name} must list months from 1 to 60, e.g. 12,6,3,1.")
    return months


ALERT_LEAD_TIMES = env_lead_times("ALERT_LEAD_TIMES", ["12", "6", "3", "1"])
# The site's address, for links in alert emails (no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or "http://127.0.0.1:8000"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "commissioning-register",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Error reports are mailed from a background thread with EMAIL_TIMEOUT, and a
        # mail server that refuses or never answers is logged, never felt by the visitor.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "commissioning.errors.ErrorMailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's default "django" logger, whose mail handler sends inside the request.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Security ------------------------------------------------------------------
# See docs/security.md for what each of these protects.

# Brute-force protection (django-axes): five failed logins for one username from
# one address lock that pair out for half an hour; an administrator can unlock
# earlier in admin (Axes › Access attempts › delete).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# TRUSTED_PROXIES: how many reverse proxies of our own stand in front of gunicorn
# (0 by default: X-Forwarded-For is then ignored, as anyone can send it). Behind
# one nginx that appends to X-Forwarded-For, set 1, so lock-outs are per visitor
# rather than for everyone behind the proxy's address.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "commissioning.auth_backends.client_address"

# Sessions end after SESSION_IDLE_MINUTES without a request (to within a minute: a
# session in use is re-saved at most once a minute, commissioning/sessions.py), and
# with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Django's database sessions, but a lost database gives the 503 page, not a 400.
SESSION_ENGINE = "commissioning.sessions"
SESSION_COOKIE_HTTPONLY = True

# HTTPS_ONLY (default: on in production) turns on the redirect to HTTPS, HSTS
# and secure cookies together. Behind a proxy that terminates TLS, set
# PROXY_SSL_HEADER to the header and value it adds, e.g. "X-Forwarded-Proto=https";
# only do so when the proxy always sets or strips that header.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
_proxy_header = os.environ.get("PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    _name, _sep, _value = _proxy_header.partition("=")
    if not _sep or not _name.strip() or not _value.strip():
        raise ImproperlyConfigured(
            f"PROXY_SSL_HEADER must look like X-Forwarded-Proto=https, not {_proxy_header!r}."
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip(),
    )
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (Django's own): everything from this site only;
# a script or style element written into a page needs the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Error reports by email. Production refuses to start without somewhere to
# send them: an unhandled error nobody hears about is an error nobody fixes.
ADMINS = env_list("ADMINS", [])
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "").strip() or "root@localhost"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or SERVER_EMAIL
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "").strip() or "localhost",
            "port": env_int("EMAIL_PORT", 25, minimum=1),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            # Seconds to wait for the mail server; error reports never wait longer.
            "timeout": env_int("EMAIL_TIMEOUT", 5, minimum=1),
        },
    }
}
if DEBUG:
    MAILERS["default"] = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
else:
    _missing_mail = [
        name for name in ("ADMINS", "EMAIL_HOST", "SERVER_EMAIL") if not os.environ.get(name)
    ]
    if _missing_mail:
        raise ImproperlyConfigured(
            "Production needs somewhere to send error reports: set "
            + ", ".join(_missing_mail)
            + " (ADMINS is a comma-separated list of email addresses), "
            "or DEBUG=true for local development."
        )
