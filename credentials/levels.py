"""Levels and confidence: the documented thresholds a profile is read against.

Overall level, from the overall score (0-100) and the evidence behind it:
    expert        score >= 85, at least 8 scored answers or runs, confidence >= 0.6
    strong        score >= 70
    practitioner  score >= 50
    emerging      below 50 (or no evidence yet)

Confidence (0-1) of an area = evidence x scorer confidence x agreement, where
    evidence     = min(1, pieces of evidence / 5)      (few answers lower it)
    scorer       = mean confidence the scorer gave its scores (a human rating counts as 0.9)
    agreement    = 1 - 0.5 x share of answers whose raters disagreed by 2+ bands
                   (with each other or with the auto-score) or that were flagged for review
Labels: low < 0.4 <= medium < 0.7 <= high.
"""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("emerging", "practitioner", "strong", "expert")
LEVEL_FLOORS: tuple[tuple[str, float], ...] = (("expert", 85.0), ("strong", 70.0), ("practitioner", 50.0))
EXPERT_MIN_EVIDENCE = 8
EXPERT_MIN_CONFIDENCE = 0.6
FULL_EVIDENCE = 5
HUMAN_CONFIDENCE = 0.9
DISAGREEMENT_BANDS = 2
# A human band stands for the middle of the auto-score's range for that band (rubrics/bands.py).
BAND_SCORE: dict[int, float] = {1: 9.0, 2: 26.0, 3: 52.0, 4: 72.0, 5: 88.0}
HUMAN_WEIGHT = 2.0  # a human-rated answer counts twice an auto-scored one
SANDBOX_WEIGHT = 3.0  # one hands-on run counts like three answers in the overall score


def level_for(score: float | None, *, evidence: int, confidence: float) -> str:
    if score is None:
        return "emerging"
    for level, floor in LEVEL_FLOORS:
        if score >= floor:
            if level == "expert" and (evidence < EXPERT_MIN_EVIDENCE or confidence < EXPERT_MIN_CONFIDENCE):
                continue
            return level
    return "emerging"


def confidence_of(evidence: int, scorer_confidences: list[float], disagreements: int) -> float:
    if evidence == 0 or not scorer_confidences:
        return 0.0
    amount = min(1.0, evidence / FULL_EVIDENCE)
    scorer = sum(scorer_confidences) / len(scorer_confidences)
    agreement = 1 - 0.5 * disagreements / evidence
    return round(amount * scorer * agreement, 2)


def confidence_label(confidence: float) -> str:
    return "high" if confidence >= 0.7 else "medium" if confidence >= 0.4 else "low"
