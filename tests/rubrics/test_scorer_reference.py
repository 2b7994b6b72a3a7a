"""Reference mode: a rubric derived from a bare question and reference answer."""

from __future__ import annotations

from rubrics import ReferenceScorer, Scorer, derive_rubric, score_reference
from rubrics.derive import key_terms

QUESTION = "What is the role of a prototype program in problem solving?"
REFERENCE = "To simulate the behaviour of portions of the desired software product."


def test_derived_rubric_is_a_valid_rubric_of_the_reference_terms():
    rubric = derive_rubric(QUESTION, REFERENCE)
    terms = {concept.term for _, concept in rubric.concepts()}
    assert {"simulate", "behaviour", "portions", "software", "product"} <= terms
    assert abs(sum(c.weight for c in rubric.criteria) - 1.0) < 0.01
    assert 3 <= len(rubric.criteria) <= 6


def test_question_words_weigh_less_than_new_information():
    weights = dict(key_terms("What does a stack do?", "A stack stores items last in first out."))
    assert weights["stack"] < weights["stores"]


def test_tiny_references_still_make_a_rubric():
    assert len(derive_rubric("Define a queue.", "FIFO list.").criteria) == 3


def test_better_answers_score_higher():
    scorer = ReferenceScorer([QUESTION, REFERENCE])
    answer = "It simulates the behaviour of parts of the final software product."
    right = scorer.score(QUESTION, REFERENCE, answer)
    partial = scorer.score(QUESTION, REFERENCE, "A prototype shows the customer part of the product.")
    wrong = scorer.score(QUESTION, REFERENCE, "It is the program you compile last.")
    assert right.score > partial.score > wrong.score


def test_reference_mode_does_not_flag_agreement_with_the_reference_as_copying():
    result = score_reference(QUESTION, REFERENCE, REFERENCE)
    assert result.evidence.flags == []
    assert result.band == 5


def test_a_bank_scorer_scores_reference_mode_the_same_way():
    corpus = [QUESTION, REFERENCE]
    answer = "It simulates parts of the product."
    via_bank = Scorer(corpus).score_reference(QUESTION, REFERENCE, answer)
    assert via_bank == ReferenceScorer(corpus).score(QUESTION, REFERENCE, answer)
