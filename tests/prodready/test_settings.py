"""Settings: defaults that work locally, refusals of unsafe production values."""

from __future__ import annotations

import stat

import pytest
from pydantic import ValidationError

from prodready.settings import Settings

GOOD_SECRET = "p" * 48


def test_local_defaults_need_nothing(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'prodready.db').resolve()}"
    assert settings.secure_cookies is False


def test_local_secret_is_generated_once_and_private(tmp_path):
    first = Settings(data_dir=tmp_path).signing_key()
    assert len(first) >= 32
    assert Settings(data_dir=tmp_path).signing_key() == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_environment_variables_are_read_with_the_prefix(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODREADY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PRODREADY_DATABASE_URL", "postgresql://db.internal/prodready")
    settings = Settings()
    assert settings.data_dir == tmp_path and settings.resolved_database_url == "postgresql://db.internal/prodready"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "PRODREADY_SECRET_KEY must be set"),
        ({"secret_key": "short"}, "at least 32 characters"),
        ({"secret_key": GOOD_SECRET, "cookie_secure": False}, "PRODREADY_COOKIE_SECURE cannot be false"),
        ({"secret_key": GOOD_SECRET, "log_level": "debug"}, "DEBUG"),
        ({"secret_key": GOOD_SECRET, "password_memory_kib": 1024}, "argon2id minimum"),
        ({"secret_key": GOOD_SECRET}, "PRODREADY_PUBLIC_URL must be set"),
        ({"secret_key": GOOD_SECRET, "public_url": "http://prodready.example.com"}, "PRODREADY_PUBLIC_URL"),
    ],
)
def test_production_refuses_unsafe_values(tmp_path, overrides, message):
    with pytest.raises(ValidationError, match=message):
        Settings(environment="production", data_dir=tmp_path, **overrides)


def test_production_with_safe_values_uses_secure_cookies(tmp_path):
    settings = Settings(environment="production", data_dir=tmp_path, secret_key=GOOD_SECRET,
                        public_url="https://prodready.example.com")
    assert settings.secure_cookies is True
    assert settings.signing_key() == GOOD_SECRET
    assert not (tmp_path / "secret_key").exists()


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ValidationError):
        Settings(environment="staging", data_dir=tmp_path)
