import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Sign-in tests hash a password per attempt; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
