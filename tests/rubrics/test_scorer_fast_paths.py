"""The scorer's fast paths give the same answers as the plain definitions they replace.

Tokens, clauses, the structure classifier, heading detection, the specificity regexes and where
they are tried, negation, overlap removal and the phrase matcher's per-word caches were all
rewritten for speed; each property here states the plain behaviour and checks the fast code
against it on generated text.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rubrics import Scorer, ScoringContext
from rubrics.examples import EXAMPLE_MODEL_ANSWER, EXAMPLE_PROMPT, example_rubric
from rubrics.matching import _KIND_RANK, NEGATION_WINDOW, NEGATORS, Hit, _without_overlaps, is_negated
from rubrics.patterns import MATCH_STARTS, MECHANISM, MONEY, SPECIFICITY_PATTERNS, THRESHOLD, VAGUE
from rubrics.signals.specificity import _matches, _numeric_sites
from rubrics.signals.structure import _ALIAS_TO_LABEL, _HEADING_RE, heading_label
from rubrics.structure_model import default_model, load_corpus, train
from rubrics.text import _SPLIT_RE, CLAUSE_WORDS, ascii_twin, segment, stem, tokenize

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
    # The shipped kind, trained here so that its pipeline is at hand to compare with (the shipped
    # weights are that training's, tests/rubrics/test_structure_weights.py).
    return train(load_corpus())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(TEXT, ANY_TEXT), min_size=1, max_size=6))
def test_the_classifier_shortcut_matches_the_fitted_pipeline(shipped_model, texts):
    direct = shipped_model.probabilities(texts)
    reference = shipped_model.pipeline.predict_proba(texts)
    # The pipeline computes features in float32; the shortcut in float64.
    np.testing.assert_allclose(direct, reference, atol=1e-5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXT, ANY_TEXT))
def test_the_classifier_reads_an_answers_tokens_as_the_pipeline_reads_its_sentences(shipped_model, text):
    """The structure signal hands the classifier each sentence's slice of the answer's tokens; that
    gives what the fitted pipeline gives for the sentence's text."""
    tokens = tokenize(text)
    segments = segment(text, tokens)
    direct = shipped_model.probabilities_of_words([tokens.words[s.first_token:s.last_token] for s in segments])
    if segments:
        np.testing.assert_allclose(direct, shipped_model.pipeline.predict_proba([s.text for s in segments]),
                                   atol=1e-5)


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


def _plain_number_windows(answer: str) -> list[tuple[int, int]]:
    """Windows as first defined: around every digit or currency sign, widened to whole words, merged."""
    windows: list[tuple[int, int]] = []
    for anchor in re.finditer(r"[\d$€£]", answer):
        low = answer.rfind(" ", 0, max(0, anchor.start() - 24)) + 1
        high = answer.find(" ", anchor.end() + 32)
        high = len(answer) if high < 0 else high
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(high, windows[-1][1]))
        else:
            windows.append((low, high))
    return windows


NUMBER_WORDS = st.sampled_from([
    "40ms", "5%", "5 %", "$3", "€ 2.5m", "£12", "1,000 users", "v1.5x", "1.5x", "a1 2", "_3 days", "٣ days",
    "x10", "10x", "3 weeks", "above 20", "below 0.2", "p99", "200 rps", "12 usd", "0.05", "2026", "3.",
    "$", "€", "k", "pods", "-4", "(7", "7)", "at least 3", "<5", "≥ 0.9", "we", "the", "_", "\n", ".",
])


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.lists(NUMBER_WORDS, max_size=40).map(" ".join),
                      st.lists(NUMBER_WORDS, max_size=40).map("".join), ANY_TEXT))
def test_number_patterns_tried_at_number_starts_find_what_a_full_scan_finds(text):
    windows, starts_at = _numeric_sites(text)
    assert windows == _plain_number_windows(text)
    for kind, pattern in SPECIFICITY_PATTERNS:
        plain = [m.span() for low, high in windows for m in pattern.finditer(text, low, high)]
        assert [m.span() for m in _matches(pattern, text, windows, starts_at, MATCH_STARTS[kind])] == plain, kind


