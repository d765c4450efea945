import pytest

pytest_plugins = ["lotr_kit_testing.pytest_plugin"]


@pytest.fixture(scope="session", autouse=True)
def signing_key(tmp_path_factory):
    """A signing key made for this run, as `manage.py ensure_signing_key` makes one."""
    from accounts.tokens import private_key, private_key_generate, public_jwk
    from django.conf import settings

    path = tmp_path_factory.mktemp("keys") / "jwt.pem"
    private_key_generate(path)
    settings.JWT_PRIVATE_KEY_FILE = str(path)
    private_key.cache_clear()
    public_jwk.cache_clear()
    return path
