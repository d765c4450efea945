"""Test settings: base plus a fixed key; DATABASE_URL decides the database as everywhere."""

import os

# Tests need a stable key and no env setup; set before base reads it.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")

from .base import *  # noqa: E402, F403

# Password hashing is deliberately slow; the suite hashes hundreds of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105  tests only
