"""Settings for the site, read from the environment and safe by default.

Every variable is documented in the README's configuration table.
"""

import os
import secrets
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")


def _secret_key():
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Outside debug mode the site refuses to start "
            "without it (see the README's configuration table)."
        )
    # In debug mode only: a key kept in var/, so sessions survive a restart of `make run`.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # django.contrib.admin with the site of config/admin.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_prose_editor",
    "django_tasks",
    # Renamed in Dutch for the admin (config/apps.py).
    "config.apps.BackgroundTasksConfig",
    "import_export",
    "allauth",
    "allauth.account",
    "config.apps.SecondFactorConfig",
    "config.apps.SignedInDevicesConfig",
    "auditlog",
    # Revisions of the public content, compared and restored in the admin (core/revisions.py).
    "reversion",
    # The mail provider's bounce and complaint webhooks (newsletter/bounces.py).
    "anymail",
    # Infrastructure without models (core/apps.py): the `images` template tags, signal receivers.
    "core",
    "network",
    "news",
    "associations",
    "events",
    "campaigns",
    # After the content apps: it follows their objects' addresses (redirects/tracking.py).
    "redirects",
    "newsletter",
    "audit",
    "privacy",
    # After the content apps: it reads their rich-text and URL fields (linkcheck/finding.py).
    "linkcheck",
]

MIDDLEWARE = [
    # ETag and 304 answers for pages, also for those the page cache serves.
    "django.middleware.http.ConditionalGetMiddleware",
    # Whole pages for anonymous visitors (core/pagecache.py). First, so a stored page is sent
    # without running any other middleware: it was stored with every header they add (security
    # headers, CSP, Vary, ...) and with the cookies they set, so a page that set one (a form's
    # CSRF cookie, a session) is never stored.
    "core.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.AdminImportMapMiddleware",
    # Right after the headers: static files skip all the middleware below.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A 404 with a redirect becomes a 301, any other 404 is counted (redirects/middleware.py).
    # Inside the headers' middleware, so the 301 has them; before CommonMiddleware, whose
    # redirect to the address with its final slash comes first.
    "redirects.middleware.RedirectFallbackMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "core.middleware.AccountFormStatusMiddleware",
    # Records the signed-in staff member as the actor of audit-trail entries.
    "core.middleware.StaffAuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session that has not passed the second factor gets no page but the sign-in's own
    # (core/secondfactor.py). After MessageMiddleware: it leaves a message saying why.
    "core.middleware.StaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "core.context_processors.site",
            ],
        },
    },
]
# Django's form and widget templates through Jinja2: same markup, several times faster (core/forms.py).
FORM_RENDERER = "core.forms.FormRenderer"

# Database: an embedded SQLite file unless DATABASE_URL names another one.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A persistent connection broken by a database restart is replaced, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast while the database is unreachable instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    # Client-side cursors only: Django otherwise iterates every select's choices (the filter
    # forms' networks and themes) with DECLARE/FETCH/CLOSE, three round trips for ten rows;
    # and it is what a transaction-pooling PgBouncer in front needs anyway.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (pages, rate limits, site lookups): Redis when REDIS_URL is set, so several app servers
# share it. Without Redis: files in var/cache outside debug, so the gunicorn workers of one
# machine share page invalidations and rate-limit counts; process memory under `make run`.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that answers "not cached" while Redis is down (core/cache.py):
            # pages are built from the database, sign-ups work, rate limits let attempts through.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "site",
            # Seconds: an unreachable Redis must cost a worker little, not a hung request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
elif DEBUG:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "site",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Whole-page cache for anonymous visitors (core/pagecache.py): pages are dropped at once when
# their network's content changes, and after PAGE_CACHE_SECONDS in any case. A CDN in front may
# keep a page PAGE_CACHE_CDN_SECONDS (s-maxage); browsers revalidate with the ETag.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_SECONDS", "60"))
PAGE_CACHE_SKIP_PREFIXES = ["/beheer/", "/accounts/", "/healthz", "/media/"]

