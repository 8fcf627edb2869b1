"""Settings for luoshi, read from environment variables.

LUOSHI_VAR_DIR the folder of the default database, secret key, media, evidence and backups
               (default var/ in the checkout; /var/lib/luoshi in deployment)
DATABASE_URL   database (default: SQLite file var/luoshi.sqlite3, WAL mode)
DB_CONN_MAX_AGE  seconds a database connection is kept open (default 60)
SECRET_KEY     secret key (default: generated once into var/secret_key)
DEBUG          "1"/"true" for development
ALLOWED_HOSTS  comma-separated host names
CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://luoshi.example.gov.cn
STATIC_ROOT    where collectstatic puts the static files (default staticfiles/ in the checkout)
STATIC_MANIFEST  "1": hashed, compressed static files from STATIC_ROOT (after collectstatic)
LOG_LEVEL      level of the console log (default WARNING)
LIST_COUNT_CAP  list pages and API lists count rows up to this many (default 100000)
MEDIA_ROOT     public uploads (default var/media)
EVIDENCE_ROOT  private evidence files, never served as static/media (default var/evidence)
EVIDENCE_MAX_MB  largest evidence file accepted, in MiB (default 50; 参数设置)
SESSION_HOURS  idle time after which a session expires (default 8)
TASKS_BACKEND  django.tasks backend: "db" (django-tasks-db, a db_worker runs the jobs;
               default) or "immediate" (run at once, in the request)
TASK_REMIND_DAYS_BEFORE  days before a task's deadline that units are reminded (default 3; 参数设置)
SEPARATION_OF_DUTIES  the separations of duties in force, comma-separated (default
               "assessment_review,incident_signoff"; "" for none): assessment_review = an
               assessment is reviewed and published by others than who computed it;
               incident_signoff = only a holder of the 领导 role closes an incident
REDIS_URL      e.g. redis://127.0.0.1:6379/0: cache and sessions in Redis (default: local
               memory cache, sessions in the database); CACHE_KEY_PREFIX (default "luoshi")
FIGURE_CACHE_SECONDS  longest life of the 驾驶舱's figures cached per scope (default 300;
               a write shows at once, see docs/metrics.md)
S3_BUCKET      (or AWS_STORAGE_BUCKET_NAME) evidence in S3-compatible object storage via
               django-storages; S3_ENDPOINT_URL, S3_REGION, AWS_ACCESS_KEY_ID,
               AWS_SECRET_ACCESS_KEY, S3_PREFIX (default "evidence"), S3_ADDRESSING_STYLE
               ("path" for MinIO and most on-premises stores); AWS_S3_ENDPOINT_URL and
               AWS_S3_REGION_NAME are accepted for the first two. Default: EVIDENCE_ROOT
EVIDENCE_STORAGE  "disk" or "s3": where evidence is read and written (default: "s3" when
               S3_BUCKET is set, else "disk"); `manage.py move_evidence --to s3` moves it

Production hardening (see docs/reliability.md; `manage.py check --deploy` is clean with these):
SECURE_COOKIES        "1": session and CSRF cookies only over HTTPS (set it in production)
SECURE_SSL_REDIRECT   "1": redirect http → https (and send HSTS)
SECURE_HSTS_SECONDS   HSTS max-age when served over TLS (default 31536000 if SECURE_SSL_REDIRECT
                      or SECURE_PROXY_SSL_HEADER is set, else 0)
SECURE_HSTS_PRELOAD   "1"/"0": the HSTS preload flag (default on when HSTS is sent)
SECURE_PROXY_SSL_HEADER  "1" when a TLS-terminating proxy sets X-Forwarded-Proto: https
UPLOAD_MAX_UNPACKED_MB   largest total unpacked size of an uploaded zip/xlsx/docx (default 200; 参数设置)
EXCHANGE_MAX_UPLOAD_MB   largest data package accepted by the import page (default 60, as nginx; 参数设置)
TRUSTED_PROXIES       comma-separated addresses/networks of the reverse proxies whose
                      X-Forwarded-For is believed (e.g. "127.0.0.1,::1" behind the shipped
                      nginx); empty: the direct peer is the client (luoshi.core.client_address)

Login security (docs/login-security.md; defaults of 参数设置 except the lockout):
AXES_FAILURE_LIMIT / AXES_COOLOFF_MINUTES  wrong passwords from one address that lock an
               account there, and for how long (default 5 / 30)
PASSWORD_MAX_AGE_DAYS (90; 0: never), PASSWORD_HISTORY_COUNT (5),
PASSWORD_CHANGE_AT_FIRST_LOGIN ("1"), LOGIN_CAPTCHA_AFTER_FAILURES (3; 0: never),
OTP_REQUIRED_ROLES (role codes, default "admin"), SESSION_LIMIT_PER_USER (5; 0: no limit),
LOG_RETENTION_DAYS (365; never less than 183)

Notifications (docs/notifications.md): e-mail through SMTP, links in external messages
EMAIL_HOST / EMAIL_PORT (default 25) / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD
               the SMTP server; EMAIL_USE_TLS or EMAIL_USE_SSL "1"; without EMAIL_HOST,
               e-mail deliveries fail, visibly (通知发送记录)
DEFAULT_FROM_EMAIL   sender address (default "luoshi@localhost")
SITE_URL       e.g. https://luoshi.example.gov.cn: links in e-mail and robot messages
NOTICE_MAX_ATTEMPTS  default of the 参数设置 retry limit of a failed delivery (default 5)
These and the variables marked (参数设置) above are only defaults: the system
administrator changes the 参数设置 values at run time (luoshi.core.parameters).
Unified login (docs/unified-login.md):
DIRECTORY_MAPPING_FILE  YAML file: directory groups (LDAP DNs, OIDC claim values) -> unit, roles
LDAP_SERVER_URI, LDAP_BIND_DN, LDAP_BIND_PASSWORD, LDAP_USER_SEARCH_BASE, LDAP_USER_FILTER,
               LDAP_GROUP_SEARCH_BASE, LDAP_GROUP_FILTER, LDAP_GROUP_TYPE, LDAP_START_TLS,
               LDAP_CA_CERT_FILE, LDAP_ATTR_FULL_NAME, LDAP_ATTR_EMAIL, LDAP_TIMEOUT_SECONDS
OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET, OIDC_OP_ISSUER, OIDC_OP_AUTHORIZATION_ENDPOINT,
               OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT, OIDC_OP_JWKS_ENDPOINT,
               OIDC_USERNAME_CLAIM, OIDC_GROUPS_CLAIM, OIDC_CA_BUNDLE, OIDC_LOGIN_LABEL,
               OIDC_RP_SCOPES, OIDC_RP_SIGN_ALGO, OIDC_TIMEOUT_SECONDS

API_THROTTLE_USER / API_THROTTLE_ANON  API request rates per user / anonymous client
               (default "1200/minute" / "60/minute")
WORKER_HEARTBEAT_SECONDS / WORKER_HEARTBEAT_STALE_SECONDS  the worker's heartbeat period and
               the age after which /healthz calls it stale (default 30 / 120)
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import ldap
from django.utils.csp import CSP
from django.utils.functional import lazy
from django_auth_ldap.config import (
    GroupOfNamesType,
    GroupOfUniqueNamesType,
    LDAPSearch,
    NestedActiveDirectoryGroupType,
    PosixGroupType,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Created where it is first written to (manage.py, the secret key below, file storages),
# never by importing the settings.
VAR_DIR = Path(os.environ.get("LUOSHI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _key_from_file() -> str:
    """The key in ``VAR_DIR/secret_key``, made on first use. Two processes starting together
    agree: the file appears whole (hard link of a finished temporary file) or not at all."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        temporary = VAR_DIR / f".secret_key.{os.getpid()}"
        temporary.write_text(secrets.token_urlsafe(50))
        temporary.chmod(0o600)
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG")
# SECRET_KEY from the environment, else the key file read (or made) when a key is first
# needed (signing a session, a password-reset token, ...), not at import.
SECRET_KEY = os.environ.get("SECRET_KEY") or lazy(_key_from_file, str)()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "luoshi.staticfiles.LuoshiStaticFilesConfig",  # django.contrib.staticfiles without *.map
    "django.contrib.humanize",
    "treebeard",
    "simple_history",
    "axes",
    "captcha",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "luoshi.core",
    "luoshi.units",
    "luoshi.accounts",
    "luoshi.evidence",
    "luoshi.ledger",
    "luoshi.duty",
    "luoshi.tasks",
    "luoshi.statforms",
    "luoshi.audit",
    "luoshi.notices",
    "luoshi.channels",
    "luoshi.incidents",
    "luoshi.events",
    "luoshi.publications",
    "luoshi.risks",
    "luoshi.inspections",
    "luoshi.assessment",
    "luoshi.reports",
    "luoshi.dashboard",
    "luoshi.api",
    "luoshi.exchange",
    "luoshi.health",
    "luoshi.printing",  # printable documents (reads the feature apps; nothing imports it)
    "luoshi.demo",  # development tools: demo district and scale data (imports every app)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "luoshi.accounts.middleware.UserLanguageMiddleware",
    "luoshi.accounts.middleware.SecurityStepMiddleware",
    "luoshi.accounts.middleware.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "luoshi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luoshi.core.context_processors.navigation",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'luoshi.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "luoshi.accounts.backends.LuoshiModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "luoshi.accounts.password_validation.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "luoshi.accounts.password_validation.PasswordHistoryValidator"},
]

