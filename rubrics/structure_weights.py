"""The structure classifier's fitted weights, shipped in `rubrics/data/structure_model.npz`.

Training on the sentence corpus takes seconds of CPU (more than scoring a thousand answers), and
every process that scores would pay it at start: each `prodready score`, each service start. The
classifier only ever needs its vocabularies, idf values, coefficients and intercepts, so those ship
with the project, beside the digest of the corpus they were fitted on. Loading them takes
milliseconds, and the scorer's results no longer depend on the installed scikit-learn's solver.

After editing the corpus, write them again (`tests/rubrics/test_structure_weights.py` fails until
then, and the scorer trains at start meanwhile):

    .venv/bin/python -m rubrics.structure_weights
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

WEIGHTS_PATH = Path(__file__).parent / "data" / "structure_model.npz"
_ARRAYS = ("labels", "intercept", "coef", "word_terms", "word_idf", "char_terms", "char_idf", "corpus_sha256")


@dataclass(frozen=True, eq=False)
class Weights:
    """What the classifier learnt: columns of `coef` are the word terms, then the character n-grams."""

    labels: tuple[str, ...]
    intercept: np.ndarray  # per label
    coef: np.ndarray  # labels x (word terms + character n-grams)
    word_terms: list[str]  # by column
    word_idf: np.ndarray
    char_terms: list[str]
    char_idf: np.ndarray
    corpus_sha256: str  # of the corpus file they were fitted on


def corpus_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def weights_of(pipeline: Pipeline, corpus_sha256: str = "") -> Weights:
    """The weights of a fitted pipeline of the shipped kind (`structure_model._pipeline`)."""
    classifier = pipeline.named_steps["classifier"]
    words, chars = (vectorizer for _, vectorizer in pipeline.named_steps["features"].transformer_list)
    return Weights(
        labels=tuple(str(label) for label in classifier.classes_),
        intercept=classifier.intercept_, coef=classifier.coef_,
        word_terms=sorted(words.vocabulary_, key=words.vocabulary_.__getitem__), word_idf=words.idf_,
        char_terms=sorted(chars.vocabulary_, key=chars.vocabulary_.__getitem__), char_idf=chars.idf_,
        corpus_sha256=corpus_sha256,
    )


def save(weights: Weights, path: Path = WEIGHTS_PATH) -> None:
    # Strings as fixed-width unicode arrays: the file loads without pickle.
    np.savez_compressed(
        path, labels=np.array(weights.labels), intercept=weights.intercept, coef=weights.coef,
        word_terms=np.array(weights.word_terms), word_idf=weights.word_idf,
        char_terms=np.array(weights.char_terms), char_idf=weights.char_idf,
        corpus_sha256=np.array(weights.corpus_sha256),
    )


def load(path: Path = WEIGHTS_PATH) -> Weights:
    """The weights in `path`; ValueError when the file is not a weights file."""
    with np.load(path, allow_pickle=False) as stored:
        missing = set(_ARRAYS).difference(stored.files)
        if missing:
            raise ValueError(f"{path} is not a structure classifier weights file (missing {sorted(missing)})")
        arrays = {name: stored[name] for name in _ARRAYS}
    weights = Weights(
        labels=tuple(arrays["labels"].tolist()), intercept=arrays["intercept"], coef=arrays["coef"],
        word_terms=arrays["word_terms"].tolist(), word_idf=arrays["word_idf"],
        char_terms=arrays["char_terms"].tolist(), char_idf=arrays["char_idf"],
        corpus_sha256=str(arrays["corpus_sha256"]),
    )
    expected = (len(weights.labels), len(weights.word_terms) + len(weights.char_terms))
    if (weights.coef.shape != expected or weights.intercept.shape != (len(weights.labels),)
            or weights.word_idf.shape != (len(weights.word_terms),)
            or weights.char_idf.shape != (len(weights.char_terms),)):
        raise ValueError(f"{path}: the weights' shapes do not agree with their vocabularies")
    return weights


def main() -> int:
    from rubrics.structure_model import CORPUS_PATH, load_corpus, train

    model = train(load_corpus())
    save(weights_of(model.pipeline, corpus_digest(CORPUS_PATH)))
    print(f"wrote {WEIGHTS_PATH} ({WEIGHTS_PATH.stat().st_size:,} bytes): {len(model.labels)} labels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
