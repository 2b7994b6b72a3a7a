"""The result as a whole: determinism, JSON, bands, confidence, pitfalls, flags and feedback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rubrics import BAND_FLOORS, SCORER_VERSION, Scorer, ScoringContext, band_for, score
from rubrics.examples import EXAMPLE_MODEL_ANSWER, EXAMPLE_PROMPT, example_rubric

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = example_rubric()
CANDIDATE = ScoringContext(prompt=EXAMPLE_PROMPT, model_answer=EXAMPLE_MODEL_ANSWER)
GOOD = (
    "Deployment: I'd release the model as a canary to 5% of users for a day and keep the previous version "
    "running so a rollback is a routing change that takes under a minute.\n\n"
    "Monitoring: Grafana alerts on p99 latency over 200 ms, and a nightly job computes PSI per feature "
    "against the training data, paging above 0.25. When labels arrive after two weeks we compute AUC to "
    "catch concept drift.\n\n"
    "Retraining: a Kubeflow pipeline retrains monthly or when PSI fires, and the challenger replaces the "
    "champion only if it wins on the latest holdout."
)


def _score(answer: str, context: ScoringContext = CANDIDATE):
    return score(RUBRIC, answer, context=context, corpus=[EXAMPLE_PROMPT, EXAMPLE_MODEL_ANSWER])


def test_same_input_gives_the_same_result_across_scorers():
    first = _score(GOOD).model_dump(mode="json")
    second = Scorer([EXAMPLE_PROMPT, EXAMPLE_MODEL_ANSWER]).score(RUBRIC, GOOD, context=CANDIDATE)
    assert first == second.model_dump(mode="json")
    assert first["scorer_version"] == SCORER_VERSION


def test_result_is_json_serialisable():
    dumped = _score(GOOD).model_dump(mode="json")
    assert json.loads(json.dumps(dumped)) == dumped
    expected = {"score", "band", "confidence", "confidence_reason", "criteria", "evidence", "feedback"}
    assert expected <= set(dumped)


def test_a_good_answer_outscores_a_weak_one():
    weak = _score("I would deploy it on a server and check the accuracy sometimes.")
    good = _score(GOOD)
    assert good.score > weak.score + 30
    assert good.band >= 4 and weak.band <= 2
    assert 0 <= weak.score <= 100 and 1 <= weak.band <= 5


def test_band_mapping_follows_the_documented_floors():
    for band, floor in BAND_FLOORS:
        assert band_for(floor) == band
        assert band_for(floor - 0.1) == band - 1
    assert band_for(0) == 1 and band_for(100) == 5


def test_criteria_scores_are_reported_for_every_criterion():
    result = _score(GOOD)
    assert [c.criterion_id for c in result.criteria] == [c.id for c in RUBRIC.criteria]
    assert all(0 <= c.score <= 1 for c in result.criteria)


def test_short_answers_get_low_confidence_with_a_reason():
    result = _score("Canary, then monitor.")
    assert result.confidence < 0.6
    assert "short" in result.confidence_reason


def test_pitfall_is_hit_unless_a_guard_phrase_appears():
    hit = _score("We would deploy the model and track its accuracy every week on new data.")
    guarded = _score("We would deploy the model and track its accuracy and latency every week.")
    assert [p.pitfall_id for p in hit.evidence.pitfalls] == ["accuracy-only"]
    assert hit.evidence.pitfalls[0].matched_text == "accuracy"
    assert guarded.evidence.pitfalls == []
    assert hit.feedback.pitfalls == ["Talks only about accuracy and ignores latency or cost."]


def test_follow_up_asks_about_the_top_weighted_criterion_with_a_missed_required_concept():
    result = _score("We alert on PSI above 0.2 and p99 latency, and an Airflow pipeline retrains monthly.")
    assert result.feedback.follow_up is not None
    assert "canary release" in result.feedback.follow_up  # deployment weighs most and is missed


@pytest.mark.parametrize("answer, kind", [
    ("- canary release\n- rollback\n- data drift\n- PSI\n- latency\n- concept drift\n- airflow",
     "keyword_stuffing"),
    (EXAMPLE_MODEL_ANSWER, "model_answer_copy"),
    (EXAMPLE_PROMPT + " " + EXAMPLE_PROMPT, "prompt_copy"),
    (" ".join(["drift canary rollback latency"] * 30), "repeated_terms"),
])
def test_integrity_flags_carry_a_reason_and_lower_the_score(answer, kind):
    result = _score(answer)
    flags = [f for f in result.evidence.flags if f.kind == kind]
    assert flags, [f.kind for f in result.evidence.flags]
    assert all(f.reason and f.penalty > 0 for f in result.evidence.flags)
    assert result.score < 35
    assert result.feedback.flags


def test_near_duplicates_of_other_answers_are_flagged():
    context = ScoringContext(prompt=EXAMPLE_PROMPT, model_answer=EXAMPLE_MODEL_ANSWER,
                             other_answers=("Something else entirely about dashboards.", GOOD + " Thanks."))
    result = _score(GOOD, context)
    flag = next(f for f in result.evidence.flags if f.kind == "near_duplicate")
    assert "#2" in flag.reason


def test_the_model_answer_without_itself_as_reference_lands_in_band_5():
    assert _score(EXAMPLE_MODEL_ANSWER, ScoringContext(prompt=EXAMPLE_PROMPT)).band == 5


def test_answers_over_the_size_limit_are_refused():
    with pytest.raises(ValueError, match="longer than"):
        _score("word " * 10_000)


def test_results_do_not_depend_on_the_process_hash_seed():
    script = (
        "import json, sys\n"
        "from rubrics import score, ScoringContext\n"
        "from rubrics.examples import EXAMPLE_MODEL_ANSWER, EXAMPLE_PROMPT, example_rubric\n"
        "ctx = ScoringContext(prompt=EXAMPLE_PROMPT, model_answer=EXAMPLE_MODEL_ANSWER)\n"
        "r = score(example_rubric(), sys.stdin.read(), context=ctx, corpus=[EXAMPLE_PROMPT, EXAMPLE_MODEL_ANSWER])\n"
        "print(json.dumps(r.model_dump(mode='json'), sort_keys=True))\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", script], input=GOOD, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}, check=True, cwd=ROOT)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def _models(value):
    """Every result model inside a result, itself included."""
    if isinstance(value, list):
        for item in value:
            yield from _models(item)
    elif hasattr(type(value), "model_fields"):
        yield value
        for name in type(value).model_fields:
            yield from _models(getattr(value, name))


def test_results_built_without_validation_name_every_field_and_validate_as_they_are():
    """`_Result.trusted` skips validation and shares one fields-set per class, so every field must be named
    and every value must be what validation would accept."""
    flagged = ScoringContext(prompt=EXAMPLE_PROMPT, model_answer=EXAMPLE_MODEL_ANSWER,
                             other_answers=(GOOD,))
    result = _score(GOOD + "\n\nWe never monitored accuracy, obviously.", flagged)
    models = list(_models(result))
    assert {type(m).__name__ for m in models} >= {"ScoreResult", "Evidence", "Feedback", "ConceptMatch",
                                                 "StructureSegment", "SpecificitySignal", "IntegrityFlag"}
    for model in models:
        assert set(model.__dict__) == set(type(model).model_fields), type(model).__name__
        assert model.model_fields_set == set(type(model).model_fields)
    assert type(result).model_validate(result.model_dump()) == result