# 等保 login-security policy (luoshi.accounts.policy; docs/login-security.md): defaults of
# the 参数设置 values the system administrator may change at run time.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))  # 0: no expiry
PASSWORD_HISTORY_COUNT = int(os.environ.get("PASSWORD_HISTORY_COUNT", "5"))  # 0: reuse allowed
PASSWORD_CHANGE_AT_FIRST_LOGIN = env_bool("PASSWORD_CHANGE_AT_FIRST_LOGIN", True)
LOGIN_CAPTCHA_AFTER_FAILURES = int(os.environ.get("LOGIN_CAPTCHA_AFTER_FAILURES", "3"))
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "admin")  # role codes; superusers too
SESSION_LIMIT_PER_USER = int(os.environ.get("SESSION_LIMIT_PER_USER", "5"))  # 0: no limit
LOG_RETENTION_DAYS = int(os.environ.get("LOG_RETENTION_DAYS", "365"))  # at least 183
OTP_TOTP_ISSUER = "落实"
CAPTCHA_IMAGE_SIZE = (120, 40)  # drawn locally with Pillow and the bundled font
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_2X_IMAGE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "8")) * 3600)
# The idle expiry slides when a signed-in page notes the session's activity, at most every
# 5 minutes (luoshi.accounts.sessions.touch, SEEN_RESOLUTION), not on every request: a page
# view writes no session (on SQLite, a write takes the database lock from every other worker).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page (hx-headers), not the cookie

