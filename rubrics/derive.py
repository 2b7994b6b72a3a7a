"""Reference mode: derive a rubric from a bare question and reference answer.

Concepts are the reference's content words and adjacent word pairs, ranked by how
informative they are (inverse document frequency from the scorer's corpus) and how much
they say beyond the question itself: repeating the question earns nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from rubrics.schema import Bands, Concept, Criterion, Rubric, Structure
from rubrics.text import tokenize

MAX_CONCEPTS = 12
N_CRITERIA = 3
QUESTION_WORD_DISCOUNT = 0.35
_EXTRA_STOP = frozenset({"also", "etc", "e.g", "i.e", "use", "used", "using", "way", "thing", "things"})
_GENERIC_BANDS = Bands.model_validate({
    "1": "Misses the reference's key ideas or is off topic.",
    "2": "Touches one key idea, vaguely.",
    "3": "About half of the key ideas, with gaps.",
    "4": "Most key ideas, stated correctly.",
    "5": "All key ideas of the reference, stated correctly and specifically.",
})
_GENERIC_STRUCTURE = Structure(kind="framework", name="Approach -> Recommendation",
                               sections=["approach", "recommendation"])


def _is_content(word: str) -> bool:
    return len(word) >= 2 and word not in ENGLISH_STOP_WORDS and word not in _EXTRA_STOP and \
        any(ch.isalpha() for ch in word)


def key_terms(question: str, reference: str, idf: Callable[[str], float] | None = None,
              limit: int = MAX_CONCEPTS) -> list[tuple[str, float]]:
    """The reference's most informative terms with a weight each, in order of appearance."""
    question_stems = {t.stem for t in tokenize(question)}
    tokens = tokenize(reference)
    candidates: dict[str, tuple[float, int]] = {}
    for i, token in enumerate(tokens):
        if not _is_content(token.text):
            continue
        weight = idf(token.stem) if idf else 1.0
        if token.stem in question_stems:
            weight *= QUESTION_WORD_DISCOUNT
        key = token.stem
        if key not in candidates or candidates[key][0] < weight:
            candidates[key] = (weight, i)
    ranked = sorted(candidates.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:limit]
    ranked.sort(key=lambda kv: kv[1][1])
    return [(tokens[index].text, weight) for _, (weight, index) in ranked]


def derive_rubric(question: str, reference: str, idf: Callable[[str], float] | None = None) -> Rubric:
    terms = key_terms(question, reference, idf) or [(word, 1.0) for word in tokenize(reference).words[:3]]
    if not terms:
        raise ValueError("the reference answer has no words to derive concepts from")
    while len(terms) < N_CRITERIA:  # a rubric has at least three criteria; tiny references repeat terms
        terms.append(terms[len(terms) % max(1, len(terms))])
    groups: list[list[tuple[str, float]]] = [[] for _ in range(N_CRITERIA)]
    for position, term in enumerate(terms):
        groups[position * N_CRITERIA // len(terms)].append(term)
    totals = [sum(w for _, w in group) for group in groups]
    grand = sum(totals) or 1.0
    weights = [round(t / grand, 4) for t in totals]
    weights[-1] = round(1.0 - sum(weights[:-1]), 4)
    criteria = []
    for index, (group, weight) in enumerate(zip(groups, weights, strict=True)):
        concepts = []
        seen = set()
        for term, _ in group:
            if term not in seen:
                seen.add(term)
                concepts.append(Concept(term=term, importance="required"))
        criteria.append(Criterion(id=f"key-ideas-{index + 1}", name=f"Key ideas, part {index + 1}",
                                  weight=max(weight, 0.0001), concepts=concepts))
    return Rubric(criteria=criteria, structure=_GENERIC_STRUCTURE, pitfalls=[], bands=_GENERIC_BANDS)

