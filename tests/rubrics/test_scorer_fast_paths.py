"""The scorer's fast paths give the same answers as the plain definitions they replace.

Tokens, clauses, the structure classifier, heading detection, the specificity regexes and the
phrase matcher's per-word caches were all rewritten for speed; each property here states the
plain behaviour and checks the fast code against it on generated text.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rubrics import Scorer, ScoringContext
from rubrics.examples import EXAMPLE_MODEL_ANSWER, EXAMPLE_PROMPT, example_rubric
from rubrics.patterns import MECHANISM, MONEY, THRESHOLD, VAGUE
from rubrics.signals.structure import _ALIAS_TO_LABEL, _HEADING_RE, heading_label
from rubrics.structure_model import default_model, train
from rubrics.text import CLAUSE_WORDS, stem, tokenize

# Words that exercise every path: rubric terms and their misspellings, contrast and negation words,
# numbers with units, headings, hyphens, slashes, apostrophes, and characters that change length
# when lower-cased.
VOCABULARY = [
    "canary", "canery", "rollout", "roll", "out", "drift", "drfit", "monitoring", "monitored", "PSI",
    "retrain", "re-train", "retraining", "shadow", "deployment", "A/B", "p99", "0.2", "5%", "$40k",
    "200ms", "above", "below", "at least", "but", "however", "not", "never", "we", "the", "model",
    "Deployment:", "**Monitoring**", "# Risks", "Trade-offs", "improved", "by", "because", "faster",
    "İstanbul", "ẞ", "model's", "don't", "—", "-", "–", ",", ".", ";", "(", ")", ":", "\n", "\n\n", "- ",
    "1.", "Result:", "Situation", "we", "roll-back", "feature", "store", "latency", "lots of",
]
TEXT = st.lists(st.sampled_from(VOCABULARY), max_size=60).map(" ".join)
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200)
_BREAK_CHARS = set(",;:.!?()\n")
_DASHES = set("-–—")


def _has_break(text: str, low: int, high: int) -> bool:
    """A clause break in text[low:high]: punctuation, or a dash with whitespace on both sides."""
    for at in range(low, high):
        char = text[at]
        if char in _BREAK_CHARS:
            return True
        if char in _DASHES and 0 < at < len(text) - 1 and text[at - 1].isspace() and text[at + 1].isspace():
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(TEXT, ANY_TEXT))
def test_tokens_carry_their_text_offsets_stems_and_clauses(text):
    tokens = list(tokenize(text))
    for token in tokens:
        assert token.text == text[token.start:token.end].lower()
        assert token.stem == stem(token.text)
    for before, after in zip(tokens, tokens[1:], strict=False):
        assert before.end <= after.start
        same = not _has_break(text, before.start, after.start) and after.text not in CLAUSE_WORDS
        assert (before.clause == after.clause) is same, (text, before, after)


def test_a_token_that_lower_cases_to_more_characters_keeps_its_offsets():
    answer = "İstanbul team: we roll out a canary."
    tokens = tokenize(answer)
    assert [answer[t.start:t.end] for t in tokens][:2] == ["İstanbul", "team"]
    assert tokens[1].text == "team"


@pytest.fixture(scope="module")
def shipped_model():
    model = default_model()
    assert model is not None
    return model


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(TEXT, ANY_TEXT), min_size=1, max_size=6))
def test_the_classifier_shortcut_matches_the_fitted_pipeline(shipped_model, texts):
    direct = shipped_model.probabilities(texts)
    reference = shipped_model.pipeline.predict_proba(texts)
    # The pipeline computes features in float32; the shortcut in float64.
    np.testing.assert_allclose(direct, reference, atol=1e-5)


def test_a_binary_model_falls_back_to_the_pipeline():
    model = train([("we ship a canary", "deployment"), ("we watch drift", "monitoring")] * 3)
    probabilities = model.probabilities(["we ship", "drift alerts"])
    np.testing.assert_allclose(probabilities, model.pipeline.predict_proba(["we ship", "drift alerts"]))


def _plain_heading_label(text: str) -> str | None:
    match = _HEADING_RE.match(text)
    return _ALIAS_TO_LABEL.get(match.group("name").strip().lower()) if match else None


HEADINGISH = st.tuples(
    st.sampled_from(["", " ", "## ", "# ", "- ", "* ", "**", "__", "-* ", "####### "]),
    st.sampled_from([*_ALIAS_TO_LABEL, "Deployment Strategy", "what I did", "Monitoring plan", "Thanks", "We"]),
    st.sampled_from(["", ":", ".", "**", " - ", " – ", ": we ship a canary", " we ship", "**: canary"]),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(HEADINGISH, TEXT, ANY_TEXT))
def test_heading_detection_agrees_with_the_heading_pattern(text):
    assert heading_label(text) == _plain_heading_label(text)


_NUM = r"\d[\d,]*(?:\.\d+)?"
PLAIN_PATTERNS = {
    "vague": (VAGUE, re.compile(
        r"\b(?:improv\w*|better|faster|slower|reduc\w*|increas\w*|optimi[sz]\w*|significant\w*|scalab\w*|"
        r"robust\w*|efficient\w*|a lot|lots of|huge|greatly|much more|much less|boost\w*|enhanc\w*)\b",
        re.IGNORECASE)),
    "mechanism": (MECHANISM, re.compile(
        r"\b(?:by|because|using|via|through|so that|since|which|thanks to|due to|with a|with an)\b", re.IGNORECASE)),
    "money": (MONEY, re.compile(
        rf"[$€£]\s?{_NUM}\s?(?:k|m|bn|million|billion|thousand)?\b"
        rf"|\b{_NUM}\s?(?:k|m|bn)?\s?(?:usd|eur|gbp|dollars|euros|pounds)\b", re.IGNORECASE)),
    "threshold": (THRESHOLD, re.compile(
        rf"(?:\b(?:above|below|over|under|at least|at most|more than|less than|fewer than|exceeds?|exceeding|"
        rf"crosses|passes|within|up to|drops? (?:by|below)|beyond)\s|[<>≤≥]=?\s?)[$€£]?{_NUM}", re.IGNORECASE)),
}
PATTERN_WORDS = st.sampled_from([
    "Improved", "better", "BY", "because", "with a", "thanks to", "so that", "$40k", "€ 3 million", "12 usd",
    "40 dollars", "above 0.2", "Below 5", "<= 3", "≥0.9", "drops by 4", "drops below 2", "up to 10", "x",
    "nearby", "abyss", "standby", "improvement", "robustness", "a lot", "lots of", "much more", "1,000",
    "we", "the", " ", ".", "-", "_", "\n",
])


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.lists(PATTERN_WORDS, max_size=30).map(" ".join), ANY_TEXT))
def test_the_specificity_patterns_match_what_their_plain_forms_match(text):
    for name, (fast, plain) in PLAIN_PATTERNS.items():
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], name


RUBRIC = example_rubric()
CONTEXT = ScoringContext(prompt=EXAMPLE_PROMPT, model_answer=EXAMPLE_MODEL_ANSWER)


@settings(max_examples=60, deadline=None)
@given(first=TEXT, second=TEXT)
def test_results_do_not_depend_on_what_the_caches_saw_before(first, second):
    """Per-word caches (candidates, near-misses, stems, n-gram features) never change a result."""
    fresh = Scorer([EXAMPLE_PROMPT, EXAMPLE_MODEL_ANSWER], structure_model=default_model())
    alone = fresh.score(RUBRIC, second, context=CONTEXT) if second.strip() else None
    warmed = Scorer([EXAMPLE_PROMPT, EXAMPLE_MODEL_ANSWER], structure_model=default_model())
    if first.strip():
        warmed.score(RUBRIC, first, context=CONTEXT)
    if alone is not None:
        assert warmed.score(RUBRIC, second, context=CONTEXT) == alone
