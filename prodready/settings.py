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
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint of the optional LLM second rater; unset: off"
    )
    llm_model: str = Field(default="", description="model name for the second rater")
    llm_api_key: SecretStr | None = Field(default=None, description="bearer key for the second rater")
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=300, description="per request to the second rater")
    llm_disagreement_margin: float = Field(
        default=15.0, ge=0, le=100, description="score points apart before an answer is flagged for human review"
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_json: bool = Field(default=True, description="JSON log lines (off: human-readable console lines)")
    bank_dir: Path | None = Field(default=None, description="question files; default: the bundled bank")
    # Sandbox runs as jobs (sandbox/jobs): leases, retries and where workers find things.
    sandbox_workers: int = Field(
        default=2, ge=0, le=64, description="in-process run workers when no Redis is set; 0 runs none"
    )
    sandbox_queue_name: str = Field(
        default="prodready-sandbox", min_length=1, max_length=64, description="the Redis queue of sandbox runs"
    )
    sandbox_lease_seconds: float = Field(
        default=60.0, ge=1, le=3600, description="how long a worker's claim on a run lasts without a heartbeat"
    )
    sandbox_heartbeat_seconds: float = Field(
        default=10.0, gt=0, le=600, description="how often a worker extends its lease while a run executes"
    )
    sandbox_reap_seconds: float = Field(
        default=15.0, gt=0, le=3600, description="how often expired leases are reaped and lost runs re-dispatched"
    )
    sandbox_max_attempts: int = Field(
        default=2, ge=1, le=10, description="tries of a run whose worker stopped responding before it fails"
    )
    sandbox_run_seconds: float = Field(
        default=300.0, ge=5, le=3600, description="wall-clock deadline of one run, unpacking to teardown"
    )
    sandbox_runtime_dir: Path | None = Field(
        default=None, description="the prepared sandbox runtime (`prodready sandbox runtime`)"
    )
    sandbox_work_root: Path | None = Field(
        default=None, description="where run directories are made (the sandbox account must reach it)"
    )
    sandbox_allow_loopback: bool = Field(
        default=False, description="let URL-mode runs probe loopback addresses (self-checks); local only"
    )
    sandbox_checks: str | None = Field(
        default=None, description="comma-separated check ids runs are graded by; default: every check"
    )
    sandbox_log_bytes: int = Field(
        default=64 * 1024, ge=1024, le=4 * 1_048_576, description="service output kept per run"
    )
    # A day: long enough to look into a surprising result, while the run itself keeps the report, logs
    # and the archive's sha256 for good; candidates' code is not kept longer than it is useful.
    sandbox_upload_retention_hours: float = Field(
        default=24.0, ge=0, le=24 * 366, description="how long an uploaded archive is kept after its run "
        "finished; 0 deletes it at the next sweep; archives of queued or running runs are never deleted"
    )
    # Credentials, public profiles, the widget and webhooks (credentials/).
    public_url: str | None = Field(
        default=None, max_length=300, description="the service's public base URL, used in credential and widget "
        "links; default: the URL each request came in on"
    )
    credential_valid_days: int = Field(
        default=365, ge=1, le=3650, description="how long an issued credential is valid (and a retired key verifies)"
    )
    public_rate_limit: str = Field(default="120/minute", description="public profile and widget requests per client")
    issuer_admin_org: str | None = Field(
        default=None, max_length=64, description="slug of the organisation whose admins may rotate the issuer key "
        "through the API; default: only the CLI can"
    )
    webhook_max_attempts: int = Field(default=8, ge=1, le=20, description="tries of a webhook before it is given up")
    webhook_backoff_seconds: float = Field(
        default=30.0, gt=0, le=3600,
        description="longest wait before the first retry (each wait is drawn between half and all of its step); "
        "the step doubles on each failure"
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60, description="timeout of one webhook request")
    webhook_poll_seconds: float = Field(default=5.0, gt=0, le=600, description="how often due webhooks are sent")
    webhook_allow_private: bool = Field(
        default=False, description="let webhooks use plain http and reach loopback addresses (local testing only)"
    )

    @model_validator(mode="after")
    def _heartbeat_inside_lease(self) -> Settings:
        # A lease that lapses between two heartbeats would let a second worker take a live run.
        if self.sandbox_heartbeat_seconds * 2 > self.sandbox_lease_seconds:
            raise ValueError("PRODREADY_SANDBOX_HEARTBEAT_SECONDS must be at most half of the lease")
        return self

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
        if self.llm_base_url and not self.llm_base_url.startswith("https://"):
            problems.append("PRODREADY_LLM_BASE_URL must use https")
        if self.log_level.upper() == "DEBUG":
            problems.append("PRODREADY_LOG_LEVEL=DEBUG would log request details")
        if self.sandbox_allow_loopback:
            problems.append("PRODREADY_SANDBOX_ALLOW_LOOPBACK would let runs probe the platform's own ports")
        if self.webhook_allow_private:
            problems.append("PRODREADY_WEBHOOK_ALLOW_PRIVATE would let webhooks reach internal services")
        if not (self.public_url or "").startswith("https://"):
            # Credential ids and links must not follow whatever Host header a request carries.
            problems.append("PRODREADY_PUBLIC_URL must be set to the https:// address of the service")
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

    @property
    def sandbox_dir(self) -> Path:
        return self.data_dir / "sandbox"

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
