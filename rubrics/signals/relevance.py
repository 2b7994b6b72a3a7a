"""Relevance to the question and closeness to the model answer, in the caller's TF-IDF space."""

from __future__ import annotations

from rubrics.signals.base import Findings, ScoringJob, Signal, register

# Cosines at which the signal saturates: an on-topic answer in its own words rarely
# goes higher, so more overlap than this earns nothing extra.
PROMPT_FULL = 0.2
MODEL_FULL = 0.4
OFF_TOPIC = 0.05


@register
class Relevance(Signal):
    name = "relevance"
    order = 40

    def run(self, job: ScoringJob, findings: Findings) -> None:
        vector = job.space.vector_of(job.tokens)  # the scorer's tokens: no tokenising of its own
        to_prompt = job.space.similarity(vector, job.context.prompt)
        value = min(1.0, to_prompt / PROMPT_FULL)
        detail = f"cosine to the question {to_prompt:.2f}"
        if job.context.model_answer:
            to_model = job.space.similarity(vector, job.context.model_answer)
            value = 0.35 * value + 0.65 * min(1.0, to_model / MODEL_FULL)
            detail += f", to the model answer {to_model:.2f}"
            if max(to_prompt, to_model) < OFF_TOPIC:
                findings.notes.append("the answer shares almost no vocabulary with the question")
        elif to_prompt < OFF_TOPIC:
            findings.notes.append("the answer shares almost no vocabulary with the question")
        findings.record(job, self.name, value, detail)
