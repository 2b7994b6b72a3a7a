"""Everything derived from a rubric alone, built once and cached per rubric object."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from rubrics.matching import Phrase, PhraseMatcher, make_phrase
from rubrics.schema import Concept, Criterion, Rubric

_CACHE_SIZE = 512


@dataclass(frozen=True)
class CompiledRubric:
    rubric: Rubric
    concepts: list[tuple[Criterion, Concept]]
    concept_matcher: PhraseMatcher
    # One pass finds both: owner i < n is pitfall i's trigger, owner n + i its guard.
    pitfall_phrases: PhraseMatcher


def _concept_phrases(concepts: list[tuple[Criterion, Concept]]) -> list[Phrase]:
    phrases = []
    for owner, (_, concept) in enumerate(concepts):
        seen = set()
        for form in concept.surface_forms():
            key = form.lower()
            if key in seen:
                continue
            seen.add(key)
            exact_only = form in concept.abbreviations and len(form) <= 4
            phrase = make_phrase(owner, form, canonical=form == concept.term, exact_only=exact_only,
                                 joinable=form == concept.term or form in concept.synonyms)
            if phrase is not None:
                phrases.append(phrase)
    return phrases


def _pitfall_matcher(groups: list[list[str]]) -> PhraseMatcher:
    # Pitfall phrases are short cues ("accuracy", "automat"): prefix and stem, never fuzzy.
    compiled = [make_phrase(owner, form, canonical=True, prefix=True, fuzzy=False)
                for owner, forms in enumerate(groups) for form in forms]
    return PhraseMatcher([p for p in compiled if p is not None])


def compile_rubric(rubric: Rubric) -> CompiledRubric:
    concepts = rubric.concepts()
    return CompiledRubric(
        rubric=rubric,
        concepts=concepts,
        concept_matcher=PhraseMatcher(_concept_phrases(concepts)),
        pitfall_phrases=_pitfall_matcher([p.if_any for p in rubric.pitfalls]
                                         + [p.unless_any for p in rubric.pitfalls]),
    )


class RubricCache:
    """LRU keyed by object identity; the entry keeps the rubric alive so ids are not reused."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[int, CompiledRubric] = OrderedDict()

    def get(self, rubric: Rubric) -> CompiledRubric:
        key = id(rubric)
        entry = self._entries.get(key)
        if entry is not None and entry.rubric is rubric:
            self._entries.move_to_end(key)
            return entry
        entry = compile_rubric(rubric)
        self._entries[key] = entry
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return entry
