"""From a 0-100 score to a 1-5 band, and how the signals add up to the score.

Bands (lowest score in each):
    band 5: 75-100   covers nearly every required concept with mechanisms, numbers and structure
    band 4: 70-74    (narrow: the bank's band-3 answers reach the high 60s on coverage alone)
    band 3: 35-69    about half of what matters, little specificity
    band 2: 20-34
    band 1: 0-19     short, vague or wrong

The floors and weights are tuned on the bank's calibration answers (see tests/rubrics).
"""

from __future__ import annotations

from dataclasses import dataclass, field

BAND_FLOORS: tuple[tuple[int, float], ...] = ((5, 75.0), (4, 70.0), (3, 35.0), (2, 20.0))

# How much each 0-1 signal contributes to the score. Coverage dominates: the other
# signals only add to an answer that actually uses the rubric's concepts.
RUBRIC_WEIGHTS: dict[str, float] = {
    "coverage": 0.5625, "structure": 0.1875, "specificity": 0.125, "relevance": 0.1875, "closeness": 0.0,
}
COVERAGE_EXPONENT = 1.0  # >1 would make partial coverage earn less than its share; 1.0 fits the bank best
# Chosen on the Mohler `train` split (benchmarks/README.md): wording closeness carries short answers.
REFERENCE_WEIGHTS: dict[str, float] = {"coverage": 0.05, "relevance": 0.1, "closeness": 0.85}
COVERAGE_SUPPORT = 0.4  # coverage at which structure/specificity/relevance count in full
UNSUPPORTED_SHARE = 0.25  # what they count for when the answer covers no concept at all
SHORT_ANSWER_WORDS = 40


def band_for(score: float) -> int:
    for band, floor in BAND_FLOORS:
        if score >= floor:
            return band
    return 1


def distance_to_boundary(score: float) -> float:
    return min(abs(score - floor) for _, floor in BAND_FLOORS)


@dataclass(frozen=True)
class Profile:
    """How signals add up. Rubric mode judges long written answers; reference mode judges
    short answers against a reference the candidate never saw (so copying it is not an issue)."""

    name: str
    weights: dict[str, float] = field(default_factory=lambda: dict(RUBRIC_WEIGHTS))
    short_answer_words: int = SHORT_ANSWER_WORDS
    check_model_copy: bool = True
    # Term-list checks need a concept list the candidate could aim at; a derived one is never shown.
    check_stuffing: bool = True
    coverage_gate: bool = True  # other signals count in full only once concepts are covered


RUBRIC_PROFILE = Profile("rubric")
REFERENCE_PROFILE = Profile("reference", dict(REFERENCE_WEIGHTS), short_answer_words=0,
                            check_model_copy=False, check_stuffing=False, coverage_gate=False)


def combine(values: dict[str, float | None], profile: Profile, words: int) -> float:
    """Weighted sum of the signals that ran, 0-100, before pitfalls and integrity penalties."""
    weights = profile.weights
    ran = {name: weights[name] for name in weights if values.get(name) is not None}
    total = sum(ran.values())
    if total == 0:
        return 0.0
    coverage = values.get("coverage") or 0.0
    support = 1.0
    if profile.coverage_gate:
        support = UNSUPPORTED_SHARE + (1 - UNSUPPORTED_SHARE) * min(1.0, coverage / COVERAGE_SUPPORT)
    raw = 0.0
    for name, weight in ran.items():
        value = values[name] ** COVERAGE_EXPONENT if name == "coverage" else support * values[name]
        raw += weight / total * value
    length = min(1.0, 0.6 + 0.4 * words / profile.short_answer_words) if profile.short_answer_words else 1.0
    return 100.0 * raw * length
