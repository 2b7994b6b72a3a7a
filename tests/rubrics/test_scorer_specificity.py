"""Specificity: numbers with units, thresholds, metrics, tools used for a purpose, vague claims."""

from __future__ import annotations

from rubrics import Scorer, ScoringContext
from rubrics.examples import EXAMPLE_PROMPT, example_rubric

RUBRIC = example_rubric()
CONTEXT = ScoringContext(prompt=EXAMPLE_PROMPT)
SCORER = Scorer([EXAMPLE_PROMPT], structure_model=None)


def signals(answer: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    result = SCORER.score(RUBRIC, answer, context=CONTEXT)
    for signal in result.evidence.specificity:
        assert answer[signal.start:signal.end] == signal.text
        found.setdefault(signal.kind, []).append(signal.text)
    return found


def test_numbers_units_money_and_durations():
    found = signals("The canary took 5% of traffic for 24 hours, saved $12k a month and handled 300 rps.")
    assert found["percentage"] == ["5%"]
    assert "24 hours" in found["duration"]
    assert found["money"] == ["$12k"]
    assert found["number"] == ["300 rps"]


def test_thresholds_and_metric_names():
    found = signals("We alert when PSI is above 0.2 and keep p99 latency < 150 ms while AUC stays high.")
    assert "above 0.2" in found["threshold"] and "< 150" in found["threshold"]
    assert {"PSI", "p99", "AUC"} <= set(found["metric"])


def test_a_tool_used_for_a_purpose_differs_from_name_dropping():
    used = signals("We use Airflow to schedule the monthly retraining pipeline and its evaluation.")
    dropped = signals("Tools: MLflow, Kubeflow, Airflow, Seldon Core, Evidently")
    assert used["tool_in_context"] == ["Airflow"]
    assert "tool_in_context" not in dropped and len(dropped["tool_name_only"]) == 5


def test_more_specific_answers_score_higher_on_specificity():
    vague = SCORER.score(RUBRIC, "We would monitor drift and roll back if things got worse.", context=CONTEXT)
    precise = SCORER.score(
        RUBRIC, "We would alert when PSI exceeds 0.2 for 3 days and roll back within 60 seconds if the "
        "5xx rate passes 1%.", context=CONTEXT)
    value = {s.name: s.value for s in precise.signals}["specificity"]
    assert value > {s.name: s.value for s in vague.signals}["specificity"]


def test_vague_claims_without_number_or_mechanism_are_fed_back():
    answer = "The new model improved performance significantly. Latency dropped by 30% by caching features."
    result = SCORER.score(RUBRIC, answer, context=CONTEXT)
    claims = [c.text for c in result.feedback.vague_claims]
    assert claims == ["The new model improved performance significantly."]
