"""Settings and result of the optional LLM second rater (off by default)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

RatingStatus = Literal["agreed", "disagreed", "unavailable"]

# Stable codes so callers can count outcomes without parsing the human-readable reason.
UnavailableCode = Literal[
    "disabled",
    "circuit_open",
    "timeout",
    "transport_error",
    "http_error",
    "bad_reply",
    "internal_error",
]


class LLMRaterConfig(BaseModel):
    """Where the second rater lives and how hard to try. Any OpenAI-compatible endpoint works."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    base_url: str = Field(default="", description="e.g. https://api.example.com/v1 (no trailing /chat/...)")
    model: str = ""
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=20.0, gt=0, le=300, description="per HTTP attempt")
    max_retries: int = Field(default=2, ge=0, le=10, description="extra attempts after the first")
    backoff_initial_seconds: float = Field(default=0.5, ge=0, le=60)
    backoff_max_seconds: float = Field(default=8.0, ge=0, le=300)
    disagreement_margin: float = Field(default=15.0, ge=0, le=100, description="score points")
    breaker_failure_threshold: int = Field(default=5, ge=1, le=1000)
    breaker_cooldown_seconds: float = Field(default=60.0, ge=0, le=86_400)

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _usable_when_enabled(self) -> LLMRaterConfig:
        if self.enabled:
            if not self.base_url.startswith(("http://", "https://")):
                raise ValueError("the second rater needs an http(s) base_url when enabled")
            if not self.model.strip():
                raise ValueError("the second rater needs a model name when enabled")
        return self

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/chat/completions"


class CriterionBand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    criterion_id: str
    band: int = Field(ge=1, le=5)


class SecondRating(BaseModel):
    """What the second rater said, beside the deterministic score it was compared with.

    When the rater is unavailable the deterministic score stands and nothing is invented:
    score and band are None and `reason` says why.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: RatingStatus
    score: int | None = Field(default=None, ge=0, le=100)
    band: int | None = Field(default=None, ge=1, le=5)
    criteria: list[CriterionBand] = Field(default_factory=list)
    rationale: str = ""
    auto_score: float = Field(ge=0, le=100)
    difference: float | None = Field(default=None, description="llm score minus auto score")
    reason: str | None = None
    reason_code: UnavailableCode | None = None
    needs_human_review: bool = False
    model: str | None = None

    @classmethod
    def unavailable(
        cls, code: UnavailableCode, reason: str, auto_score: float, model: str | None
    ) -> SecondRating:
        return cls(
            status="unavailable",
            auto_score=auto_score,
            reason=reason,
            reason_code=code,
            model=model or None,
        )
