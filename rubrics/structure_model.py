"""The sentence classifier behind the structure signal.

TF-IDF features feeding a logistic regression, trained on
`rubrics/data/structure_sentences.jsonl` (JSON lines `{"text", "label"}`). Training is
deterministic (fixed solver, no shuffling, fixed split seed), and its weights ship with the
project (`rubrics.structure_weights`): the shipped model is loaded, not trained, at first use.

The features are read off the scorer's own tokens (`rubrics.text.tokenize`): a sentence's words
and pairs of neighbouring words, and the character 3- and 4-grams of each word padded with a space
either side. Term counts are raw and each block is scaled to sum to one (l1), not to unit length:
then a sentence's score is a sum over its words of what each contributes, divided by a sum of
what each weighs, so a word's share is worked out once per process and an answer costs a few
array sums (see `StructureModel`). Raw counts with l2 scaling classify a little better
(benchmarks/README.md) but need every sentence's n-gram counts, which cost more than the rest of
the scorer's signals together.
"""

from __future__ import annotations

import json
import re
import threading
import warnings
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate, chain, compress, count, repeat
from operator import is_not
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

from rubrics.structure_weights import WEIGHTS_PATH, Weights, corpus_digest, weights_of
from rubrics.structure_weights import load as load_weights
from rubrics.text import tokenize

CORPUS_PATH = Path(__file__).parent / "data" / "structure_sentences.jsonl"
SPLIT_SEED = 20240611
CHAR_SIZES = (3, 4)  # character n-grams of a padded word
# Chosen by 5-fold cross-validation on the corpus: l1-scaled features are small, so the
# regularisation must be weak (C 100: 0.738, 300: 0.733, 1,000: 0.749).
REGULARISATION_C = 1000.0
_MAX_CACHED_WORDS = 100_000


def load_corpus(path: Path = CORPUS_PATH) -> list[tuple[str, str]]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                examples.append((row["text"], row["label"]))
    return examples


def word_terms(text: str) -> list[str]:
    """A sentence's words, then each pair of neighbouring words joined by a space."""
    words = tokenize(text).words
    return words + [f"{first} {second}" for first, second in zip(words, words[1:], strict=False)]


def _grams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i:i + n] for n in CHAR_SIZES for i in range(len(padded) - n + 1)]


def char_terms(text: str) -> list[str]:
    """The character n-grams (`CHAR_SIZES`) of each word padded with a space either side; a word too
    short for an n-gram size gives none of that size."""
    return [gram for word in tokenize(text).words for gram in _grams(word)]


def _pipeline() -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=word_terms, norm="l1", min_df=1, dtype=np.float32)),
        ("chars", TfidfVectorizer(analyzer=char_terms, norm="l1", min_df=2, dtype=np.float32)),
    ])
    classifier = LogisticRegression(C=REGULARISATION_C, tol=1e-3, max_iter=10_000, solver="lbfgs")  # seconds
    return Pipeline([("features", features), ("classifier", classifier)])


class _Table:
    """Rows of word shares, and which word has which row; doubles when full."""

    def __init__(self, width: int) -> None:
        self.rows: dict[str, int] = {}
        self.table = np.zeros((1024, width))

    def add(self, words: list[str], shares: np.ndarray) -> None:
        used, needed = len(self.rows), len(self.rows) + len(words)
        if needed > len(self.table):
            grown = np.zeros((max(2 * len(self.table), needed), self.table.shape[1]))
            grown[:used] = self.table[:used]
            self.table = grown
        self.table[used:needed] = shares  # written before the words are published: readers never see them unset
        self.rows.update(zip(words, range(used, needed), strict=True))


