"""TF-IDF space fitted on a corpus the caller supplies (e.g. the bank's prompts and model answers).

Vectors are sparse dicts (stemmed term -> weight, l2-normalised) computed directly from the
fitted vocabulary and idf: one answer at a time, sklearn's transform overhead would dominate.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from itertools import compress, filterfalse, repeat
from operator import mul, truediv

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from rubrics.text import AsciiFast, stem_all

_TOKEN = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z0-9/]+\b")
_TOKENS = AsciiFast(_TOKEN)
_REFERENCE_CACHE = 2048

Vector = dict[int, float]


def stemmed_words(text: str) -> list[str]:
    lowered = text.lower()
    words = _TOKENS.for_text(lowered).findall(lowered)
    return stem_all(list(filterfalse(ENGLISH_STOP_WORDS.__contains__, words)))


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
        vocabulary, idf = self._vocabulary, self._idf_by_index
        counts = Counter(stemmed_words(text))
        weights = {}
        for term in compress(counts, map(vocabulary.__contains__, counts)):  # only the fitted vocabulary
            index = vocabulary[term]
            weights[index] = (1.0 + math.log(counts[term])) * idf[index]
        values = weights.values()
        norm = math.sqrt(sum(map(mul, values, values))) or 1.0
        return dict(zip(weights, map(truediv, values, repeat(norm)), strict=True))

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
