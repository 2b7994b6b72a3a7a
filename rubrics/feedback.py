"""Feedback a candidate can act on, built from the findings."""

from __future__ import annotations

from rubrics.result import Feedback, MissedConcepts
from rubrics.schema import Rubric
from rubrics.signals.base import Findings


def follow_up_question(rubric: Rubric, findings: Findings) -> str | None:
    """Ask about the first missed required concept of the highest-weight criterion that has one."""
    by_id = {c.id: c for c in rubric.criteria}
    missed = [c for c in findings.criteria if c.required_missed]
    if missed:
        worst = max(missed, key=lambda c: (c.weight, -rubric.criteria.index(by_id[c.criterion_id])))
        term = worst.required_missed[0]
        return (f"Your answer did not cover {term}, which matters for {worst.name.lower()}. "
                f"How would you use {term} here, and what number or signal would tell you it is working?")
    if findings.missing_sections:
        section = findings.missing_sections[0]
        return f"You did not say much about the {section.lower()} part. What would you do there, concretely?"
    return None


def build_feedback(rubric: Rubric, findings: Findings) -> Feedback:
    return Feedback.trusted(
        missed_required=[
            MissedConcepts.trusted(criterion_id=c.criterion_id, criterion_name=c.name, concepts=c.required_missed)
            for c in findings.criteria if c.required_missed
        ],
        missing_sections=findings.missing_sections,
        out_of_order=findings.out_of_order,
        vague_claims=findings.vague,
        pitfalls=[p.description for p in findings.pitfalls],
        flags=[f.reason for f in findings.flags],
        follow_up=follow_up_question(rubric, findings),
    )
