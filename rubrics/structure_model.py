"""The sentence classifier behind the structure signal.

TF-IDF word and character n-grams feeding a logistic regression, trained at first use on
`rubrics/data/structure_sentences.jsonl` (JSON lines `{"text", "label"}`) and cached per
process. Training is deterministic: fixed solver, no shuffling, fixed split seed.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

CORPUS_PATH = Path(__file__).parent / "data" / "structure_sentences.jsonl"
SPLIT_SEED = 20240611


def load_corpus(path: Path = CORPUS_PATH) -> list[tuple[str, str]]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                examples.append((row["text"], row["label"]))
    return examples


def _pipeline() -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, dtype=np.float32)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, min_df=2,
                                  dtype=np.float32)),
    ])
    classifier = LogisticRegression(C=2.0, tol=1e-3, max_iter=3000, solver="lbfgs")  # ~1.5 s to fit
    return Pipeline([("features", features), ("classifier", classifier)])


class StructureModel:
    """The fitted pipeline, plus a direct path through its weights.

    Scoring a handful of sentences through sklearn's generic transform costs milliseconds of
    validation; the direct path computes the same numbers (sublinear TF-IDF per block, l2
    normalised, softmax of the linear scores) in a fraction of that.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.labels: tuple[str, ...] = tuple(pipeline.classes_)
        classifier = pipeline.named_steps["classifier"]
        self._coef = np.ascontiguousarray(classifier.coef_, dtype=np.float64)
        self._intercept = classifier.intercept_.astype(np.float64)
        self._blocks = []
        offset = 0
        for _, vectorizer in pipeline.named_steps["features"].transformer_list:
            vocabulary = vectorizer.vocabulary_
            self._blocks.append((vectorizer.build_analyzer(), vocabulary, vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Rows follow `texts`, columns follow `labels`."""
        if self._coef.shape[0] != len(self.labels):  # binary models keep one row of weights
            return self.pipeline.predict_proba(texts)
        scores = np.empty((len(texts), len(self.labels)))
        for row, text in enumerate(texts):
            total = self._intercept.copy()
            for analyzer, vocabulary, idf, offset in self._blocks:
                counts: dict[int, int] = {}
                for feature, n in Counter(analyzer(text)).items():
                    index = vocabulary.get(feature)
                    if index is not None:
                        counts[index] = n
                if not counts:
                    continue
                indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
                values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))))
                values *= idf[indices]
                values /= np.linalg.norm(values)
                total += self._coef[:, indices + offset] @ values
            scores[row] = total
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)


def train(examples: list[tuple[str, str]]) -> StructureModel:
    texts = [text for text, _ in examples]
    labels = [label for _, label in examples]
    return StructureModel(_pipeline().fit(texts, labels))


@lru_cache(maxsize=1)
def default_model() -> StructureModel | None:
    """The shipped model, or None when the corpus is missing (the signal then uses headings only)."""
    if not CORPUS_PATH.exists():
        return None
    examples = load_corpus()
    if len({label for _, label in examples}) < 2:
        return None
    return train(examples)


def heldout_accuracy(examples: list[tuple[str, str]] | None = None, *, test_size: float = 0.2) -> float:
    """Accuracy on a stratified held-out split with a fixed seed."""
    examples = load_corpus() if examples is None else examples
    texts = [text for text, _ in examples]
    labels = [label for _, label in examples]
    train_x, test_x, train_y, test_y = train_test_split(
        texts, labels, test_size=test_size, stratify=labels, random_state=SPLIT_SEED,
    )
    model = train(list(zip(train_x, train_y, strict=True)))
    predicted = model.pipeline.predict(test_x)
    return float(np.mean(np.asarray(predicted) == np.asarray(test_y)))
