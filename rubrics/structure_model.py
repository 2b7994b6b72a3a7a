"""The sentence classifier behind the structure signal.

TF-IDF word and character n-grams feeding a logistic regression, trained at first use on
`rubrics/data/structure_sentences.jsonl` (JSON lines `{"text", "label"}`) and cached per
process. Training is deterministic: fixed solver, no shuffling, fixed split seed.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache
from itertools import chain, compress, repeat
from operator import is_not
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

from rubrics.memo import WordMemo
from rubrics.text import AsciiFast

CORPUS_PATH = Path(__file__).parent / "data" / "structure_sentences.jsonl"
SPLIT_SEED = 20240611
_MAX_CACHED_WORDS = 100_000
_NO_BIGRAMS: dict[str, int] = {}


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

    sklearn's generic transform validates and re-analyses every sentence, which costs
    milliseconds per answer. The direct path computes the same numbers (sublinear TF-IDF per
    block, l2 normalised, softmax of the linear scores) from features cached per word: the
    character n-grams of `char_wb` never cross a word boundary, so a word's n-grams are looked
    up once per process, and an answer's sentences go through one sparse product together.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.labels: tuple[str, ...] = tuple(pipeline.classes_)
        classifier = pipeline.named_steps["classifier"]
        words, chars = (v for _, v in pipeline.named_steps["features"].transformer_list)
        self._direct = (classifier.coef_.shape[0] == len(self.labels)  # binary models keep one row
                        and words.analyzer == "word" and words.ngram_range == (1, 2) and words.lowercase
                        and chars.analyzer == "char_wb" and chars.lowercase)
        self._word_vocabulary: dict[str, int] = words.vocabulary_
        # Bigram columns by first word, then second: looking a pair up needs no joined string.
        self._bigrams: dict[str, dict[str, int]] = defaultdict(dict)
        for term, column in words.vocabulary_.items():
            if " " in term:
                first, second = term.split(" ")
                self._bigrams[first][second] = column
        self._bigrams = dict(self._bigrams)
        self._word_pattern = AsciiFast(re.compile(words.token_pattern))
        self._char_range: tuple[int, int] = chars.ngram_range
        self._char_offset = len(words.vocabulary_)
        # n-gram -> its column in the joined feature space (after the word block)
        self._char_columns = {gram: index + self._char_offset for gram, index in chars.vocabulary_.items()}
        # A lookahead captures the n characters at every position: all overlapping n-grams, in order.
        self._char_grams = [re.compile(f"(?=(.{{{n}}}))", re.DOTALL)
                            for n in range(self._char_range[0], self._char_range[1] + 1)]
        self._width = self._char_offset + len(chars.vocabulary_)
        self._idf = np.concatenate([words.idf_, chars.idf_]).astype(np.float64)
        self._weights = np.ascontiguousarray(classifier.coef_.T, dtype=np.float64)  # features x labels
        self._intercept = classifier.intercept_.astype(np.float64)
        self._by_word: WordMemo[tuple[int, ...]] = WordMemo(self._char_features, limit=_MAX_CACHED_WORDS)

    def _char_features(self, word: str) -> tuple[int, ...]:
        """Columns of the in-vocabulary `char_wb` n-grams of one word, repeated as often as they occur."""
        padded = f" {word} "
        get = self._char_columns.get
        low, high = self._char_range
        if len(padded) >= high:  # every n-gram length fits: overlapping n-grams straight from the regex engine
            found: list[int | None] = []
            for pattern in self._char_grams:
                found.extend(map(get, pattern.findall(padded)))
            return tuple(compress(found, map(is_not, found, repeat(None))))
        columns: list[int] = []
        for n in range(low, high + 1):
            count = max(1, len(padded) - n + 1)
            found = list(map(get, map(padded.__getitem__, map(slice, range(count), range(n, n + count)))))
            columns.extend(compress(found, map(is_not, found, repeat(None))))
            if len(padded) <= n:  # sklearn counts a word shorter than n once, then stops
                break
        return tuple(columns)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Rows follow `texts`, columns follow `labels`."""
        if not self._direct:
            return self.pipeline.predict_proba(texts)
        columns: list[int] = []
        lengths: list[int] = []
        vocabulary, bigrams, by_word = self._word_vocabulary, self._bigrams, self._by_word
        for text in texts:
            before = len(columns)
            lowered = text.lower()
            tokens = self._word_pattern.for_text(lowered).findall(lowered)
            # Words and bigrams in the vocabulary (a column may be 0, so test for None).
            known = list(map(vocabulary.get, tokens))
            known += map(dict.get, map(bigrams.get, tokens, repeat(_NO_BIGRAMS)), tokens[1:])
            columns.extend(compress(known, map(is_not, known, repeat(None))))
            columns.extend(chain.from_iterable(map(by_word.__getitem__, lowered.split())))
            lengths.append(len(columns) - before)
        # Only ufuncs and array methods below: numpy's Python-level helpers (tile, diff, unique)
        # cost more than the arithmetic for one answer's few sentences.
        n = len(texts)
        scores = np.empty((n, len(self._intercept)))
        scores[:] = self._intercept
        if columns:
            # One key per (sentence, feature) occurrence; sorted, equal keys form runs.
            keys = np.arange(0, n * self._width, self._width, dtype=np.int64).repeat(lengths)
            keys += np.array(columns, dtype=np.int64)
            keys.sort()
            firsts = _run_starts(keys)
            counts = np.empty(len(firsts), dtype=np.int64)
            np.subtract(firsts[1:], firsts[:-1], out=counts[:-1])
            counts[-1] = len(keys) - firsts[-1]
            rows, cols = np.divmod(keys.take(firsts), self._width)
            values = np.log(counts)  # sublinear tf: 1 + log(count), times idf
            values += 1.0
            values *= self._idf.take(cols)
            block = rows * 2  # each vectoriser normalises its own block
            block += cols >= self._char_offset
            norms = np.sqrt(np.bincount(block, weights=values * values, minlength=2 * n))
            values /= norms.take(block)
            # Sum each sentence's weighted feature rows: a sentence's features are one run of the
            # sorted keys, and reduceat sums runs (sentences without features have none).
            starts = _run_starts(rows)
            features = self._weights.take(cols, axis=0)  # `take` gathers rows faster than indexing
            features *= values[:, None]
            scores[rows.take(starts)] += np.add.reduceat(features, starts, axis=0)
        scores -= np.maximum.reduce(scores, axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= np.add.reduce(scores, axis=1, keepdims=True)
        return scores


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins in a sorted, non-empty array."""
    change = np.empty(len(values), dtype=bool)
    change[0] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    return change.nonzero()[0]


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
