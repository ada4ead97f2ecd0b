"""Settings for the test suite: fast hashing, plain static files, in-memory mail."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DJANGO_HTTPS", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
# Tests never run collectstatic; without a root WhiteNoise serves nothing and warns of nothing.
STATIC_ROOT = None
# Pages are rendered on every request unless a test turns the page cache on (tests/test_pagecache.py),
# so query counts and fresh content are what each test sees.
PAGE_CACHE_SECONDS = 0
