"""The answer with its evidence highlighted, built on the server from character offsets.

The answer is split at every evidence boundary and each piece is escaped on its
own; only our fixed tags are markup. No string that contains the answer's text
is ever marked safe without escaping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from rubrics.schema import SECTION_TITLES

# Which colour wins where spans overlap: a problem matters more than a strength.
PRIORITY = ("integrity", "pitfall", "vague", "concept", "specificity")
KIND_NAMES = {
    "concept": "Rubric concept", "specificity": "Specific detail", "integrity": "Integrity flag",
    "pitfall": "Pitfall", "vague": "Vague claim",
}


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    note: str


def _spans(evidence: dict[str, Any], vague: list[dict[str, Any]], length: int) -> list[Span]:
    spans: list[Span] = []

    def add(kind: str, item: dict[str, Any], note: str) -> None:
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int):
            start, end = max(0, start), min(length, end)
            if start < end:
                spans.append(Span(kind, start, end, note))

    for match in evidence.get("concepts", []):
        if not match.get("negated"):
            add("concept", match, f"Concept: {match.get('concept', '')}")
    for signal in evidence.get("specificity", []):
        add("specificity", signal, f"Specific: {str(signal.get('kind', '')).replace('_', ' ')}")
    for flag in evidence.get("flags", []):
        add("integrity", flag, f"Integrity: {flag.get('reason', '')}")
    for hit in evidence.get("pitfalls", []):
        add("pitfall", hit, f"Pitfall: {hit.get('description', '')}")
    for claim in vague:
        add("vague", claim, "Vague: back it with a number, a tool or an example")
    return spans


def _inline(answer: str, start: int, end: int, spans: list[Span]) -> Markup:
    inside = [s for s in spans if s.start < end and s.end > start]
    cuts = sorted({start, end, *(max(start, s.start) for s in inside), *(min(end, s.end) for s in inside)})
    out = Markup()
    for left, right in zip(cuts, cuts[1:], strict=False):
        piece = answer[left:right]
        active = [s for s in inside if s.start <= left and s.end >= right]
        if not active:
            out += escape(piece)
            continue
        kind = min((s.kind for s in active), key=PRIORITY.index)
        note = "; ".join(dict.fromkeys(s.note for s in active))
        out += Markup('<mark class="ev-{}" title="{}">{}</mark>').format(kind, note, piece)
    return out


def _segments(structure: list[dict[str, Any]], length: int) -> list[tuple[int, int, str]]:
    """Contiguous, non-overlapping sections covering the answer; gaps become unlabelled pieces."""
    cuts: list[tuple[int, int, str]] = []
    position = 0
    for segment in sorted(structure, key=lambda s: s.get("start", 0)):
        start, end = max(position, int(segment.get("start", 0))), min(length, int(segment.get("end", 0)))
        if start >= end:
            continue
        if start > position:
            cuts.append((position, start, "other"))
        cuts.append((start, end, str(segment.get("label", "other"))))
        position = end
    if position < length:
        cuts.append((position, length, "other"))
    return cuts


def highlight_answer(answer: str, evidence: dict[str, Any], vague: list[dict[str, Any]] | None = None) -> Markup:
    """`evidence` is ScoreResult.evidence and `vague` its feedback's vague claims, as stored (JSON)."""
    spans = _spans(evidence, vague or [], len(answer))
    out = Markup()
    shown = None
    for start, end, label in _segments(evidence.get("structure", []), len(answer)):
        if label not in ("other", shown):  # one label where a section starts, not per sentence
            out += Markup('<span class="section-label">{}</span>').format(SECTION_TITLES.get(label, label))
        if label != "other" or answer[start:end].strip():
            shown = label  # a blank line between two sentences of one section does not end it
        out += _inline(answer, start, end, spans)
    return out
