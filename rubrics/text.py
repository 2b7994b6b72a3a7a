"""Tokens and segments with character offsets into the original answer."""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate, chain, repeat
from operator import add
from typing import NamedTuple

import Stemmer

from rubrics.memo import WordMemo

# Hyphens split tokens ("re-train" -> "re", "train") so phrases match either spelling;
# slashes and inner dots stay ("A/B", "0.2", "p99").
_TOKEN_RE = re.compile(r"[^\W_]+(?:[/'’.][^\W_]+)*")
_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern})")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[*]?[A-Z0-9])")
_BULLET_RE = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+")
# Clause breaks: punctuation, or a dash with whitespace around it (see `_clause_breaks`).
_CLAUSE_BREAK_RE = re.compile(r"[,;:.!?()\n]")
_SPACED_DASH_RE = re.compile(r"(?<=\s)[-–—](?=\s)")
_DASHES = frozenset("-–—")
_start = re.Match.start
CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "whereas", "instead", "yet"})

# Snowball's English stemmer, compiled (PyStemmer): the same algorithm as the pure-Python
# snowballstemmer package, about 20 times faster on a word the memo has not met, which is what
# unseen answers are made of. A stemmer keeps state while it works, so each thread has its own.
_stemmers = threading.local()


def _stem_word(word: str) -> str:
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english", 0)  # no cache of its own: _STEMS is one
    return stemmer.stemWord(word.replace("’", "'"))


_STEMS: WordMemo[str] = WordMemo(_stem_word, limit=200_000)


def ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern compiled with re.ASCII, which scans faster. On ASCII-only text it matches exactly what
    the Unicode pattern matches, provided the pattern has no `\\s` (Unicode's also takes \\x1c-\\x1f)."""
    if "\\s" in pattern.pattern or "\\S" in pattern.pattern:
        raise ValueError("patterns with \\s or \\S match differently under re.ASCII")
    return re.compile(pattern.pattern.replace("(?u)", ""), pattern.flags & ~re.UNICODE | re.ASCII)


class AsciiFast:
    """A pattern with its `ascii_twin`: `for_text` picks the twin when the text is ASCII-only."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.ascii = ascii_twin(pattern)

    def for_text(self, text: str) -> re.Pattern[str]:
        return self.ascii if text.isascii() else self.pattern


_SPLIT = AsciiFast(_SPLIT_RE)


def stem(word: str) -> str:
    return _STEMS[word]


def stem_all(words: list[str]) -> list[str]:
    return list(map(_STEMS.__getitem__, words))


class Token(NamedTuple):
    text: str  # lower-cased
    start: int
    end: int
    stem: str
    clause: int  # tokens with the same clause id are not separated by punctuation or "but"


class Tokens:
    """An answer's tokens, column by column.

    The scorer reads columns (`words`, `starts`, ...) with C-level maps and slices; building one
    object per token would cost more than most signals. Indexing and iterating give `Token`s, for
    code that reads a few tokens of a short text.
    """

    __slots__ = ("words", "starts", "ends", "stems", "_text", "_clauses")

    def __init__(self, text: str, words: list[str], starts: list[int], ends: list[int]) -> None:
        self._text = text
        self.words = words  # lower-cased
        self.starts = starts  # character offsets into the text
        self.ends = ends
        self.stems = list(map(_STEMS.__getitem__, words))
        self._clauses: list[int] | None = None

    @property
    def clauses(self) -> list[int]:
        """Clause ids: tokens with the same id are not separated by punctuation or "but". Computed when
        first asked for (only negation reads them, and only where a negator is near)."""
        if self._clauses is None:
            breaks = _clause_breaks(self._text)
            contrasts = accumulate(map(CLAUSE_WORDS.__contains__, self.words))
            self._clauses = list(map(add, map(bisect_left, repeat(breaks), self.starts), contrasts))
        return self._clauses

    def __len__(self) -> int:
        return len(self.words)

    def __getitem__(self, index: int) -> Token:
        return Token(self.words[index], self.starts[index], self.ends[index], self.stems[index],
                     self.clauses[index])

    def __iter__(self) -> Iterator[Token]:
        return map(Token, self.words, self.starts, self.ends, self.stems, self.clauses)


class Segment(NamedTuple):  # a tuple: it builds several times faster than a frozen dataclass
    """A sentence, bullet item or heading line of the answer."""

    start: int
    end: int
    text: str
    first_token: int  # index into the answer's token list
    last_token: int  # exclusive
    bullet: bool

    @property
    def n_tokens(self) -> int:
        return self.last_token - self.first_token


def tokenize(text: str) -> Tokens:
    # Splitting with the token pattern captured gives separators and tokens alternately, so
    # offsets are running sums of their lengths: no match object per token.
    lowered = text.lower()
    same_length = len(lowered) == len(text)  # every character lower-cases to one, so offsets carry over
    source = lowered if same_length else text  # e.g. "İ" lower-cases to two characters
    parts = _SPLIT.for_text(source).split(source)
    offsets = list(accumulate(map(len, parts), initial=0))
    words = parts[1::2] if same_length else list(map(str.lower, parts[1::2]))
    return Tokens(text, words, offsets[1:-1:2], offsets[2::2])


def _clause_breaks(text: str) -> list[int]:
    """Offsets of punctuation, and of dashes set off by whitespace on both sides (a hyphen inside a
    word is no break); two scans and a merge, as one alternation scans several times slower."""
    punctuation = map(_start, _CLAUSE_BREAK_RE.finditer(text))
    if not _DASHES.intersection(text):
        return list(punctuation)
    return sorted(chain(punctuation, map(_start, _SPACED_DASH_RE.finditer(text))))


def _blocks(text: str) -> list[tuple[int, int, bool]]:
    """Paragraphs and list items; hard-wrapped lines of one paragraph are joined."""
    blocks: list[tuple[int, int, bool]] = []
    current: list[int] | None = None  # [start, end, bullet]
    heading_before = False
    line_start = 0
    for body in text.split("\n"):
        line_end = line_start + len(body)
        start, line_start = line_start, line_end + 1
        if not body.strip():
            current, heading_before = None, False
            continue
        bullet = bool(_BULLET_RE.match(body))
        starts_new = current is None or bullet or heading_before or body.lstrip().startswith("#")
        if starts_new:
            current = [start, line_end, bullet]
            blocks.append(current)  # type: ignore[arg-type]
        else:
            current[1] = line_end
        heading_before = _looks_like_heading(body, first_in_block=starts_new)
    return [(start, end, bool(bullet)) for start, end, bullet in blocks]


def _looks_like_heading(line: str, *, first_in_block: bool) -> bool:
    stripped = line.strip()
    if stripped.startswith("#") or (stripped.startswith("**") and stripped.endswith("**")):
        return True
    if len(stripped.split()) > 6:
        return False
    # A short title line opens its block; a short line inside a paragraph is just wrapping.
    return stripped.endswith(":") or (first_in_block and stripped[-1:].isalnum() and stripped[:1].isupper())


def segment(text: str, tokens: Tokens) -> list[Segment]:
    """Split into paragraphs and items, then sentences; each segment knows its token range."""
    spans: list[tuple[int, int, bool]] = []
    for block_start, block_end, bullet in _blocks(text):
        cursor = block_start
        for brk in _SENTENCE_END_RE.finditer(text, block_start, block_end):
            spans.append((cursor, brk.start(), bullet))
            cursor = brk.end()
            bullet = False
        spans.append((cursor, block_end, bullet))
    segments: list[Segment] = []
    token_starts = tokens.starts
    for start, end, bullet in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        first = bisect_left(token_starts, start)
        last = bisect_left(token_starts, end, first)
        if last == first:
            continue  # punctuation only
        segments.append(Segment(start, end, text[start:end], first, last, bullet))
    return segments


def word_count(text: str) -> int:
    return sum(1 for _ in _TOKEN_RE.finditer(text))
