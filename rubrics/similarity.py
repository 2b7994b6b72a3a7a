"""TF-IDF space fitted on a corpus the caller supplies (e.g. the bank's prompts and model answers).

Its terms are the stems of the scorer's tokens (`rubrics.text.tokenize`) that are words of ASCII
letters, digits and slashes starting with a letter, two characters or more, and not stop words;
an answer's vector is built from the tokens the scorer already has. Vectors are sparse dicts
(stemmed term -> weight, l2-normalised) computed directly from the fitted vocabulary and idf:
one answer at a time, sklearn's transform overhead would dominate.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from itertools import compress, repeat
from operator import add, mul, truediv

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from rubrics.memo import WordMemo
from rubrics.text import Tokens, tokenize

_TERM = re.compile(r"[a-z][a-z0-9/]+")
_REFERENCE_CACHE = 2048

Vector = dict[int, float]


def _is_term(word: str) -> bool:
    return _TERM.fullmatch(word) is not None and word not in ENGLISH_STOP_WORDS


_IS_TERM: WordMemo[bool] = WordMemo(_is_term, limit=200_000)


def terms_of(tokens: Tokens) -> list[str]:
    """The stems of the tokens the space counts (see the module's docstring)."""
    return list(compress(tokens.stems, map(_IS_TERM.__getitem__, tokens.words)))


def stemmed_words(text: str) -> list[str]:
    return terms_of(tokenize(text))


class TextSpace:
    """Cosine similarity in a stemmed, sublinear TF-IDF space; reference vectors are cached."""

    def __init__(self, corpus: list[str]) -> None:
        documents = [doc for doc in corpus if doc and doc.strip()] or ["answer"]
        try:
            vectorizer = TfidfVectorizer(analyzer=stemmed_words, sublinear_tf=True, min_df=1).fit(documents)
        except ValueError:  # only stop words: an empty space would refuse every answer
            vectorizer = TfidfVectorizer(analyzer=stemmed_words, sublinear_tf=True, min_df=1).fit(["answer"])
        self._vocabulary: dict[str, int] = vectorizer.vocabulary_
        idf = vectorizer.idf_.tolist()
        self._idf_by_index = idf
        self._idf = {term: idf[index] for term, index in self._vocabulary.items()}
        self._unseen_idf = max(idf)
        self._cache: OrderedDict[str, Vector] = OrderedDict()

    def idf(self, stemmed_word: str) -> float:
        """How informative a (stemmed) word is in the corpus; unseen words count as rare."""
        return self._idf.get(stemmed_word, self._unseen_idf)

    def idf_sum(self, stemmed_words: Iterable[str]) -> float:
        get, unseen = self._idf.get, self._unseen_idf
        return sum(map(get, stemmed_words, repeat(unseen)))

    def vector(self, text: str) -> Vector:
        return self.vector_of(tokenize(text))

    def vector_of(self, tokens: Tokens) -> Vector:
        vocabulary, idf = self._vocabulary, self._idf_by_index
        counts = Counter(terms_of(tokens))
        known = list(filter(vocabulary.__contains__, counts))  # only the fitted vocabulary
        indices = list(map(vocabulary.__getitem__, known))
        # (1 + log count) * idf, term by term, in C-level maps
        values = list(map(mul, map(add, repeat(1.0), map(math.log, map(counts.__getitem__, known))),
                          map(idf.__getitem__, indices)))
        norm = math.sqrt(sum(map(mul, values, values))) or 1.0
        return dict(zip(indices, map(truediv, values, repeat(norm)), strict=True))

    def reference_vector(self, text: str) -> Vector:
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self.vector(text)
            if len(self._cache) > _REFERENCE_CACHE:
                self._cache.popitem(last=False)
        return cached

    def similarity(self, answer: Vector, reference: str) -> float:
        ref = self.reference_vector(reference)
        small, large = (answer, ref) if len(answer) < len(ref) else (ref, answer)
        return sum(map(mul, small.values(), map(large.get, small, repeat(0.0))))
