"""Gaming never pays: stuffed, copied and padded answers score no higher than a genuine
band-3 answer to the same question (property tests over generated variants)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rubrics.scorer_bank import bank_scorer, candidate_context, load_question, question_files

FILES = question_files()
FLUFF = (
    "In my experience it is really important to think carefully about this.",
    "Communication with stakeholders is key and we always aligned on the goals.",
    "We followed best practices and made sure everything was high quality.",
    "It depends on the situation, but a good engineer considers all the angles.",
    "Overall the team worked hard and the project was a big success for everyone.",
)
STRATEGIES = ("term_list", "terms_in_a_sentence", "prompt_copy", "model_copy", "shuffled_model_copy",
              "fluff", "weak_plus_terms")


def _terms(question) -> list[str]:
    return [form for _, concept in question.rubric.concepts() for form in concept.surface_forms()]


def gamed_answer(question, strategy: str, seed: int) -> str:
    rng = random.Random(seed)
    terms = _terms(question)
    rng.shuffle(terms)
    sentences = [s.strip() + "." for s in question.model_answer.replace("\n", " ").split(". ") if s.strip()]
    weak = min((c for c in question.calibration), key=lambda c: c.band).answer
    if strategy == "term_list":
        return "\n".join(f"- {t}" for t in terms[: rng.randint(5, len(terms))])
    if strategy == "terms_in_a_sentence":
        return "We used " + ", ".join(terms[: rng.randint(6, max(6, len(terms)))]) + "."
    if strategy == "prompt_copy":
        return question.prompt if rng.random() < 0.5 else question.prompt + " " + question.prompt
    if strategy == "model_copy":
        return question.model_answer
    if strategy == "shuffled_model_copy":
        rng.shuffle(sentences)
        return " ".join(sentences[: max(3, len(sentences) * 2 // 3)])
    if strategy == "fluff":
        return weak + "\n\n" + " ".join(rng.choice(FLUFF) for _ in range(rng.randint(5, 25)))
    if strategy == "weak_plus_terms":
        return weak + "\n\nKeywords: " + ", ".join(terms[: rng.randint(5, len(terms))])
    raise ValueError(strategy)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(strategy=st.sampled_from(STRATEGIES), seed=st.integers(0, 10_000))
def test_gamed_answers_never_beat_the_band_3_answer(path, strategy, seed):
    question = load_question(path)
    if question is None:
        pytest.skip(f"{path.name} does not validate (bank lint reports it)")
    band_3 = [c for c in question.calibration if c.band == 3]
    if not band_3:
        pytest.skip("no band-3 calibration answer")
    scorer = bank_scorer()
    context = candidate_context(question)
    genuine = scorer.score(question.rubric, band_3[0].answer, context=context).score
    gamed = scorer.score(question.rubric, gamed_answer(question, strategy, seed), context=context)
    assert gamed.score <= genuine, (
        f"{question.id}: {strategy} scored {gamed.score} > band-3 answer {genuine}; flags: "
        f"{[f.reason for f in gamed.evidence.flags]}"
    )
