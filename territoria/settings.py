"""All settings, parsed strictly from the environment in this one place.

With no environment at all Territoria runs on SQLite under ./var/. Every variable is
documented in README.md; an unparsable value stops start-up with a message naming it.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


DEBUG = env_bool("TERRITORIA_DEBUG", False)
DATA_DIR = Path(env_str("TERRITORIA_DATA_DIR", "var")).resolve()
SECRET_KEY = os.environ.get("TERRITORIA_SECRET_KEY", "")
if not SECRET_KEY:
    # A per-installation key kept beside the data, never in the repository.
    _key_file = DATA_DIR / "secret_key"
    if not _key_file.exists():
        from django.utils.crypto import get_random_string

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(get_random_string(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_str("TERRITORIA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in env_str("TERRITORIA_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Ingestion limits: an upload or a file on disk above this size is refused.
MAX_UPLOAD_MB = env_int("TERRITORIA_MAX_UPLOAD_MB", 25)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# A search ranks and counts at most this many matches exactly (see territoria.search.backends).
SEARCH_SCAN_LIMIT = env_int("TERRITORIA_SEARCH_SCAN_LIMIT", 2_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The organisation that publishes the IATI files (reporting-org): its IATI organisation
# identifier, name and IATI organisation type (21 international NGO).
IATI_ORG_REF = env_str("TERRITORIA_IATI_ORG_REF", "XI-TERRITORIA")
IATI_ORG_NAME = env_str("TERRITORIA_IATI_ORG_NAME", "Territoria")
IATI_ORG_TYPE = env_str("TERRITORIA_IATI_ORG_TYPE", "21")

DATABASE_URL = env_str("TERRITORIA_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "territoria.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "territoria.core",
    "territoria.library",
    "territoria.search",
    "territoria.extraction",
    "territoria.directory",
    "territoria.workplan",
    "territoria.events",
    "territoria.web",
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

ROOT_URLCONF = "territoria.urls"
WSGI_APPLICATION = "territoria.wsgi.application"

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
                "territoria.core.roles.context_processor",
            ],
        },
    },
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TERRITORIA_TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("TERRITORIA_STATIC_ROOT") or None  # only for collectstatic; WhiteNoise serves from the apps
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "library:index"
LOGOUT_REDIRECT_URL = "library:index"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the upload script reads the token from the form, not the cookie
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "territoria.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("TERRITORIA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("TERRITORIA_FROM_EMAIL", "territoria@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TERRITORIA_LOG_LEVEL", "WARNING")},
}
