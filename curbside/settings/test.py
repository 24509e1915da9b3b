from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

for _database in DATABASES.values():
    if _database["ENGINE"] == "curbside.db_backends.sqlite3":
        # The test database in memory, Django's default for SQLite, said
        # outright: pytest-django knows SQLite by Django's own engine name,
        # and would give each xdist worker a file named after the database's
        # path instead.
        _database.setdefault("TEST", {})["NAME"] = ":memory:"

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Site-level tests always search through the embedded engine, whatever the
# environment says; tests of the Elasticsearch engine read ELASTICSEARCH_URL
# from the environment themselves (tests/search/conftest.py).
ELASTICSEARCH_URL = ""
ELASTICSEARCH_TIMEOUT = 5.0