# Staff accounts (django-allauth): sign-in by email address, verified addresses, password reset
# by mail, failed sign-ins rate limited, and a second factor (TOTP app + recovery codes) that
# every staff member must set up before any admin page opens. There is no public sign-up.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "admin:index"
ACCOUNT_ADAPTER = "core.accounts.AccountAdapter"
MFA_ADAPTER = "core.accounts.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
# The session ends when the browser closes, and after STAFF_SESSION_HOURS in any case.
ACCOUNT_SESSION_REMEMBER = False
SESSION_COOKIE_AGE = int(os.environ.get("STAFF_SESSION_HOURS", "10")) * 3600
# Failed sign-ins: 5 per account per 15 minutes (whichever host name they come in on), 20 per
# client per 15 minutes. The client is the one PROXY_COUNT names (core/accounts.py), an IPv6
# client its /64 (RATE_LIMIT_IPV6_PREFIX).
ACCOUNT_RATE_LIMITS = {"login_failed": "20/15m/ip,5/15m/key"}
# Association volunteers sign in with a code mailed to them (no password, no authenticator app)
# and reach only "Mijn vereniging" and the public pages (core/secondfactor.py). Asking for a code
# is limited by allauth (3 a minute per address) and by RATE_LIMITS["login_code"].
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_FORMS = {"request_login_code": "core.accounts.LoginCodeForm"}
NON_STAFF_LOGIN_REDIRECT_URL = "/mijn-vereniging/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Changing an address or the second factor asks for the password (or a code) again if the last
# confirmation is more than 5 minutes old (a password change asks for the old one anyway); a
# change of the password, an address or the second factor is mailed to the account's address.
# (allauth refuses to add an address to an account with a second factor, so none is added.)
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("SITE_NAME", "Netwerk tegen Armoede")
# Only for a local demo (`make run` sets it): staff may use the admin without a second factor.
# `check --deploy` warns while it is on.
STAFF_MFA_WAIVED = env_bool("DJANGO_STAFF_MFA_WAIVED")
# Every signed-in session is listed on /accounts/sessions/ and can be ended from there.
USERSESSIONS_TRACK_ACTIVITY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads on S3-compatible object storage (django-storages) when a bucket is named, so that every
# app server stores and serves them in one place. They are public files at stable addresses: no
# signed URLs (whole pages are cached, and would outlive a signature), and a new upload never
# overwrites a stored name, which is what makes a week of browser caching safe. Addresses are
# built from MEDIA_ORIGIN without asking boto3 (that costs a millisecond per image rendition).
MEDIA_BUCKET = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
MEDIA_ORIGIN = ""
if MEDIA_BUCKET:
    _endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "").rstrip("/")
    _region = os.environ.get("AWS_S3_REGION_NAME", "")
    _domain = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip("/")
    if _domain:  # a CDN or web server in front of the bucket
        _media_base = f"https://{_domain}"
    elif _endpoint:  # another provider (or a local emulator), the bucket in the path
        _media_base = f"{_endpoint}/{MEDIA_BUCKET}"
    else:  # AWS itself
        _media_base = f"https://{MEDIA_BUCKET}.s3.{_region + '.' if _region else ''}amazonaws.com"
    _media_url = urlsplit(_media_base)
    MEDIA_ORIGIN = f"{_media_url.scheme}://{_media_url.netloc}"
    MEDIA_URL = f"{_media_base}/"
    STORAGES["default"] = {
        # S3Storage with each object's type taken from its name, SVG as attachments (core/storage.py).
        "BACKEND": "core.storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": _endpoint or None,
            "region_name": _region or None,
            # Unset: boto3 looks further (an instance role, ~/.aws).
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "addressing_style": "path" if _endpoint else None,
            "custom_domain": _media_url.netloc + _media_url.path,
            "url_protocol": f"{_media_url.scheme}:",
            "querystring_auth": False,
            "file_overwrite": False,
            # Public reading is the bucket policy's job (many buckets refuse object ACLs).
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=604800"},
        },
    }
# The app serves uploads from MEDIA_ROOT itself unless a web server in front (or object
# storage) does; a single gunicorn behind a TLS proxy then needs nothing else.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=not MEDIA_BUCKET)
WHITENOISE_MAX_AGE = 3600

