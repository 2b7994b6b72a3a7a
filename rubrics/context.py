"""What the caller tells the scorer about the question, beyond the rubric."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScoringContext:
    """The question around an answer.

    `model_answer` is compared with the answer (closeness, and copying); leave it out when
    scoring the model answer itself. `other_answers` are other candidates' answers to the
    same question, checked for near-duplicates.
    """

    prompt: str
    model_answer: str | None = None
    other_answers: tuple[str, ...] = field(default_factory=tuple)
