"""The highlighted answer: split at evidence offsets, every piece escaped, odd offsets survived."""

from __future__ import annotations

from tests.web.pages import visible_text
from web.highlight import highlight_answer

ANSWER = "Deploy: a canary <b>at</b> 5% & watch p95. It is very robust."


def test_every_character_is_shown_once_and_escaped() -> None:
    evidence = {
        "concepts": [{"concept": "canary", "start": 10, "end": 16}],
        "specificity": [{"kind": "percentage", "start": 27, "end": 29}],
        "structure": [{"label": "deployment", "start": 0, "end": 42}],
    }
    html = str(highlight_answer(ANSWER, evidence, [{"start": 43, "end": 62}]))
    assert "<b>" not in html and "&lt;b&gt;at&lt;/b&gt;" in html and "&amp;" in html
    assert visible_text(html) == "Deployment strategy" + ANSWER
    assert '<mark class="ev-concept" title="Concept: canary">canary</mark>' in html
    assert '<mark class="ev-vague"' in html


def test_overlapping_spans_take_the_most_serious_colour() -> None:
    evidence = {
        "concepts": [{"concept": "canary", "start": 10, "end": 16}],
        "flags": [{"reason": "stuffing", "start": 8, "end": 12}],
    }
    html = str(highlight_answer(ANSWER, evidence))
    assert '<mark class="ev-integrity" title="Integrity: stuffing">a </mark>' in html
    assert '<mark class="ev-integrity" title="Concept: canary; Integrity: stuffing">ca</mark>' in html
    assert visible_text(html) == ANSWER


def test_offsets_outside_the_answer_or_reversed_are_ignored() -> None:
    evidence = {
        "concepts": [{"concept": "x", "start": -5, "end": 3}, {"concept": "y", "start": 50, "end": 500},
                     {"concept": "z", "start": 9, "end": 2}],
        "flags": [{"reason": "whole answer", "start": None, "end": None}],
    }
    assert visible_text(str(highlight_answer(ANSWER, evidence))) == ANSWER


def test_markup_in_rubric_text_is_escaped_too() -> None:
    evidence = {"pitfalls": [{"description": '"><script>x</script>', "start": 0, "end": 6}]}
    html = str(highlight_answer(ANSWER, evidence))
    assert "<script>" not in html and "&#34;&gt;&lt;script&gt;" in html
