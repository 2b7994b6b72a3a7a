"""Integrity: keyword stuffing, repetition, and copying from the prompt, model answer or peers.

Every flag carries a human-readable reason and the points it costs; severe copying also
caps the score, so a copied answer can never pass for a genuine one.
"""

from __future__ import annotations

from rubrics.overlap import (
    MODEL,
    PROMPT,
    containment,
    copy_sources,
    in_source,
    jaccard,
    longest_copied_run,
    reference_shingles,
    shingles,
)
from rubrics.result import IntegrityFlag
from rubrics.signals.base import Findings, ScoringJob, Signal, register

STUFFED_HITS = 4  # concept matches inside bare term lists before it counts as stuffing
STUFFED_SHARE = 0.4  # ... and their share of all matches (experts do write some enumerations)
DENSITY_LIMIT = 0.3  # share of all words that are rubric terms
DENSITY_MIN_WORDS = 30  # a one-line answer is naturally dense
PROMPT_COPY = 0.35
MODEL_COPY = 0.2
MODEL_COPY_SEVERE = 0.4
NEAR_DUPLICATE = 0.6
STUFFING_CAP = 30.0
COPY_CAP = 15.0

@register
class Integrity(Signal):
    name = "integrity"
    order = 70

    def run(self, job: ScoringJob, findings: Findings) -> None:
        if job.profile.check_stuffing:
            self._stuffing(job, findings)
        self._repetition(job, findings)
        self._copying(job, findings)
        penalty = sum(flag.penalty for flag in findings.flags)
        findings.record(job, self.name, penalty / 100,
                        f"{len(findings.flags)} flags, -{penalty:.0f} points" if findings.flags
                        else "no flags")

    def _flag(self, findings: Findings, kind: str, reason: str, penalty: float, span=None, cap=None) -> None:
        start, end = span if span else (None, None)
        findings.flags.append(IntegrityFlag.trusted(kind=kind, reason=reason, penalty=round(penalty, 1),
                                            start=start, end=end))
        if cap is not None:
            findings.cap = min(findings.cap, cap)

    def _stuffing(self, job: ScoringJob, findings: Findings) -> None:
        live = [m for m in findings.concepts if not m.negated]
        listed = [m for m in live if not m.in_sentence]
        share = len(listed) / len(live) if live else 0.0
        if len(listed) >= STUFFED_HITS and share >= STUFFED_SHARE:
            self._flag(
                findings, "keyword_stuffing",
                f"{len(listed)} of {len(live)} rubric terms appear in bare lists or fragments rather than in "
                "sentences that say what they are for",
                min(30.0, 40.0 * share), (listed[0].start, listed[-1].end),
                STUFFING_CAP if share > 0.5 else None,
            )
        words = len(job.tokens)
        term_words = sum(len(m.matched_text.split()) for m in live)
        if words >= DENSITY_MIN_WORDS and len(live) >= 6 and term_words / words > DENSITY_LIMIT:
            self._flag(
                findings, "keyword_stuffing",
                f"{term_words / words:.0%} of the words are rubric terms, far more than a natural "
                "explanation",
                20.0, None, STUFFING_CAP,
            )

    def _repetition(self, job: ScoringJob, findings: Findings) -> None:
        words = job.words
        if len(words) >= 60:
            distinct = len(set(words)) / len(words)
            if distinct < 0.25:
                self._flag(findings, "repeated_terms",
                           f"only {distinct:.0%} of the words are distinct: the text repeats itself", 15.0,
                           None, STUFFING_CAP)
        repeated = {i: n for i, n in findings.concept_counts.items() if n >= 5}
        if repeated and len(words) >= 20 and job.profile.check_stuffing:
            owner, count = max(repeated.items(), key=lambda kv: kv[1])
            term = job.compiled.concepts[owner][1].term
            if count / max(1, len(words)) > 0.05:
                self._flag(findings, "repeated_terms", f"the concept '{term}' is repeated {count} times",
                           8.0)

    def _copying(self, job: ScoringJob, findings: Findings) -> None:
        words = job.words
        own = shingles(words)
        if not own:
            return
        check_model = bool(job.context.model_answer) and job.profile.check_model_copy
        found = list(map(copy_sources(job.context.prompt, job.context.model_answer if check_model else None).get,
                         own))
        copied = containment(found, PROMPT)
        if copied >= PROMPT_COPY:
            self._flag(findings, "prompt_copy",
                       f"{copied:.0%} of the answer repeats the question's wording",
                       40.0 * copied, longest_copied_run(job.tokens, in_source(found, PROMPT)),
                       COPY_CAP if copied >= 0.5 else None)
        if check_model:
            copied = containment(found, MODEL)
            if copied >= MODEL_COPY:
                severe = copied >= MODEL_COPY_SEVERE
                self._flag(findings, "model_answer_copy",
                           f"{copied:.0%} of the answer's phrasing is taken from the model answer",
                           30.0 if severe else 60.0 * copied, longest_copied_run(job.tokens, in_source(found, MODEL)),
                           COPY_CAP if severe else None)
        own_set = set(own) if job.context.other_answers else set()
        for index, other in enumerate(job.context.other_answers):
            similarity = jaccard(own_set, reference_shingles(other))
            if similarity >= NEAR_DUPLICATE:
                self._flag(findings, "near_duplicate",
                           f"{similarity:.0%} of its wording is shared with another answer to this question "
                           f"(#{index + 1}); a reviewer should check which came first", 15.0)
                break
