"""Concept matching: offsets, match kinds, negation, and sentences versus bare term lists."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from rubrics import Scorer, ScoringContext
from rubrics.compiled import compile_rubric
from rubrics.examples import EXAMPLE_MODEL_ANSWER, EXAMPLE_PROMPT, example_rubric
from rubrics.text import stem, tokenize

RUBRIC = example_rubric()
CONTEXT = ScoringContext(prompt=EXAMPLE_PROMPT)
SCORER = Scorer([EXAMPLE_PROMPT, EXAMPLE_MODEL_ANSWER], structure_model=None)


def matches(answer: str) -> list:
    return SCORER.score(RUBRIC, answer, context=CONTEXT).evidence.concepts


def match_for(answer: str, concept: str):
    found = [m for m in matches(answer) if m.concept == concept]
    assert found, f"{concept!r} not matched in {answer!r}"
    return found[0]


def test_offsets_point_at_the_matched_text_in_the_original_answer():
    answer = "First,  we ran a CANARY Release on 5% of traffic.\n\nThen we watched p99 latency closely."
    for match in matches(answer):
        assert answer[match.start:match.end] == match.matched_text
    assert match_for(answer, "canary release").matched_text == "CANARY Release"


@settings(max_examples=40, deadline=None)
@given(prefix=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
       suffix=st.text(max_size=40))
def test_offsets_survive_arbitrary_surrounding_text(prefix, suffix):
    answer = f"{prefix} We would do a rollback to the previous model quickly. {suffix}"
    for match in matches(answer):
        assert answer[match.start:match.end] == match.matched_text


def test_canonical_term_is_an_exact_match():
    match = match_for("We send traffic through a canary release before everyone.", "canary release")
    assert match.kind == "exact"


def test_inflected_forms_match_by_stem():
    match = match_for("We monitored data drifts on every feature each day.", "data drift")
    assert match.kind == "stem"


def test_listed_synonyms_and_abbreviations_match_as_synonyms():
    assert match_for("We compute the PSI of each feature every night.", "data drift").kind == "synonym"
    match = match_for("An orchestrator runs the retraining every week.", "retraining pipeline")
    assert match.kind == "synonym"


def test_unlisted_misspelling_matches_fuzzily():
    match = match_for("If anything breaks we do a rolback within a minute.", "rollback")
    assert match.kind == "fuzzy"
    assert match.credit < 1.0


@pytest.mark.parametrize(("answer", "text"), [
    ("Before the switch we ran a shadow deploymnet for two weeks on live traffic.", "shadow deploymnet"),
    ("Before the switch we ran a shadwo deployment for two weeks on live traffic.", "shadwo deployment"),
    ("We ran shadow deployments, then shadows deploymnet for two weeks.", "shadows deploymnet"),
])
def test_a_longer_phrase_matches_fuzzily_with_one_word_misspelt(answer, text):
    found = {(m.matched_text, m.kind) for m in matches(answer) if m.concept == "shadow deployment"}
    assert (text, "fuzzy") in found, found


@pytest.mark.parametrize("answer", [
    "Before the switch we ran a shadw deploymnet for two weeks on live traffic.",  # two words misspelt
    "Before the switch we ran a shadow for two weeks, then the deploymnet went live.",  # not together
    "Before the switch we ran a shadow payment for two weeks on live traffic.",  # another word, not a typo
])
def test_a_longer_phrase_needs_all_its_words_but_one_and_a_near_miss_overall(answer):
    concepts = {(m.concept, m.kind) for m in matches(answer)}
    assert ("shadow deployment", "fuzzy") not in concepts, concepts


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from(["shadow", "shadwo", "shadw", "deployment", "deploymnet", "deplyment",
                                       "canary", "canery", "release", "relase", "data", "dta", "drift", "drfit",
                                       "model", "registry", "registy", "we", "ran", "a", "the", ".",
                                       "ModelRegistry", "shadow/deployments", "Canaryrelease", "modelregisty",
                                       "datadrift", "ShadowMode"]),
                      max_size=30))
def test_every_fuzzy_match_of_a_longer_phrase_has_one_word_off_and_nearly_spells_it(words):
    """The rule, checked on what the matcher returns: each fuzzy match of a phrase of several words
    has all its words but one with the phrase word's stem, keeps the first letter, and the whole
    reaches the phrase's threshold; or is one word that, without slashes, has the stem of the
    phrase's words run together, when the phrase is a term or synonym."""
    answer = " ".join(words)
    matcher = compile_rubric(RUBRIC).concept_matcher
    forms = {p.form: p for phrases in matcher._multi.values() for p, _ in phrases}
    for hit in matcher.find(tokenize(answer)):
        phrase = forms.get(hit.form)
        if hit.kind != "fuzzy" or phrase is None:
            continue
        tokens = tokenize(answer[hit.start:hit.end])
        if len(tokens) == 1:
            assert phrase.joinable and stem(tokens.words[0].replace("/", "")) == stem("".join(phrase.words)), hit
            assert tokens.words[0][0] == phrase.words[0][0]
            continue
        assert sum(s != p for s, p in zip(tokens.stems, phrase.stems, strict=True)) == 1, hit
        assert tokens.words[0][0] == phrase.words[0][0]
        assert phrase.fuzzy_threshold <= fuzz.ratio(" ".join(tokens.words), " ".join(phrase.words)) < 100


