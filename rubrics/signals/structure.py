"""Structure: label each segment with a rubric section, then check presence and order."""

from __future__ import annotations

import re

import numpy as np

from rubrics.patterns import MEASURABLE
from rubrics.result import StructureSegment
from rubrics.schema import SECTION_TITLES
from rubrics.signals.base import Findings, ScoringJob, Signal, register

OTHER = "other"
MIN_PROBABILITY = 0.3  # a classifier label below this counts as "other"
_HEADING_ALIASES = {
    "situation": ("situation", "context", "background"),
    "task": ("task", "goal", "my task", "objective"),
    "action": ("action", "actions", "what i did"),
    "result": ("result", "results", "outcome", "impact"),
    "requirements": ("requirements", "constraints", "requirements and constraints"),
    "approach": ("approach", "design", "solution", "plan"),
    "deployment": ("deployment", "deployment strategy", "rollout", "serving", "release"),
    "monitoring": ("monitoring", "monitoring plan", "observability"),
    "retraining": ("retraining", "retraining protocol", "retraining pipeline", "retraining plan"),
    "evaluation": ("evaluation", "evaluation and testing", "testing", "validation"),
    "cost": ("cost", "costs", "cost and roi", "roi", "business impact"),
    "risks": ("risks", "risk", "risks and mitigations"),
    "tradeoffs": ("trade-offs", "tradeoffs", "trade offs", "trade-off"),
    "recommendation": ("recommendation", "recommendations", "decision", "next steps"),
}
_ALIAS_TO_LABEL = {alias: label for label, aliases in _HEADING_ALIASES.items() for alias in aliases}
_ALIAS_TO_LABEL.update({title.lower(): label for label, title in SECTION_TITLES.items()})
_HEADING_RE = re.compile(
    r"^\s*(?:#{1,6}\s*|[-*]\s+)?(?:\*\*|__)?\s*(?P<name>[A-Za-z][A-Za-z /&-]{1,40}?)\s*(?:\*\*|__)?\s*"
    r"(?P<end>[:.]|\s[\u2013\u2014-]\s|\*\*|$)"
)


# The first word a heading can start with: a line starting with any other word is no heading,
# and most lines are sentences, so this saves running the heading regex on them.
_FIRST_WORD_RE = re.compile(r"[\s#*_-]*([A-Za-z]+)")
_HEADING_FIRST_WORDS = frozenset(re.match(r"[a-z]+", alias).group() for alias in _ALIAS_TO_LABEL)


def heading_label(text: str) -> str | None:
    first = _FIRST_WORD_RE.match(text)
    if first is None or first.group(1).lower() not in _HEADING_FIRST_WORDS:
        return None
    match = _HEADING_RE.match(text)
    if not match:
        return None
    name = match.group("name").strip().lower()
    return _ALIAS_TO_LABEL.get(name)


@register
class StructureSignal(Signal):
    name = "structure"
    order = 20

    def run(self, job: ScoringJob, findings: Findings) -> None:
        expected = list(job.rubric.structure.sections)
        labels, probabilities, sources = self._label(job, expected)
        for seg, label, prob, source in zip(job.segments, labels, probabilities, sources, strict=True):
            findings.structure.append(StructureSegment.trusted(
                label=label, start=seg.start, end=seg.end, probability=round(float(prob), 4), source=source,
            ))
        first_seen = {}
        for position, label in enumerate(labels):
            if label != OTHER:
                first_seen.setdefault(label, position)
        present = [s for s in expected if s in first_seen]
        findings.missing_sections = [SECTION_TITLES[s] for s in expected if s not in first_seen]
        pairs = [(a, b) for i, a in enumerate(present) for b in present[i + 1:]]
        reversed_pairs = [(a, b) for a, b in pairs if first_seen[a] > first_seen[b]]
        findings.out_of_order = [
            f"{SECTION_TITLES[b]} comes before {SECTION_TITLES[a]}" for a, b in reversed_pairs
        ]
        presence = len(present) / len(expected)
        order = (1 - len(reversed_pairs) / len(pairs)) if pairs else 0.5 * presence
        if job.rubric.structure.kind == "star":
            measured = any(
                label == "result" and MEASURABLE.search(seg.text)
                for seg, label in zip(job.segments, labels, strict=True)
            )
            value = 0.6 * presence + 0.2 * order + 0.2 * measured
            detail = f"{len(present)} of {len(expected)} STAR sections; result measurable: {measured}"
        else:
            value = 0.75 * presence + 0.25 * order
            detail = f"{len(present)} of {len(expected)} sections, {len(reversed_pairs)} out of order"
        if job.structure_model is None:
            findings.notes.append("the structure classifier is unavailable, only headings were read")
            detail += " (headings only: classifier unavailable)"
        findings.record(job, self.name, value, detail)

    def _label(self, job: ScoringJob, expected: list[str]):
        n = len(job.segments)
        labels, probabilities, sources = [OTHER] * n, [0.0] * n, ["classifier"] * n
        current: str | None = None
        to_classify = []
        allowed = set(expected)
        for i, seg in enumerate(job.segments):
            heading = heading_label(seg.text)
            if heading is not None and heading in allowed:
                current = heading
                labels[i], probabilities[i], sources[i] = heading, 1.0, "heading"
            elif current is not None:
                labels[i], probabilities[i], sources[i] = current, 0.9, "cue"
            elif heading is None:
                to_classify.append(i)
        model = job.structure_model
        if model is None or not to_classify:
            return labels, probabilities, sources
        columns = [j for j, label in enumerate(model.labels) if label in allowed or label == OTHER]
        if not columns:
            return labels, probabilities, sources
        words = job.words  # the classifier reads the answer's own tokens, sentence by sentence
        sentences = [words[seg.first_token:seg.last_token] for seg in map(job.segments.__getitem__, to_classify)]
        probs = model.probabilities_of_words(sentences)[:, columns]
        probs /= np.maximum(np.add.reduce(probs, axis=1, keepdims=True), 1e-9)
        names = [model.labels[j] for j in columns]
        best = probs.argmax(axis=1)
        chosen = np.maximum.reduce(probs, axis=1)  # the best label's probability
        for i, label, prob in zip(to_classify, best.tolist(), chosen.tolist(), strict=True):
            labels[i] = names[label] if prob >= MIN_PROBABILITY else OTHER
            probabilities[i] = prob
        return labels, probabilities, sources
