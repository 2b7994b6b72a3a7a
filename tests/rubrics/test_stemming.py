"""The scorer stems with Snowball's compiled English stemmer; its stems are the pure-Python package's.

Every concept match, relevance vector and closeness feature is built on stems, so a stemmer that
stemmed differently would change scores without a scorer version change.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from snowballstemmer.english_stemmer import EnglishStemmer

from rubrics.structure_model import CORPUS_PATH
from rubrics.text import _stem_word, stem, tokenize

REFERENCE = EnglishStemmer()  # the pure-Python Snowball stemmer, imported directly (not the compiled one)
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz'’éèçñüy-", min_size=1, max_size=16)


def reference_stem(word: str) -> str:
    return REFERENCE.stemWord(word.replace("’", "'"))


@settings(max_examples=3000)
@given(WORDS)
def test_compiled_stems_equal_the_pure_python_stemmer(word):
    assert _stem_word(word) == reference_stem(word)


def test_stems_of_the_shipped_text_equal_the_pure_python_stemmer():
    texts = [json.loads(line)["text"] for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines() if line]
    bank = Path(__file__).resolve().parents[2] / "question_bank"
    texts += [path.read_text(encoding="utf-8") for path in bank.rglob("*.yaml")]
    words = {word for text in texts for word in tokenize(text).words}
    assert len(words) > 3000
    differing = [(w, _stem_word(w), reference_stem(w)) for w in words if _stem_word(w) != reference_stem(w)]
    assert differing == []
    assert stem("monitoring") == stem("monitored") == "monitor"


def test_threads_stemming_at_once_get_the_same_stems():
    words = sorted(set(re.findall(r"[a-z]+", CORPUS_PATH.read_text(encoding="utf-8").lower())))
    expected = [reference_stem(w) for w in words]
    results: list[list[str]] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        results.append([_stem_word(w) for w in words])  # bypasses the shared memo: every call stems

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4