def _plain_is_negated(tokens, first: int) -> bool:
    clause = tokens.clauses[first]
    for j in range(first - 1, max(-1, first - 1 - NEGATION_WINDOW), -1):
        if tokens.clauses[j] != clause:
            return False
        word, following = tokens.words[j], tokens.words[j + 1]
        negator = word in NEGATORS or word.endswith(("n't", "n’t"))
        if negator and following not in {"only", "just", "merely", "simply", "always"}:
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from([*VOCABULARY, "no", "never", "don't", "won’t", "without", "only"]),
                     max_size=40).map(" ".join))
def test_the_negation_shortcut_agrees_with_the_clause_walk(text):
    tokens = tokenize(text)
    for first in range(len(tokens)):
        assert is_negated(tokens, first) == _plain_is_negated(tokens, first), (text, first)


def _plain_without_overlaps(hits: list[Hit]) -> list[Hit]:
    """Per owner, longest then best kind then leftmost first; drop what overlaps a kept match."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.owner, -(h.last - h.first), _KIND_RANK[h.kind], h.first)):
        if not any(k.owner == hit.owner and hit.first < k.last and k.first < hit.last for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.owner))


HITS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 12), st.integers(1, 3), st.sampled_from(list(_KIND_RANK))),
    max_size=14, unique_by=lambda t: (t[0], t[1], t[2]),
).map(lambda rows: [Hit(owner, "form", kind, first, first + n, first * 5, (first + n) * 5 - 1, False)
                    for owner, first, n, kind in rows])


@settings(max_examples=400, deadline=None)
@given(hits=HITS)
def test_overlap_removal_keeps_what_the_plain_rule_keeps(hits):
    assert _without_overlaps(list(hits)) == _plain_without_overlaps(hits)


ASCII_TEXT = st.text(alphabet=st.characters(max_codepoint=127), max_size=200)
WORD_PATTERNS = [_SPLIT_RE]


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(ASCII_TEXT, TEXT.filter(str.isascii)))
def test_ascii_twins_match_what_the_unicode_patterns_match_on_ascii_text(text):
    for pattern in WORD_PATTERNS:
        assert ascii_twin(pattern).split(text) == pattern.split(text), pattern.pattern
        assert ascii_twin(pattern).findall(text.lower()) == pattern.findall(text.lower()), pattern.pattern


def test_a_pattern_whose_whitespace_class_differs_under_ascii_has_no_twin():
    with pytest.raises(ValueError, match="re.ASCII"):
        ascii_twin(re.compile(r"\d+\s?ms"))


@settings(max_examples=300, deadline=None)
@given(answer=st.one_of(TEXT, ANY_TEXT), reference=st.one_of(TEXT, ANY_TEXT), question=st.one_of(TEXT, ANY_TEXT))
def test_closeness_token_set_ratio_is_rapidfuzzs_on_the_texts_it_would_be_given(answer, reference, question):
    """Closeness compares the answer's words with the reference's, leaving out words of the question;
    its token-set ratio over word sets is rapidfuzz's over those words joined into texts."""
    from rapidfuzz import fuzz

    from rubrics.signals.closeness import _reference, _token_set_ratio

    tokens = tokenize(answer)
    ref = _reference(reference, question)
    kept = [w for w, s in zip(tokens.words, tokens.stems, strict=True) if s not in ref.question_stems]
    reference_text = " ".join(w for w in tokenize(reference).words if stem(w) not in ref.question_stems)
    assert _token_set_ratio(set(kept), ref) == fuzz.token_set_ratio(" ".join(kept), reference_text)


@given(initials=st.frozensets(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8),
       words=st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
                              max_size=8), max_size=20))
def test_the_near_miss_prefilter_keeps_words_of_four_letters_or_more_starting_with_an_initial(initials, words):
    from rubrics.matching import _starts_near_miss

    may_start = _starts_near_miss(initials)
    for word in [*words, *(i + "abc" for i in initials), *(i + "ab" for i in initials)]:
        assert bool(may_start(word)) == (word[0] in initials and len(word) >= 4), (word, initials)