# --- security headers -------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
# Health probes come over plain HTTP on loopback (gunicorn directly): never redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_behind_tls = SECURE_SSL_REDIRECT or env_bool("SECURE_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if _behind_tls else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The preload flag only matters once the domain is submitted to the browsers’ list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's own middleware). Everything is vendored: no CDN.
# No 'unsafe-eval': pages load Alpine's CSP build, whose components live in static files
# (luoshi/static/luoshi/components.js); inline <script> blocks need {{ csp_nonce }}.
# Inline style attributes (ECharts, Bootstrap components) need 'unsafe-inline' for styles.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", CSP.NONCE],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# --- unified login (docs/unified-login.md) ------------------------------------------------
# Directory groups (LDAP group DNs, values of the OIDC groups claim) -> unit and roles: one
# YAML file for both (luoshi.accounts.directory).
DIRECTORY_MAPPING_FILE = os.environ.get("DIRECTORY_MAPPING_FILE", "")

# LDAP / Active Directory (django-auth-ldap): on when LDAP_SERVER_URI is set. The login form
# tries the directory first, then local accounts.
LDAP_SERVER_URI = os.environ.get("LDAP_SERVER_URI", "")
if LDAP_SERVER_URI:
    AUTHENTICATION_BACKENDS.insert(1, "luoshi.accounts.backends.LuoshiLDAPBackend")
AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
AUTH_LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
AUTH_LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS")
AUTH_LDAP_USER_SEARCH = LDAPSearch(
    os.environ.get("LDAP_USER_SEARCH_BASE", ""),
    ldap.SCOPE_SUBTREE,
    os.environ.get("LDAP_USER_FILTER", "(uid=%(user)s)"),  # AD: (sAMAccountName=%(user)s)
)
AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
    os.environ.get("LDAP_GROUP_SEARCH_BASE", ""),
    ldap.SCOPE_SUBTREE,
    os.environ.get("LDAP_GROUP_FILTER", "(objectClass=*)"),
)
AUTH_LDAP_GROUP_TYPE = {
    "groupOfNames": GroupOfNamesType(),
    "groupOfUniqueNames": GroupOfUniqueNamesType(),
    "posixGroup": PosixGroupType(),
    "activeDirectory": NestedActiveDirectoryGroupType(),
}[os.environ.get("LDAP_GROUP_TYPE", "groupOfNames")]
AUTH_LDAP_USER_ATTR_MAP = {
    "full_name": os.environ.get("LDAP_ATTR_FULL_NAME", "cn"),
    "email": os.environ.get("LDAP_ATTR_EMAIL", "mail"),
}
AUTH_LDAP_ALWAYS_UPDATE_USER = True
AUTH_LDAP_CONNECTION_OPTIONS = {
    ldap.OPT_NETWORK_TIMEOUT: int(os.environ.get("LDAP_TIMEOUT_SECONDS", "5")),
    ldap.OPT_TIMEOUT: int(os.environ.get("LDAP_TIMEOUT_SECONDS", "5")),
    ldap.OPT_REFERRALS: 0,  # Active Directory: do not chase referrals
}
if os.environ.get("LDAP_CA_CERT_FILE"):
    AUTH_LDAP_GLOBAL_OPTIONS = {ldap.OPT_X_TLS_CACERTFILE: os.environ["LDAP_CA_CERT_FILE"]}

# OpenID Connect (provincial 统一身份认证, mozilla-django-oidc): on when OIDC_RP_CLIENT_ID is set;
# the login page then shows 「统一身份认证登录」. Endpoints from the provider's discovery document
# (/.well-known/openid-configuration).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_LOGIN_LABEL = os.environ.get("OIDC_LOGIN_LABEL", "统一身份认证登录")
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("luoshi.accounts.backends.LuoshiOIDCBackend")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")  # the id_token's iss must be this
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile email")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
OIDC_CA_BUNDLE = os.environ.get("OIDC_CA_BUNDLE", "")
OIDC_VERIFY_SSL = OIDC_CA_BUNDLE or True  # requests' verify: a CA bundle path or True
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_USER_CLAIMS = {"full_name": "name", "email": "email", "phone": "phone_number"}
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"

# The reverse proxies whose X-Forwarded-For is believed (luoshi.core.client_address).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# django-axes: five wrong passwords lock the account name *from that client address* for
# 30 minutes (an attacker elsewhere cannot lock a user out). The address comes from the
# one client-address function, so behind nginx each client counts on its own.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "luoshi.core.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "luoshi" / "locale"]
FORMAT_MODULE_PATH = ["luoshi.formats"]  # figures grouped by thousands (|intcomma)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "luoshi" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", VAR_DIR / "evidence"))
EVIDENCE_MAX_BYTES = int(float(os.environ.get("EVIDENCE_MAX_MB", "50")) * 1024 * 1024)
UPLOAD_MAX_UNPACKED_BYTES = int(
    float(os.environ.get("UPLOAD_MAX_UNPACKED_MB", "200")) * 1024 * 1024
)
# Data packages (docs/data-package.md): the upload page's limit; uploads awaiting
# confirmation are kept in EXCHANGE_UPLOAD_DIR for EXCHANGE_UPLOAD_HOURS at most.
EXCHANGE_MAX_UPLOAD_BYTES = int(float(os.environ.get("EXCHANGE_MAX_UPLOAD_MB", "60")) * 1024**2)
EXCHANGE_UPLOAD_DIR = VAR_DIR / "exchange"
EXCHANGE_UPLOAD_HOURS = 24
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


