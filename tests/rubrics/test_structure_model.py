"""The structure classifier's per-word shares: worked out once per word, shared by threads, and the
same after the table starts over at its size limit."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from rubrics import structure_model
from rubrics.structure_model import default_model, train
from rubrics.text import tokenize

SENTENCES = [
    "We rolled the model out as a canary to 5% of traffic with automatic rollback.",
    "Drift is watched with PSI per feature, alerting above 0.2 on the daily dashboard.",
    "Retraining runs weekly from the feature store and must beat the champion on recent data.",
    "The project saved $40k a month and cut p99 latency from 900 ms to 200 ms.",
    "I was asked to own the migration of the fraud model to the new platform.",
    "Costs are tracked per model, and the GPU nodes scale down at night.",
]


@pytest.fixture(scope="module")
def model():
    # A model of its own: these tests reset its table, which the shared default model must not see.
    return train(structure_model.load_corpus())


def test_a_model_of_the_shipped_kind_takes_the_direct_path(model):
    assert model._direct and default_model()._direct


def test_threads_scoring_at_once_get_what_the_pipeline_gets(model):
    expected = model.pipeline.predict_proba(SENTENCES)
    # Words never met before, so several threads add rows to the table at the same time.
    batches = [[f"{s} unseen{t}x{i} word{t}{i}" for i, s in enumerate(SENTENCES)] for t in range(8)]
    results: dict[int, np.ndarray] = {}
    barrier = threading.Barrier(len(batches))

    def work(index: int) -> None:
        barrier.wait()
        for _ in range(20):
            results[index] = model.probabilities(batches[index])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, batch in enumerate(batches):
        np.testing.assert_allclose(results[index], model.pipeline.predict_proba(batch), atol=1e-5)
    np.testing.assert_allclose(model.probabilities(SENTENCES), expected, atol=1e-5)


def test_the_table_starts_over_at_its_limit_and_still_gives_the_same(model, monkeypatch):
    monkeypatch.setattr(structure_model, "_MAX_CACHED_WORDS", 30)
    before = model._shares.state
    for round_ in range(3):  # words never met before each round, so the table fills past the limit
        sentences = [f"{s} fresh{round_}w{i} other{round_}w{i}" for i, s in enumerate(SENTENCES)]
        np.testing.assert_allclose(model.probabilities(sentences), model.pipeline.predict_proba(sentences),
                                   atol=1e-5)
    assert model._shares.state is not before
    # It starts over with the words of the vocabulary's pairs, which keep their rows.
    state = model._shares.state
    assert len(state.rows) <= model._seed_size + 30 + len({w for s in sentences for w in tokenize(s).words})
    seed = sorted(state.rows, key=state.rows.__getitem__)[:model._seed_size]
    assert seed == sorted(seed) and all(" " not in word for word in seed)


def test_a_sentence_without_words_gets_the_intercepts_softmax(model):
    probabilities = model.probabilities_of_words([[], ["canary"], []])
    np.testing.assert_allclose(probabilities, model.pipeline.predict_proba(["", "canary", ""]), atol=1e-5)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