# Outgoing mail, with the names of Django's own settings.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Netwerk tegen Armoede <info@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Transport security. On by default outside debug; `make serve` turns it off for plain
# http on 127.0.0.1. Behind a proxy that terminates TLS, trust its X-Forwarded-Proto.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# /healthz and /healthz/worker answer load balancers and monitors over plain http inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/worker$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from this site only, no inline script or
# style, no framing, forms post only here. Uploaded media too, unless object storage serves them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Uploaded images come from object storage when it serves them (MEDIA_ORIGIN).
        "img-src": [SELF, *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Browser features no page uses, switched off for every page (core/middleware.py).
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
    "browsing-topics",
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script here reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = os.environ.get("SITE_NAME", "Netwerk tegen Armoede")

# The main navigation, in order (core/context_processors.py). An entry appears once its URL
# exists, so an app that is left out of INSTALLED_APPS leaves the menu by itself.
MAIN_NAVIGATION = [
    ("network:home", _("Home")),
    ("network:network_list", _("Networks")),
    ("associations:list", _("Associations")),
    ("news:list", _("News")),
    ("campaigns:list", _("Campaigns")),
    ("events:list", _("Calendar")),
    ("network:document_list", _("Documents")),
    ("network:donate", _("Support us")),
    ("search", _("Search")),
]

# `make bench` only: mounts /bench/baseline/, a bare view every page's throughput is compared with.
# The page cache leaves it alone, so the yardstick is the same with the cache on or off.
BENCH_BASELINE = env_bool("DJANGO_BENCH_BASELINE")
if BENCH_BASELINE:
    PAGE_CACHE_SKIP_PREFIXES.append("/bench/")

# Error reports (core/monitoring.py says exactly what they hold: no personal data). Errors
# are mailed to DJANGO_ADMINS ("Name <address>, address", outside debug mode) and sent to
# SENTRY_DSN (Sentry, or a self-hosted GlitchTip or Bugsink), when set. Both: 500s, errors
# logged anywhere (a failed background task, a confirmation mail not sent).
ADMINS = [(name, address) for name, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")]) if address]
EMAIL_SUBJECT_PREFIX = f"[{os.environ.get('SITE_NAME', 'Netwerk tegen Armoede')}] "
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "database_unavailable": {"()": "core.unavailable.DatabaseUnavailableLogFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "core.monitoring.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handlers (its own console and mail_admins, which mails request headers,
        # form fields and local variables) are replaced: its messages reach the root's handlers.
        "django": {"handlers": []},
        "django.db.backends": {"level": "WARNING"},
        # While the database is down, each 503 is one warning line, not a traceback.
        "django.request": {"filters": ["database_unavailable"]},
    },
}
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from core.monitoring import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# Staff import and export associations only where they may add them (network editors).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "add"

# Upload limits (see core/uploads.py and core/images.py).
DOCUMENT_MAX_UPLOAD_BYTES = int(os.environ.get("DOCUMENT_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))
IMAGE_MAX_UPLOAD_BYTES = int(os.environ.get("IMAGE_MAX_UPLOAD_BYTES", 15 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 40_000_000))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Client addresses: behind N reverse proxies that append to X-Forwarded-For, the client is
# the Nth address from the right (core/ratelimit.py client_ip(), the one rule for every rate
# limit, allauth's sign-in limits and its list of signed-in sessions included). 0 = use the
# socket's address.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
# Per-client rate limits count an IPv6 client by its network of this many bits: a home or office
# line gets a whole /64. allauth's sign-in limits use the same prefix.
RATE_LIMIT_IPV6_PREFIX = 64
ALLAUTH_RATE_LIMIT_IPV6_PREFIX = RATE_LIMIT_IPV6_PREFIX

# Limits on public forms that store personal data or send mail, counted in the shared cache
# per client address ("ip") and per email address ("address"): (attempts, seconds).
RATE_LIMITS = {
    "signature": {"ip": (20, 3600), "address": (3, 3600)},
    "registration": {"ip": (20, 3600), "address": (5, 3600)},
    "subscription": {"ip": (20, 3600), "address": (3, 3600)},
    "login_code": {"ip": (20, 3600), "address": (6, 3600)},
}

# How long a link in a confirmation mail stays valid.
CONFIRMATION_MAX_AGE = int(os.environ.get("CONFIRMATION_MAX_AGE_DAYS", "7")) * 24 * 3600
# Signatures not confirmed within this many days are erased by `manage.py purge_signatures`.
SIGNATURE_PENDING_DAYS = int(os.environ.get("SIGNATURE_PENDING_DAYS", "30"))

# Background jobs (django-tasks) in the database; `manage.py newsletter_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz/worker answers 503 when no worker showed life for this many seconds, or when a task
# has waited that long while no worker started one (newsletter/worker.py).
WORKER_MAX_WAIT_SECONDS = int(os.environ.get("WORKER_MAX_WAIT_SECONDS", "300"))
# The site's own address, for links in mail sent by the worker, where no request tells the host.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Newsletter sign-ups not confirmed within this many days, and subscribers who left every list
# that long ago, are erased by `manage.py purge_pending_subscribers` (run it daily).
NEWSLETTER_PENDING_DAYS = int(os.environ.get("NEWSLETTER_PENDING_DAYS", "14"))
# Copies of an issue one background task sends over one SMTP connection.
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", "100"))
# Seconds a worker may hold one copy of an issue (claimed, not yet answered by the mail server)
# before the copy counts as abandoned by a dead worker: sent again if it never reached the server,
# marked uncertain if it may have (newsletter/sending.py).
NEWSLETTER_CLAIM_SECONDS = int(os.environ.get("NEWSLETTER_CLAIM_SECONDS", "300"))
# Bounces and complaints (newsletter/bounces.py). An address is suspended after this many soft
# bounces since its last confirmation (a hard bounce or a complaint suspends it at once).
NEWSLETTER_SOFT_BOUNCE_LIMIT = int(os.environ.get("NEWSLETTER_SOFT_BOUNCE_LIMIT", "3"))
# Bounce records are erased by `manage.py purge_pending_subscribers` after this many days.
NEWSLETTER_BOUNCE_DAYS = int(os.environ.get("NEWSLETTER_BOUNCE_DAYS", "90"))
# With a plain SMTP relay: the address bounces go to; each copy's envelope sender becomes
# local+<token>@domain (VERP), so the mailbox must accept "+" addresses. Empty: DEFAULT_FROM_EMAIL's.
NEWSLETTER_BOUNCE_ADDRESS = os.environ.get("NEWSLETTER_BOUNCE_ADDRESS", "")
# The local maildir `manage.py read_bounces` reads the bounce reports from.
NEWSLETTER_BOUNCE_MAILDIR = os.environ.get("NEWSLETTER_BOUNCE_MAILDIR", "")
# Or the bounce mailbox on a mail host, over IMAP (newsletter/imapbox.py): only with TLS ("ssl":
# IMAPS, port 993; "starttls": port 143). Reports are deleted once recorded, or moved to MOVE_TO.
NEWSLETTER_BOUNCE_IMAP_HOST = os.environ.get("NEWSLETTER_BOUNCE_IMAP_HOST", "")
NEWSLETTER_BOUNCE_IMAP_PORT = os.environ.get("NEWSLETTER_BOUNCE_IMAP_PORT", "")
NEWSLETTER_BOUNCE_IMAP_SECURITY = os.environ.get("NEWSLETTER_BOUNCE_IMAP_SECURITY", "ssl")
NEWSLETTER_BOUNCE_IMAP_USER = os.environ.get("NEWSLETTER_BOUNCE_IMAP_USER", "")
NEWSLETTER_BOUNCE_IMAP_PASSWORD = os.environ.get("NEWSLETTER_BOUNCE_IMAP_PASSWORD", "")
NEWSLETTER_BOUNCE_IMAP_FOLDER = os.environ.get("NEWSLETTER_BOUNCE_IMAP_FOLDER", "INBOX")
NEWSLETTER_BOUNCE_IMAP_MOVE_TO = os.environ.get("NEWSLETTER_BOUNCE_IMAP_MOVE_TO", "")
# A certificate authority file for a mail host with its own certificate; empty: the system's.
NEWSLETTER_BOUNCE_IMAP_CAFILE = os.environ.get("NEWSLETTER_BOUNCE_IMAP_CAFILE", "")
# The mail provider's tracking webhooks (/anymail/<provider>/tracking/) answer only to this
# "user:password" (HTTP basic auth); without it they refuse every request.
ANYMAIL = {"WEBHOOK_SECRET": os.environ.get("WEBHOOK_SECRET", "")}
# Registrations are erased by `manage.py purge_registrations` this many days after their event ended.
REGISTRATION_RETENTION_DAYS = int(os.environ.get("REGISTRATION_RETENTION_DAYS", "60"))
# Confirmed registrants get a reminder (with the cancel link) this many days before their event,
# sent by `manage.py send_event_reminders` (run hourly).
EVENT_REMINDER_DAYS = int(os.environ.get("EVENT_REMINDER_DAYS", "2"))

# `manage.py check_links` (daily): seconds it waits for a server's answer, and at least between two
# requests to one host.
LINKCHECK_TIMEOUT = float(os.environ.get("LINKCHECK_TIMEOUT", "10"))
LINKCHECK_DELAY = float(os.environ.get("LINKCHECK_DELAY", "1"))
# Links to addresses that are not public (the servers' own network, loopback) are not requested:
# staff type the links, and the results must not map the servers' surroundings. Tests turn it off
# for their local server.
LINKCHECK_PUBLIC_ONLY = True

# Audit trail (django-auditlog, shaped and shown by the `audit` app): no staff IP address is kept,
# changes are stored as JSON values, a foreign key as the name of what it points to (still
# readable once that is deleted), and fixtures loaded raw leave no entries.
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# No client-supplied correlation id header is stored with the entries.
AUDITLOG_CID_HEADER = None
