"""Pitfalls: a trigger phrase is present (not negated) and none of its guard phrases is."""

from __future__ import annotations

from rubrics.result import PitfallHit
from rubrics.signals.base import Findings, ScoringJob, Signal, register


@register
class Pitfalls(Signal):
    name = "pitfalls"
    order = 60

    def run(self, job: ScoringJob, findings: Findings) -> None:
        pitfalls = job.rubric.pitfalls
        if not pitfalls:
            findings.record(job, self.name, 0.0, "the rubric lists no pitfalls")
            return
        count = len(pitfalls)
        hits = [h for h in job.compiled.pitfall_phrases.find(job.tokens) if not h.negated]
        triggers = [h for h in hits if h.owner < count]
        guarded = {h.owner - count for h in hits if h.owner >= count}
        seen = set()
        for hit in triggers:
            if hit.owner in guarded or hit.owner in seen:
                continue
            seen.add(hit.owner)
            pitfall = pitfalls[hit.owner]
            findings.pitfalls.append(PitfallHit.trusted(
                pitfall_id=pitfall.id, description=pitfall.description, penalty=pitfall.penalty,
                matched_text=job.answer[hit.start:hit.end], start=hit.start, end=hit.end,
            ))
        penalty = sum(p.penalty for p in findings.pitfalls)
        detail = f"{len(findings.pitfalls)} pitfalls, -{penalty} points"
        findings.record(job, self.name, penalty / 100, detail)
