"""Content checks on top of the loader: what makes a bank healthy, not only valid.

Phrases are compared by lower-cased word stems, the simplest matching the
scorer also does. The scorer matches more (fuzzy, prefixes), so a required
concept missing here is only a warning. A pitfall follows the scorer's rule
(a trigger phrase, not negated, and no guard phrase) and is an error: the
model answer would lose points.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from question_bank.loader import Bank, BankError, LoadedQuestion, Severity, load_bank
from rubrics.schema import Pitfall

_TOKEN = re.compile(r"[a-z0-9]+|[.;:!?]")  # punctuation kept as a clause break for negation
_BREAK = "."
_NEGATORS = frozenset({"not", "no", "never", "without", "avoid", "nor", "t"})  # "t" from "don't"
_NEGATION_WINDOW = 3
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _BREAK if word in ".;:!?" else _stemmer.stemWord(word)  # snowball is pure Python: cache per word


@lru_cache(maxsize=4096)
def stems(text: str) -> tuple[str, ...]:
    return tuple(_stem(token) for token in _TOKEN.findall(text.casefold()))


def _negated(text_stems: tuple[str, ...], first: int) -> bool:
    window = text_stems[max(0, first - _NEGATION_WINDOW) : first]
    if _BREAK in window:
        window = window[len(window) - window[::-1].index(_BREAK) :]
    return any(word in _NEGATORS for word in window)


def contains_phrase(text_stems: tuple[str, ...], phrase: str, *, affirmed: bool = False) -> bool:
    """Whether the phrase's stems occur in order; with `affirmed`, only an occurrence not negated counts."""
    wanted = tuple(word for word in stems(phrase) if word != _BREAK)
    size = len(wanted)
    return size > 0 and any(
        text_stems[i : i + size] == wanted and not (affirmed and _negated(text_stems, i))
        for i in range(len(text_stems) - size + 1)
    )


def pitfall_trigger(text_stems: tuple[str, ...], pitfall: Pitfall) -> str | None:
    """The `if_any` phrase that flags `pitfall` in a text, or None when it is not flagged."""
    if any(contains_phrase(text_stems, phrase, affirmed=True) for phrase in pitfall.unless_any):
        return None
    return next((p for p in pitfall.if_any if contains_phrase(text_stems, p, affirmed=True)), None)


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def lint_question(item: LoadedQuestion) -> list[BankError]:
    q, path = item.question, item.path
    found: list[BankError] = []

    def error(message: str, *loc: int | str, severity: Severity = "error") -> None:
        found.append(BankError(path, item.line_of(*loc), message, severity))

    if path.stem != q.id:
        error(f"file name '{path.name}' does not match id '{q.id}'", "id", severity="warning")
    for index, calibration in enumerate(q.calibration):
        if _same(calibration.answer, q.model_answer):
            error("calibration answer is identical to the model answer", "calibration", index, "answer")
    for index, follow_up in enumerate(q.follow_ups):
        first = next(i for i, other in enumerate(q.follow_ups) if _same(other, follow_up))
        if first != index:
            error(f"follow-up repeats follow_ups[{first}]", "follow_ups", index)

    answer = stems(q.model_answer)
    for ci, criterion in enumerate(q.rubric.criteria):
        for ki, concept in enumerate(criterion.concepts):
            if concept.importance == "required" and not any(
                contains_phrase(answer, form) for form in concept.surface_forms()
            ):
                loc = ("rubric", "criteria", ci, "concepts", ki, "term")
                error(f"required concept '{concept.term}' never appears in the model answer", *loc,
                      severity="warning")
    for pi, pitfall in enumerate(q.rubric.pitfalls):
        phrase = pitfall_trigger(answer, pitfall)
        if phrase is not None:
            error(f"pitfall '{pitfall.id}' is triggered by the model answer ('{phrase}'); "
                  "the model answer would be penalised", "rubric", "pitfalls", pi, "if_any")
        for index, calibration in enumerate(q.calibration):
            phrase = pitfall_trigger(stems(calibration.answer), pitfall) if calibration.band == 5 else None
            if phrase is not None:
                error(f"pitfall '{pitfall.id}' is triggered by this band-5 calibration answer ('{phrase}')",
                      "calibration", index, "answer", severity="warning")
    return found


def lint_items(items: Iterable[LoadedQuestion]) -> list[BankError]:
    return [problem for item in items for problem in lint_question(item)]


def lint_bank(
    root: Path | str | None = None, *, known_tasks: Collection[str] | None = None
) -> list[BankError]:
    """Every loader error plus the content checks, errors and warnings, sorted by file and line."""
    bank: Bank = load_bank(root, known_tasks=known_tasks)
    return sorted([*bank.errors, *lint_items(bank.questions.values())])


def has_errors(problems: Iterable[BankError]) -> bool:
    return any(problem.severity == "error" for problem in problems)