def test_short_terms_match_exactly_only():
    concepts = {m.concept for m in matches("We compute the PSU and the A/C ratio every night for the team.")}
    assert "data drift" not in concepts  # PSU is not PSI
    assert "A/B test" not in concepts


def test_negated_concept_earns_nothing():
    match = match_for("Honestly, we never monitored data drift on that project at all.", "data drift")
    assert match.negated
    assert match.credit == 0


def test_negation_stops_at_the_clause_boundary():
    match = match_for("We did not have a dashboard, but we monitored data drift every week.", "data drift")
    assert not match.negated


def test_not_only_is_not_a_negation():
    match = match_for("We watched not only accuracy but also latency on every release.", "latency")
    assert not match.negated


def test_a_bare_term_list_earns_less_than_a_sentence():
    listed = match_for("- canary release\n- rollback\n- data drift", "canary release")
    sentence = "We start with a canary release on five percent of the traffic."
    in_sentence = match_for(sentence, "canary release")
    assert not listed.in_sentence and in_sentence.in_sentence
    assert listed.credit < in_sentence.credit


def test_missed_required_concepts_are_reported_per_criterion():
    answer = "We start with a canary release on five percent of traffic."
    result = SCORER.score(RUBRIC, answer, context=CONTEXT)
    missed = {m.criterion_id: m.concepts for m in result.feedback.missed_required}
    assert "rollback" in missed["deployment"]
    assert "canary release" not in missed["deployment"]
    assert set(missed) == {"deployment", "monitoring", "retraining"}


class TestWordsRunTogether:
    """A phrase of several words written as one word ("ModelRegistry") matches it fuzzily, when the
    phrase is the concept's term or a synonym."""

    def test_camel_case_and_inflected_compounds_match_the_term(self):
        answer = "Every version goes into the ModelRegistry, and we ship with a CanaryRelease first."
        registry = match_for(answer, "model registry")
        assert (registry.kind, registry.matched_text) == ("fuzzy", "ModelRegistry")
        assert match_for(answer, "canary release").matched_text == "CanaryRelease"
        assert match_for("Both modelregistries hold the versions we trained.", "model registry").kind == "fuzzy"

    def test_a_synonym_run_together_and_a_slash_between_the_words_match(self):
        assert match_for("We mirrored requests as ShadowTraffic for a week.", "shadow deployment").kind == "fuzzy"
        assert match_for("We used shadow/mode requests for a week before launch.", "shadow deployment").kind == "fuzzy"

    def test_a_negated_compound_earns_nothing(self):
        match = match_for("We never set up a ModelRegistry for this model.", "model registry")
        assert match.negated and match.credit == 0.0

    def test_a_part_of_the_phrase_or_another_first_letter_does_not_match(self):
        assert not [m for m in matches("The Registry team and the Modelling guild met.")
                    if m.kind == "fuzzy" and m.concept == "model registry"]
        assert "model registry" not in {m.concept for m in matches("The odelregistry was down.")}

    def test_a_misspelling_run_together_is_the_bare_name_the_rubric_left_out(self):
        from rubrics.compiled import _concept_phrases
        from rubrics.matching import PhraseMatcher
        from rubrics.schema import Concept

        concept = Concept.model_validate({"term": "Airflow as a general scheduler", "synonyms": ["Apache Airflow"],
                                          "misspellings": ["air flow"]})
        matcher = PhraseMatcher(_concept_phrases([(RUBRIC.criteria[0], concept)]))
        assert matcher.find(tokenize("We chose Airflow for the nightly jobs.")) == []
        assert [h.form for h in matcher.find(tokenize("We chose air flow for the nightly jobs."))] == ["air flow"]
        assert [h.kind for h in matcher.find(tokenize("We chose ApacheAirflow for the jobs."))] == ["fuzzy"]
