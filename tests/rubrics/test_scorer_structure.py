"""Structure: segments with offsets, headings, order, STAR results, and the classifier's accuracy."""

from __future__ import annotations

import pytest

from rubrics import Scorer, ScoringContext, heldout_accuracy
from rubrics.examples import EXAMPLE_PROMPT, example_rubric
from rubrics.schema import FRAMEWORK_SECTIONS, STAR_SECTIONS, Rubric
from rubrics.structure_model import CORPUS_PATH, load_corpus, train

RUBRIC = example_rubric()
CONTEXT = ScoringContext(prompt=EXAMPLE_PROMPT)
HEADINGS_ONLY = Scorer([EXAMPLE_PROMPT], structure_model=None)
ACCURACY_FLOOR = 0.6  # 15 labels; chance is about 0.12

# A handful of labelled sentences, enough to train a tiny model independently of the shipped corpus.
FIXTURE = [
    ("We roll out behind a canary on five percent of traffic.", "deployment"),
    ("The new version ships to a small share of users first.", "deployment"),
    ("We serve the model from a container behind a REST endpoint.", "deployment"),
    ("We alert when PSI on any feature goes above 0.2.", "monitoring"),
    ("Dashboards track p99 latency and the error rate.", "monitoring"),
    ("We watch the prediction distribution until labels arrive.", "monitoring"),
    ("A pipeline retrains the model every month on fresh data.", "retraining"),
    ("Retraining also fires when drift crosses its threshold.", "retraining"),
    ("The challenger must beat the champion before promotion.", "retraining"),
    ("Thanks for the question.", "other"),
    ("That is a good point.", "other"),
    ("I hope this helps.", "other"),
]


def _score(answer: str, scorer: Scorer = HEADINGS_ONLY, rubric: Rubric = RUBRIC):
    return scorer.score(rubric, answer, context=CONTEXT)


def test_headings_label_their_sections_in_order():
    answer = ("Deployment strategy: canary on 5% of traffic.\n\n**Monitoring plan**\nPSI per feature.\n\n"
              "Retraining: monthly pipeline.")
    result = _score(answer)
    labels = [s.label for s in result.evidence.structure]
    assert labels[0] == "deployment" and "monitoring" in labels and labels[-1] == "retraining"
    assert result.feedback.missing_sections == [] and result.feedback.out_of_order == []
    for segment in result.evidence.structure:
        assert answer[segment.start:segment.end].strip() == answer[segment.start:segment.end]


def test_sections_out_of_order_are_reported():
    result = _score("Retraining: monthly pipeline.\n\nMonitoring: PSI per feature.\n\nDeployment: a canary.")
    assert result.feedback.out_of_order
    assert "Deployment strategy" in " ".join(result.feedback.out_of_order)


def test_missing_sections_are_reported():
    result = _score("Deployment: we use a canary release on a small share of the traffic.")
    assert result.feedback.missing_sections == ["Monitoring plan", "Retraining protocol"]


def test_a_classifier_labels_unheaded_sentences_within_the_rubric_sections():
    scorer = Scorer([EXAMPLE_PROMPT], structure_model=train(FIXTURE))
    answer = ("We ship a canary to a small share of users first. Later we alert when PSI goes above 0.2. "
              "A pipeline retrains the model every month.")
    result = _score(answer, scorer)
    labels = [s.label for s in result.evidence.structure]
    assert labels == ["deployment", "monitoring", "retraining"]
    assert all(0 <= s.probability <= 1 and s.source == "classifier" for s in result.evidence.structure)


def test_a_star_result_with_a_measurable_outcome_counts_more():
    star = RUBRIC.model_copy(update={"structure": RUBRIC.structure.model_copy(
        update={"kind": "star", "name": "STAR", "sections": ["situation", "task", "action", "result"]})})
    base = ("Situation: our churn model was failing silently.\n\nTask: I owned the fix.\n\n"
            "Action: I added drift monitoring and a canary release.\n\n")
    vague = _score(base + "Result: things got much better afterwards.", rubric=star)
    measured = _score(base + "Result: incidents fell by 40% within two months.", rubric=star)
    structure = {s.name: s.value for s in measured.signals}["structure"]
    assert structure > {s.name: s.value for s in vague.signals}["structure"]


@pytest.mark.skipif(not CORPUS_PATH.exists(), reason="the structure corpus is not written yet")
def test_the_shipped_corpus_is_large_and_uses_only_known_labels():
    examples = load_corpus()
    labels = {label for _, label in examples}
    assert len(examples) >= 600
    assert labels <= {*STAR_SECTIONS, *FRAMEWORK_SECTIONS, "other"}


@pytest.mark.skipif(not CORPUS_PATH.exists(), reason="the structure corpus is not written yet")
def test_classifier_held_out_accuracy_is_above_the_floor():
    assert heldout_accuracy() >= ACCURACY_FLOOR


def test_held_out_accuracy_is_deterministic_on_a_fixture():
    data = FIXTURE * 3
    assert heldout_accuracy(data, test_size=0.34) == heldout_accuracy(data, test_size=0.34)
