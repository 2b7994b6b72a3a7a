"""Concept coverage: which rubric concepts the answer uses, where, and how convincingly."""

from __future__ import annotations

from rubrics.result import ConceptMatch, CriterionScore
from rubrics.sentences import sentence_quality
from rubrics.signals.base import Findings, ScoringJob, Signal, register

KIND_FACTOR = {"exact": 1.0, "synonym": 1.0, "stem": 0.95, "fuzzy": 0.85}
REQUIRED_SHARE = 0.9  # all required concepts earn 0.9 of a criterion; bonus concepts the rest
BONUS_SHARE = 0.25


@register
class ConceptCoverage(Signal):
    name = "coverage"
    order = 10

    def run(self, job: ScoringJob, findings: Findings) -> None:
        compiled = job.compiled
        hits = compiled.concept_matcher.find(job.tokens)
        owner_of = job.segment_of_token()
        hit_segments = [owner_of[hit.first] for hit in hits]
        concept_tokens = [0] * len(job.segments)
        for hit, index in zip(hits, hit_segments, strict=True):
            if not hit.negated:
                concept_tokens[index] += hit.last - hit.first
        quality = [
            sentence_quality(seg, job.words, concept_tokens[i]) for i, seg in enumerate(job.segments)
        ]
        findings.segment_quality = quality

        credit: dict[int, float] = {}
        counts: dict[int, int] = {}
        answer, concepts, evidence = job.answer, compiled.concepts, findings.concepts
        for (owner, form, kind, _, _, start, end, negated), index in zip(hits, hit_segments, strict=True):
            seg_quality = quality[index]
            if negated:
                earned = 0.0
            else:
                earned = KIND_FACTOR[kind] * seg_quality
                counts[owner] = counts.get(owner, 0) + 1
            credit[owner] = max(credit.get(owner, 0.0), earned)
            criterion, concept = concepts[owner]
            evidence.append(ConceptMatch.trusted(
                criterion_id=criterion.id, concept=concept.term, form=form, matched_text=answer[start:end],
                kind=kind, start=start, end=end, negated=negated, in_sentence=seg_quality >= 0.8,
                credit=round(earned, 4),
            ))
        findings.concept_counts = counts
        findings.criteria = _criterion_scores(job, credit)
        total = sum(c.weight * c.score for c in findings.criteria)
        hit_count = sum(1 for v in credit.values() if v > 0)
        findings.record(job, self.name, total, f"{hit_count} of {len(compiled.concepts)} concepts used")


def _criterion_scores(job: ScoringJob, credit: dict[int, float]) -> list[CriterionScore]:
    scores = []
    index = 0
    for criterion in job.rubric.criteria:
        required, bonus = [], []
        hit_req, missed_req, hit_bonus = [], [], []
        for concept in criterion.concepts:
            earned = credit.get(index, 0.0)
            index += 1
            if concept.importance == "required":
                required.append(earned)
                (hit_req if earned > 0 else missed_req).append(concept.term)
            else:
                bonus.append(earned)
                if earned > 0:
                    hit_bonus.append(concept.term)
        req = sum(required) / len(required) if required else 0.0
        extra = sum(bonus) / len(bonus) if bonus else 0.0
        value = req if required else extra
        if required and bonus:
            value = REQUIRED_SHARE * req + BONUS_SHARE * extra
        scores.append(CriterionScore.trusted(
            criterion_id=criterion.id, name=criterion.name, weight=criterion.weight,
            score=round(min(1.0, value), 4), required_hit=hit_req, required_missed=missed_req,
            bonus_hit=hit_bonus,
        ))
    return scores
