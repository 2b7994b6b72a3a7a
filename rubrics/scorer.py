"""The scorer: a pure function of (rubric, answer, context, scorer version) -> ScoreResult."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rubrics.bands import REFERENCE_PROFILE, RUBRIC_PROFILE, Profile, band_for, combine, distance_to_boundary
from rubrics.compiled import RubricCache
from rubrics.context import ScoringContext
from rubrics.derive import derive_rubric
from rubrics.feedback import build_feedback
from rubrics.result import Evidence, ScoreResult
from rubrics.schema import Rubric
from rubrics.signals import Findings, ScoringJob, ordered_signals
from rubrics.similarity import TextSpace
from rubrics.structure_model import StructureModel, default_model
from rubrics.text import segment, tokenize

SCORER_VERSION = "2026.11.3"
MAX_ANSWER_CHARS = 20_000
_DEFAULT = object()


class Scorer:
    """Holds what is fitted once (the TF-IDF space, the structure classifier, compiled rubrics).

    `corpus` is the text the relevance space is fitted on: the bank's prompts and model answers.
    """

    def __init__(self, corpus: Iterable[str] = (), *,
                 structure_model: StructureModel | None | object = _DEFAULT,
                 profile: Profile = RUBRIC_PROFILE, version: str = SCORER_VERSION,
                 space: TextSpace | None = None) -> None:
        self.version = version
        self.profile = profile
        self.space = space if space is not None else TextSpace(list(corpus))
        self._reference_scorer: Scorer | None = None
        self._derived: dict[tuple[str, str], Rubric] = {}
        self._structure_model = structure_model
        self._rubrics = RubricCache()
        self._signals = ordered_signals()

    @property
    def structure_model(self) -> StructureModel | None:
        if self._structure_model is _DEFAULT:
            self._structure_model = default_model()
        return self._structure_model  # type: ignore[return-value]

    def score(self, rubric: Rubric, answer: str, *, context: ScoringContext) -> ScoreResult:
        if len(answer) > MAX_ANSWER_CHARS:
            raise ValueError(f"answer is longer than {MAX_ANSWER_CHARS} characters")
        tokens = tokenize(answer)
        job = ScoringJob(self._rubrics.get(rubric), answer, tokens, segment(answer, tokens), context,
                         self.space, self.structure_model, self.profile)
        findings = Findings()
        for signal in self._signals:
            signal.run(job, findings)
        values = {name: s.value for name, s in findings.values.items()}
        raw = combine(values, self.profile, len(tokens))
        penalties = sum(p.penalty for p in findings.pitfalls) + sum(f.penalty for f in findings.flags)
        final = round(max(0.0, min(findings.cap, raw - penalties, 100.0)), 1)
        confidence, reason = _confidence(final, len(tokens), findings)
        return ScoreResult.trusted(
            score=final, band=band_for(final), scorer_version=self.version,
            confidence=confidence, confidence_reason=reason,
            criteria=findings.criteria, signals=list(findings.values.values()),
            evidence=Evidence.trusted(concepts=findings.concepts, structure=findings.structure,
                              specificity=findings.specificity, flags=findings.flags,
                              pitfalls=findings.pitfalls),
            feedback=build_feedback(rubric, findings),
        )


    def score_reference(self, question: str, reference: str, answer: str) -> ScoreResult:
        """Reference mode: derive the rubric from the reference and score with the reference profile
        (wording closeness counts most; agreeing with a reference the candidate never saw is not copying)."""
        if self._reference_scorer is None:
            self._reference_scorer = Scorer(structure_model=None, profile=REFERENCE_PROFILE,
                                            version=self.version, space=self.space)
        key = (question, reference)
        rubric = self._derived.get(key)
        if rubric is None:
            if len(self._derived) > 4096:
                self._derived.clear()
            rubric = self._derived[key] = derive_rubric(question, reference, self.space.idf)
        context = ScoringContext(prompt=question, model_answer=reference)
        return self._reference_scorer.score(rubric, answer, context=context)


def _confidence(score: float, words: int, findings: Findings) -> tuple[float, str]:
    confidence, reasons = 0.9, []
    if words < 25:
        confidence *= 0.6
        reasons.append(f"the answer is very short ({words} word{'' if words == 1 else 's'})")
    elif words > 1500:
        confidence *= 0.8
        reasons.append("the answer is much longer than usual")
    if findings.flags:
        confidence *= 0.75
        reasons.append("integrity flags were raised")
    if distance_to_boundary(score) < 3:
        confidence *= 0.85
        reasons.append("the score is close to a band boundary")
    for note in findings.notes:
        confidence *= 0.8
        reasons.append(note)
    reason = "; ".join(reasons) if reasons else "typical length, no flags, clear of band boundaries"
    return round(confidence, 3), reason


@lru_cache(maxsize=32)
def _scorer_for(corpus: tuple[str, ...]) -> Scorer:
    return Scorer(corpus)


def score(rubric: Rubric, answer: str, *, context: ScoringContext,
          corpus: Iterable[str] | None = None) -> ScoreResult:
    """Score with a scorer cached per corpus; without a corpus, fit on the prompt and model answer."""
    documents = tuple(corpus) if corpus is not None else (context.prompt, context.model_answer or "")
    return _scorer_for(documents).score(rubric, answer, context=context)
