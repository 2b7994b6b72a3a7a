"""The structure classifier ships as weights: they are what training on the shipped corpus gives, they
load without training, and a corpus edited since they were written is noticed."""

from __future__ import annotations

import numpy as np
import pytest

from rubrics import structure_model, structure_weights
from rubrics.structure_model import CORPUS_PATH, StructureModel, load_corpus, train
from rubrics.structure_weights import corpus_digest, load, save, weights_of


@pytest.fixture(scope="module")
def trained():
    return train(load_corpus())


def test_the_shipped_weights_were_fitted_on_the_shipped_corpus():
    # Otherwise every process would train at start: run `python -m rubrics.structure_weights`.
    assert load().corpus_sha256 == corpus_digest(CORPUS_PATH)


def test_the_shipped_weights_are_what_training_on_the_corpus_gives(trained):
    shipped, fresh = load(), weights_of(trained.pipeline)
    assert shipped.labels == fresh.labels
    assert shipped.word_terms == fresh.word_terms and shipped.char_terms == fresh.char_terms
    np.testing.assert_allclose(shipped.word_idf, fresh.word_idf, rtol=1e-6)
    np.testing.assert_allclose(shipped.char_idf, fresh.char_idf, rtol=1e-6)
    # The solver stops at a tolerance: another scikit-learn may land a little elsewhere, never
    # on other answers.
    sentences = [text for text, _ in load_corpus()]
    shipped_p = StructureModel(shipped).probabilities(sentences)
    fresh_p = trained.pipeline.predict_proba(sentences)
    np.testing.assert_allclose(shipped_p, fresh_p, atol=0.02)
    assert np.mean(shipped_p.argmax(axis=1) == fresh_p.argmax(axis=1)) >= 0.99


def test_the_default_model_loads_the_weights_without_training(monkeypatch):
    def refuse(_examples):
        raise AssertionError("trained at start")

    monkeypatch.setattr(structure_model, "train", refuse)
    model = structure_model.default_model.__wrapped__()
    assert model is not None and model._direct and model.pipeline is None
    assert model.labels == load().labels
    probabilities = model.probabilities(["We rolled the model out as a canary to 5% of traffic."])
    assert model.labels[int(probabilities.argmax())] == "deployment"


def test_a_corpus_edited_since_the_weights_were_written_is_trained_on_with_a_warning(tmp_path, monkeypatch):
    corpus = tmp_path / "structure_sentences.jsonl"
    corpus.write_text('{"text": "we ship a canary", "label": "deployment"}\n'
                      '{"text": "we watch drift", "label": "monitoring"}\n' * 3, encoding="utf-8")
    monkeypatch.setattr(structure_model, "CORPUS_PATH", corpus)
    monkeypatch.setattr(structure_model, "load_corpus", lambda: load_corpus(corpus))
    with pytest.warns(UserWarning, match="python -m rubrics.structure_weights"):
        model = structure_model.default_model.__wrapped__()
    assert model.labels == ("deployment", "monitoring")
    assert model.pipeline is not None


def test_weights_come_back_from_a_file_exactly(tmp_path, trained):
    path = tmp_path / "weights.npz"
    written = weights_of(trained.pipeline, "digest")
    save(written, path)
    read = load(path)
    assert (read.labels, read.word_terms, read.char_terms, read.corpus_sha256) == (
        written.labels, written.word_terms, written.char_terms, "digest")
    for name in ("intercept", "coef", "word_idf", "char_idf"):
        np.testing.assert_array_equal(getattr(read, name), getattr(written, name))
        assert getattr(read, name).dtype == getattr(written, name).dtype
    # Terms with spaces at either end (padded character n-grams) keep them.
    assert any(term.startswith(" ") for term in read.char_terms)
    assert any(term.endswith(" ") for term in read.char_terms)


def test_a_file_that_is_not_weights_is_refused(tmp_path, trained):
    other = tmp_path / "other.npz"
    np.savez(other, coef=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="not a structure classifier weights file"):
        load(other)
    written = weights_of(trained.pipeline, "digest")
    broken = structure_weights.Weights(written.labels, written.intercept, written.coef[:, 1:], written.word_terms,
                                       written.word_idf, written.char_terms, written.char_idf, "digest")
    save(broken, tmp_path / "broken.npz")
    with pytest.raises(ValueError, match="shapes do not agree"):
        load(tmp_path / "broken.npz")