class _WordShares:
    """word -> row of a table holding the word's shares (`StructureModel._word_shares`), worked out in
    one pass for the words of an answer the first time they are met.

    Every table starts with the `seed` words, in order, so that those words have the same rows (their
    places in `seed`) in every table.

    Threads may score at once: rows are added under a lock, and a reader keeps to one `_Table`,
    which the reset at the size limit replaces rather than empties."""

    def __init__(self, shares: Callable[[list[str]], np.ndarray], width: int, seed: list[str]) -> None:
        self._shares = shares
        self._width = width
        self._lock = threading.Lock()
        self._seed, self._seed_shares = seed, shares(seed) if seed else np.zeros((0, width))
        self.state = self._seeded()

    def _seeded(self) -> _Table:
        table = _Table(self._width)
        table.add(self._seed, self._seed_shares)
        return table

    def rows(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The words' rows, and the table to take them from."""
        state = self.state
        found = list(map(state.rows.get, words))
        if None in found:
            with self._lock:
                if len(state.rows) >= len(self._seed) + _MAX_CACHED_WORDS:  # unusual input: start over
                    if self.state is state:
                        self.state = self._seeded()
                    state = self.state
                new = list(set(words).difference(state.rows))
                if new:
                    state.add(new, self._shares(new))
            found = list(map(state.rows.__getitem__, words))
        return np.fromiter(found, dtype=np.intp, count=len(found)), state.table


def _pair_index(word_terms: list[str], *, absent: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Pairs of words are looked up by their words' table rows: the words of the vocabulary's pairs
    seed every table (`_WordShares`), so a pair's key, first row * seed size + second row, is fixed,
    and an answer's pairs are found with one sorted search. Returns the seed words, the sorted keys
    and each key's column; key -1 (a word outside every pair) has the "no term" column `absent`."""
    pairs = [(column, *term.split(" ")) for column, term in enumerate(word_terms) if " " in term]
    seed = sorted({word for _, first, second in pairs for word in (first, second)})
    seed_row = {word: row for row, word in enumerate(seed)}
    keys = np.array([-1] + [seed_row[first] * len(seed) + seed_row[second] for _, first, second in pairs],
                    dtype=np.intp)
    columns = np.array([absent] + [column for column, _, _ in pairs], dtype=np.intp)
    order = np.argsort(keys)
    return seed, keys[order], columns[order]


class StructureModel:
    """The classifier's weights, read through a direct path; and the fitted pipeline, when trained in
    this process (the shipped model is loaded from its weights, `rubrics.structure_weights`).

    With raw counts and l1 scaling, a block's part of a sentence's linear score is
    (sum over its terms' occurrences of idf * weights) / (sum over them of idf). The direct path
    keeps, per vocabulary term, idf * weights and idf in one row; per word, the sum of those rows
    over its character n-grams; and adds an answer's rows up per sentence in one pass.
    sklearn's transform would re-analyse and validate every sentence, at milliseconds per answer.
    """

    def __init__(self, weights: Weights, pipeline: Pipeline | None = None) -> None:
        self.pipeline = pipeline
        self.labels: tuple[str, ...] = weights.labels
        self._direct = True
        self._intercept = weights.intercept.astype(np.float64)
        labels = len(self.labels)
        coef = weights.coef.T.astype(np.float64)  # features x labels
        offset = len(weights.word_terms)
        # Per term: idf * weights, then idf; the last row stands for "no term" (zeros).
        terms = np.zeros((offset + 1, labels + 1))
        terms[:offset, :labels] = coef[:offset] * weights.word_idf[:, None]
        terms[:offset, labels] = weights.word_idf
        self._terms = terms
        self._absent = offset
        self._words = {term: column for column, term in enumerate(weights.word_terms)}
        seed, self._pair_keys, self._pair_columns = _pair_index(weights.word_terms, absent=offset)
        self._seed_size = len(seed)
        grams = np.zeros((len(weights.char_terms), labels + 1))
        grams[:, :labels] = coef[offset:] * weights.char_idf[:, None]
        grams[:, labels] = weights.char_idf
        self._grams = grams
        self._gram_columns = {term: column for column, term in enumerate(weights.char_terms)}
        # A lookahead captures the n characters at every position: all overlapping n-grams (`_grams`).
        self._gram_patterns = [re.compile(f"(?=(.{{{n}}}))", re.DOTALL) for n in CHAR_SIZES]
        self._shares = _WordShares(self._word_shares, 2 * (labels + 1), seed)

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> StructureModel:
        """A model of a fitted pipeline; one not of the shipped kind (`_pipeline`) answers through
        the pipeline itself."""
        classifier = pipeline.named_steps["classifier"]
        words, chars = (v for _, v in pipeline.named_steps["features"].transformer_list)
        direct = (classifier.coef_.shape[0] == len(classifier.classes_)  # binary models keep one row
                  and words.analyzer is word_terms and chars.analyzer is char_terms
                  and words.norm == chars.norm == "l1" and not (words.sublinear_tf or chars.sublinear_tf)
                  and words.use_idf and chars.use_idf)
        if direct:
            return cls(weights_of(pipeline), pipeline)
        model = cls.__new__(cls)
        model.pipeline, model.labels, model._direct = pipeline, tuple(pipeline.classes_), False
        model._intercept = classifier.intercept_.astype(np.float64)
        return model

    def _word_shares(self, words: list[str]) -> np.ndarray:
        """Per word, one row: what its character n-grams add up to (their `_grams` rows, summed), then
        its own row of `_terms` as a single word (zeros if not in the vocabulary).

        All the words' n-grams come from one scan of the padded words joined by NUL, a character no
        token holds: an n-gram across two words holds it, so the vocabulary never has it."""
        get = self._gram_columns.get
        padded = [f" {word} " for word in words]
        joined = "\0".join(padded)
        # the word each character of `joined` belongs to (a separator to the word before it)
        owner = np.repeat(np.arange(len(words)), [len(p) + 1 for p in padded])
        places: list[int] = []
        columns: list[int] = []
        for pattern in self._gram_patterns:
            found = list(map(get, pattern.findall(joined)))  # the n-gram at each place, in order
            known = list(map(is_not, found, repeat(None)))
            places.extend(compress(count(), known))
            columns.extend(compress(found, known))
        labels = len(self.labels) + 1
        shares = np.zeros((len(words), 2 * labels))
        np.add.at(shares[:, :labels], owner.take(places), self._grams.take(columns, axis=0))
        shares[:, labels:] = self._terms.take([self._words.get(word, self._absent) for word in words], axis=0)
        return shares

    def _paired(self, rows: np.ndarray) -> np.ndarray:
        """Per word (by table row), the column of the pair it starts with the next word, or the
        "no term" row: for the last word, and for pairs not in the vocabulary."""
        seeded, keys = self._seed_size, self._pair_keys
        first, second = rows[:-1], rows[1:]
        wanted = first * seeded + second
        wanted[(first >= seeded) | (second >= seeded)] = -1  # a word outside every pair
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        paired = np.full(len(rows), self._absent, dtype=np.intp)
        paired[:-1] = np.where(keys[at] == wanted, self._pair_columns[at], self._absent)
        return paired

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Rows follow `texts`, columns follow `labels`."""
        if not self._direct:
            return self.pipeline.predict_proba(texts)
        return self.probabilities_of_words([tokenize(text).words for text in texts])

    def probabilities_of_words(self, sentences: list[list[str]]) -> np.ndarray:
        """Rows follow the sentences, each given as its tokens' words (`Tokens.words`, sliced)."""
        if not self._direct:
            return self.pipeline.predict_proba([" ".join(words) for words in sentences])
        n, labels = len(sentences), len(self.labels)
        scores = np.empty((n, labels))
        scores[:] = self._intercept
        filled = [i for i, words in enumerate(sentences) if words]
        if filled:
            words = list(chain.from_iterable(map(sentences.__getitem__, filled)))
            starts = list(accumulate((len(sentences[i]) for i in filled[:-1]), initial=0))
            absent = self._absent
            rows, table = self._shares.rows(words)
            paired = self._paired(rows)
            # A pair belongs to its first word's sentence; none spans two sentences.
            paired[np.array(starts[1:], dtype=np.intp) - 1] = absent
            shares = table.take(rows, axis=0)  # per word: its character n-grams, then itself as a term
            shares[:, labels + 1:] += self._terms.take(paired, axis=0)
            summed = np.add.reduceat(shares, starts, axis=0)
            char_block, word_block = summed[:, :labels + 1], summed[:, labels + 1:]
            for block in (word_block, char_block):
                # A sentence with no term of a block gets nothing from it (its sums stay 0), as
                # sklearn's scaling leaves a row of zeros.
                weight = block[:, labels:]
                np.divide(block[:, :labels], weight, out=block[:, :labels], where=weight > 0)
                scores[filled] += block[:, :labels]
        scores -= np.maximum.reduce(scores, axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= np.add.reduce(scores, axis=1, keepdims=True)
        return scores


def train(examples: list[tuple[str, str]]) -> StructureModel:
    texts = [text for text, _ in examples]
    labels = [label for _, label in examples]
    return StructureModel.from_pipeline(_pipeline().fit(texts, labels))


@lru_cache(maxsize=1)
def default_model() -> StructureModel | None:
    """The shipped model, or None when the corpus is missing (the signal then uses headings only)."""
    if not CORPUS_PATH.exists():
        return None
    if WEIGHTS_PATH.exists():
        weights = load_weights(WEIGHTS_PATH)
        if weights.corpus_sha256 == corpus_digest(CORPUS_PATH):
            return StructureModel(weights)
        # The corpus was edited since the weights were written: still right, only slower to start.
        warnings.warn(f"{WEIGHTS_PATH.name} was fitted on another version of {CORPUS_PATH.name}: training "
                      "the structure classifier at start (write them again: python -m rubrics.structure_weights)",
                      stacklevel=2)
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
