"""One settings class for the whole service, read from PRODREADY_* variables.

Nothing reads configuration at import time: `create_app(settings)` and the
CLI build a `Settings` and pass it down, so tests never touch os.environ.
"""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE_NAME = "secret_key"
MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    LOCAL = "local"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRODREADY_", extra="ignore", validate_default=True)

    environment: Environment = Field(
        default=Environment.LOCAL, description="`local` or `production`; production refuses unsafe values"
    )
    data_dir: Path = Field(default=Path("./prodready-data"), description="where the embedded default keeps its files")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file `prodready.db` in DATA_DIR"
    )
    redis_url: str | None = Field(
        default=None, description="Redis for the job queue and rate limits; default: in-process"
    )
    secret_key: SecretStr | None = Field(
        default=None, description="signing key; generated into DATA_DIR locally, required in production"
    )
    cookie_secure: bool | None = Field(
        default=None, description="send cookies over HTTPS only; default: on in production, off locally"
    )
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="largest accepted request body")
    max_upload_bytes: int = Field(default=20 * 1_048_576, ge=1024, description="largest accepted upload")
    session_ttl_hours: int = Field(default=24 * 14, ge=1, description="how long a sign-in lasts")
    login_rate_limit: str = Field(default="10/minute", description="attempts per client and account")
    register_rate_limit: str = Field(default="5/minute", description="registrations per client")
    password_time_cost: int = Field(default=3, ge=1, le=10, description="argon2id passes")
    password_memory_kib: int = Field(default=65536, ge=1024, description="argon2id memory per hash, KiB")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_json: bool = Field(default=True, description="JSON log lines (off: human-readable console lines)")
    bank_dir: Path | None = Field(default=None, description="question files; default: the bundled bank")

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment is not Environment.PRODUCTION:
            return self
        problems = []
        if self.secret_key is None:
            problems.append("PRODREADY_SECRET_KEY must be set")
        elif len(self.secret_key.get_secret_value()) < MIN_SECRET_LENGTH:
            problems.append(f"PRODREADY_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters")
        if self.cookie_secure is False:
            problems.append("PRODREADY_COOKIE_SECURE cannot be false")
        if self.password_memory_kib < 19456 or self.password_time_cost < 2:
            problems.append("password hashing below OWASP's argon2id minimum (19 MiB, 2 passes)")
        if self.log_level.upper() == "DEBUG":
            problems.append("PRODREADY_LOG_LEVEL=DEBUG would log request details")
        if problems:
            raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def secure_cookies(self) -> bool:
        return self.is_production if self.cookie_secure is None else self.cookie_secure

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'prodready.db').resolve()}"

    def signing_key(self) -> str:
        """The configured secret, or one generated once and kept in DATA_DIR (local only)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / SECRET_FILE_NAME
        if not path.exists():
            # O_EXCL so two processes starting at once cannot write different keys
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