def evidence_disk_config() -> dict:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(EVIDENCE_ROOT), "base_url": None},
    }


def evidence_s3_config(environ=os.environ) -> dict | None:
    """The private S3-compatible bucket of S3_BUCKET (or AWS_STORAGE_BUCKET_NAME); None
    without one. Files have no public URL: only the scope-checked download view reads them."""
    bucket = environ.get("S3_BUCKET") or environ.get("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return None
    options = {
        "bucket_name": bucket,
        "location": environ.get("S3_PREFIX", "evidence"),
        "default_acl": "private",
        "querystring_auth": True,  # any URL handed out is signed and expires
        "querystring_expire": 300,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    optional = {
        "endpoint_url": environ.get("S3_ENDPOINT_URL") or environ.get("AWS_S3_ENDPOINT_URL"),
        "region_name": environ.get("S3_REGION") or environ.get("AWS_S3_REGION_NAME"),
        "access_key": environ.get("AWS_ACCESS_KEY_ID"),
        "secret_key": environ.get("AWS_SECRET_ACCESS_KEY"),
    }
    options.update({key: value for key, value in optional.items() if value})
    if environ.get("S3_ADDRESSING_STYLE"):  # "path" for MinIO and most on-premises stores
        options["addressing_style"] = environ["S3_ADDRESSING_STYLE"]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def evidence_storage_config(environ=os.environ) -> dict:
    """The storage evidence is read from and written to: EVIDENCE_STORAGE ("disk" or "s3");
    by default the bucket when S3_BUCKET is set, else EVIDENCE_ROOT on local disk.
    ``manage.py move_evidence --to s3|disk`` copies the files between the two."""
    s3 = evidence_s3_config(environ)
    chosen = environ.get("EVIDENCE_STORAGE", "").strip().lower() or ("s3" if s3 else "disk")
    if chosen not in {"disk", "s3"}:
        raise ValueError(f"EVIDENCE_STORAGE must be disk or s3, not {chosen!r}")
    if chosen == "s3" and s3 is None:
        raise ValueError("EVIDENCE_STORAGE=s3 needs S3_BUCKET")
    return s3 if chosen == "s3" else evidence_disk_config()


def evidence_storages(environ=os.environ) -> dict:
    """Both evidence storages by name, for ``move_evidence``: "evidence_disk" always,
    "evidence_s3" when a bucket is configured."""
    named = {"evidence_disk": evidence_disk_config()}
    if (s3 := evidence_s3_config(environ)) is not None:
        named["evidence_s3"] = s3
    return named


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence lives outside MEDIA_ROOT and has no URL: it is only ever served by
    # the scope-checked download view.
    "evidence": evidence_storage_config(),
    **evidence_storages(),
    "staticfiles": {
        # Production runs collectstatic and sets STATIC_MANIFEST=1 for hashed names.
        "BACKEND": (
            "luoshi.staticfiles.ManifestStorage"
            if env_bool("STATIC_MANIFEST")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "luoshi.staticfiles.UsedAppsFinder",
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"


def cache_config(environ=os.environ) -> tuple[dict, str]:
    """(CACHES, SESSION_ENGINE): Redis for both when REDIS_URL is set."""
    url = environ.get("REDIS_URL")
    if not url:
        caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        return caches, "django.contrib.sessions.backends.db"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": environ.get("CACHE_KEY_PREFIX", "luoshi"),
            "TIMEOUT": 300,
        }
    }
    # Sessions only in Redis: no database query to read or refresh a session. Redis must be
    # persistent (appendonly) so that a restart does not log everyone out.
    return caches, "django.contrib.sessions.backends.cache"


CACHES, SESSION_ENGINE = cache_config()
# Longest life of a page of figures cached per scope (luoshi.core.figure_cache): a write
# seen by a model signal or the rollups shows at once; this bounds any other.
FIGURE_CACHE_SECONDS = int(os.environ.get("FIGURE_CACHE_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

PAGE_SIZE = 20
# List pages count their rows up to this many ("超过 N 条" beyond): COUNT(*) over millions
# of rows costs seconds. Filters narrow a list; the Excel export has every row.
LIST_COUNT_CAP = int(os.environ.get("LIST_COUNT_CAP", "100000"))
# the standard widgets written in Python, not a template per <option> (core/form_rendering.py)
FORM_RENDERER = "luoshi.core.form_rendering.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Background work (django.tasks): django-tasks-db stores jobs in the database and
# ``luoshi run_worker`` (db_worker with a heartbeat) runs them; ``make run`` starts one.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("TASKS_BACKEND", "db") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
TASK_REMIND_DAYS_BEFORE = int(os.environ.get("TASK_REMIND_DAYS_BEFORE", "3"))

# Notifications through each unit's channels (luoshi.notices.channels; docs/notifications.md)


def mailers_config(environ=os.environ) -> dict:
    """Django's MAILERS: SMTP to EMAIL_HOST; without one, the console backend in development
    (the e-mail channel then refuses to send: luoshi.notices.channels) and the server's own
    mail transfer agent on localhost:25 in production (a failed send is a failed delivery,
    shown in 通知发送记录)."""
    host = environ.get("EMAIL_HOST", "")
    if not host and environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    host = host or "localhost"
    options = {
        "host": host,
        "port": int(environ.get("EMAIL_PORT", "25")),
        "username": environ.get("EMAIL_HOST_USER", ""),
        "password": environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": environ.get("EMAIL_USE_TLS", "").lower() in {"1", "true", "yes", "on"},
        "use_ssl": environ.get("EMAIL_USE_SSL", "").lower() in {"1", "true", "yes", "on"},
        "timeout": 15,
    }
    return {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }


MAILERS = mailers_config()
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "luoshi@localhost")
SITE_URL = os.environ.get("SITE_URL", "")
NOTICE_MAX_ATTEMPTS = int(os.environ.get("NOTICE_MAX_ATTEMPTS", "5"))

# Separation of duties in force (luoshi.core.workflow.separation_on; docs/authority.md).
SEPARATION_OF_DUTIES = env_list("SEPARATION_OF_DUTIES", "assessment_review,incident_signoff")
# `luoshi run_worker` writes a heartbeat this often; /healthz calls the worker stale when the
# newest heartbeat is older than WORKER_HEARTBEAT_STALE_SECONDS.
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "30"))
WORKER_HEARTBEAT_STALE_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_STALE_SECONDS", "120"))

# REST API (/api/v1/, alias /api/): token or session authentication, JSON only, cursor
# pagination with a count, one Chinese error format, request rates per user and per
# anonymous client (API_THROTTLE_USER / API_THROTTLE_ANON, e.g. "600/minute").
API_THROTTLE_RATES = {
    "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "luoshi.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "luoshi.api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "luoshi.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "luoshi.api.throttling.UserThrottle",
        "luoshi.api.throttling.AnonThrottle",
    ],
    # Anonymous clients are counted by luoshi.core.client_address (luoshi.api.throttling), not
    # by DRF's own reading of X-Forwarded-For.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "落实 luoshi API",
    "DESCRIPTION": "意识形态工作责任制落实平台的 REST 接口。数据范围与权限与网页相同。",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # The unversioned alias /api/ is the same API: document it once.
    "PREPROCESSING_HOOKS": ["luoshi.api.schema.only_v1"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar: vendored static files, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
