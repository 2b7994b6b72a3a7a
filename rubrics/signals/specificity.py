"""Specificity: numbers with units, metrics, thresholds and tools used for a purpose."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import compress, count
from operator import attrgetter

from rubrics.patterns import (
    CADENCE_LEADS,
    CADENCE_UNITS,
    CADENCE_WORDS,
    MATCH_STARTS,
    MECHANISM,
    NUMERIC_ANCHOR,
    SPECIFICITY_PATTERNS,
    VAGUE,
)
from rubrics.result import SpecificitySignal, VagueClaim
from rubrics.signals.base import Findings, ScoringJob, Signal, register
from rubrics.terms import metric_index, tool_index
from rubrics.text import Tokens

SATURATION = 5.0  # signals (in sentences) at which the value reaches ~0.63
LIST_CREDIT = 0.25  # a number or metric in a bare list is worth a quarter
MAX_TOOLS_IN_CONTEXT = 3  # more tools than this in one sentence is name-dropping
_CADENCE_STARTS = CADENCE_WORDS | CADENCE_LEADS


@register
class Specificity(Signal):
    name = "specificity"
    order = 30

    def run(self, job: ScoringJob, findings: Findings) -> None:
        answer = job.answer
        starts = [seg.start for seg in job.segments]
        quality = findings.segment_quality or [1.0] * len(job.segments)

        def segment_index(offset: int) -> int:
            return max(0, bisect_right(starts, offset) - 1)

        taken = bytearray(len(answer))
        signals: list[SpecificitySignal] = []
        windows, starts_at = _numeric_sites(answer)
        for kind, pattern in SPECIFICITY_PATTERNS:
            for match in _matches(pattern, answer, windows, starts_at, MATCH_STARTS[kind]):
                start, end = match.start(), match.end()
                if 1 in taken[start:end]:
                    continue
                taken[start:end] = b"\x01" * (end - start)
                signals.append(SpecificitySignal.trusted(kind=kind, text=match.group(), start=start, end=end))
        for start, end in _cadences(job.tokens):
            if 1 not in taken[start:end]:
                signals.append(SpecificitySignal.trusted(
                    kind="duration", text=answer[start:end], start=start, end=end))
        for start, end in metric_index().find(job.tokens):
            if 1 not in taken[start:end]:
                signals.append(SpecificitySignal.trusted(
                    kind="metric", text=answer[start:end], start=start, end=end))
        tools_per_segment: dict[int, int] = {}
        tool_spans = tool_index().find(job.tokens)
        for start, _ in tool_spans:
            index = segment_index(start)
            tools_per_segment[index] = tools_per_segment.get(index, 0) + 1
        for start, end in tool_spans:
            index = segment_index(start)
            in_context = quality[index] >= 0.8 and tools_per_segment[index] <= MAX_TOOLS_IN_CONTEXT
            signals.append(SpecificitySignal.trusted(
                kind="tool_in_context" if in_context else "tool_name_only",
                text=answer[start:end], start=start, end=end,
            ))
        signals.sort(key=_START)
        findings.specificity = signals

        weighted = 0.0
        specific_segments = set()
        for signal in signals:
            if signal.kind == "tool_name_only":
                continue
            index = segment_index(signal.start)
            specific_segments.add(index)
            weighted += 1.0 if quality[index] >= 0.8 else LIST_CREDIT
        findings.vague = [
            VagueClaim.trusted(text=seg.text, start=seg.start, end=seg.end)
            for i, seg in enumerate(job.segments)
            if i not in specific_segments and quality[i] >= 0.8
            and VAGUE.search(seg.text) and not MECHANISM.search(seg.text)
        ]
        value = 1.0 - math.exp(-weighted / SATURATION)
        name_only = sum(1 for s in signals if s.kind == "tool_name_only")
        findings.record(job, self.name, value,
                        f"{len(signals) - name_only} specific details, {name_only} tools only named")


def _matches(pattern: re.Pattern[str], answer: str, windows: list[tuple[int, int]],
             starts_at: dict[frozenset[str], list[int]], kinds: frozenset[str] | None) -> Iterator[re.Match[str]]:
    """What `pattern.finditer` finds in each window, left to right without overlaps. Where the pattern's
    matches can only begin at known offsets, it is tried there alone instead of at every character."""
    if kinds is None:
        for low, high in windows:
            yield from pattern.finditer(answer, low, high)
        return
    offsets = starts_at[kinds]
    for low, high in windows:
        resume = low
        for at in offsets[bisect_left(offsets, low):bisect_left(offsets, high)]:
            if at >= resume and (match := pattern.match(answer, at, high)):
                resume = match.end()
                yield match


def _numeric_sites(answer: str) -> tuple[list[tuple[int, int]], dict[frozenset[str], list[int]]]:
    """Windows: stretches of text around numbers and currency signs, widened to whole words, merged.
    And where a number pattern can begin, per `MATCH_STARTS` kind: a digit that starts a word
    (no letter, digit or underscore before it) and currency signs."""
    windows: list[tuple[int, int]] = []
    digits: list[int] = []
    both: list[int] = []
    for anchor in NUMERIC_ANCHOR.finditer(answer):  # runs of digits, and single currency signs
        start, end = anchor.span()
        if answer[start] in _CURRENCY:
            both.append(start)
        elif start == 0 or not _is_word_char(answer[start - 1]):
            digits.append(start)
            both.append(start)
        low = answer.rfind(" ", 0, max(0, start - 24)) + 1
        high = answer.find(" ", end + 32)
        high = len(answer) if high < 0 else high
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(high, windows[-1][1]))
        else:
            windows.append((low, high))
    starts_at = {kinds: both if "currency" in kinds else digits for kinds in MATCH_STARTS.values() if kinds}
    return windows, starts_at


def _is_word_char(char: str) -> bool:
    """A letter, digit or underscore: what the regex word class matches, so a word boundary lies
    between such a character and any other."""
    return char.isalnum() or char == "_"


_CURRENCY = frozenset("$€£")
_START = attrgetter("start")


def _cadences(tokens: Tokens) -> list[tuple[int, int]]:
    words, starts, ends = tokens.words, tokens.starts, tokens.ends
    spans = []
    for i in compress(count(), map(_CADENCE_STARTS.__contains__, words)):
        if words[i] in CADENCE_WORDS:
            spans.append((starts[i], ends[i]))
        elif i + 1 < len(words) and words[i + 1] in CADENCE_UNITS:
            spans.append((starts[i], ends[i + 1]))
    return spans
