"""Tokens and segments with character offsets into the original answer."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, repeat
from operator import add
from typing import NamedTuple

import snowballstemmer

from rubrics.memo import WordMemo

# Hyphens split tokens ("re-train" -> "re", "train") so phrases match either spelling;
# slashes and inner dots stay ("A/B", "0.2", "p99").
_TOKEN_RE = re.compile(r"[^\W_]+(?:[/'’.][^\W_]+)*")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[*]?[A-Z0-9])")
_BULLET_RE = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+")
# Clause breaks: punctuation, or a dash with spaces around it (checked in `_clause_breaks`:
# an alternation with the dash case makes the regex scan several times slower).
_CLAUSE_BREAK_RE = re.compile(r"[,;:.!?()\n\-–—]")
_DASHES = frozenset("-–—")
CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "whereas", "instead", "yet"})

_stemmer = snowballstemmer.stemmer("english")


_STEMS: WordMemo[str] = WordMemo(lambda word: _stemmer.stemWord(word.replace("’", "'")), limit=200_000)


def stem(word: str) -> str:
    return _STEMS[word]


def stem_all(words: list[str]) -> list[str]:
    return list(map(_STEMS.__getitem__, words))


class Token(NamedTuple):  # a tuple: answers have thousands of tokens and tuples build fastest
    text: str  # lower-cased
    start: int
    end: int
    stem: str
    clause: int  # tokens with the same clause id are not separated by punctuation or "but"


_make_token = partial(tuple.__new__, Token)
_span = re.Match.span


@dataclass(frozen=True, slots=True)
class Segment:
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


def tokenize(text: str) -> list[Token]:
    # Built column by column with C-level maps: this runs on every answer and every token.
    spans = list(map(_span, _TOKEN_RE.finditer(text)))
    if not spans:
        return []
    lowered = text.lower()
    if len(lowered) == len(text):  # every character lower-cases to one, so offsets carry over
        words = [lowered[start:end] for start, end in spans]
    else:  # e.g. "İ" lower-cases to two characters
        words = [text[start:end].lower() for start, end in spans]
    starts, ends = zip(*spans, strict=True)
    # A clause ends at punctuation or a contrast word; tokens in one clause share an id.
    breaks = _clause_breaks(text)
    contrasts = accumulate(map(CLAUSE_WORDS.__contains__, words))
    clauses = map(add, map(bisect_left, repeat(breaks), starts), contrasts)
    stems = map(_STEMS.__getitem__, words)
    return list(map(_make_token, zip(words, starts, ends, stems, clauses, strict=True)))


def _clause_breaks(text: str) -> list[int]:
    breaks = []
    last = len(text) - 1
    for match in _CLAUSE_BREAK_RE.finditer(text):
        at = match.start()
        if text[at] in _DASHES and not (0 < at < last and text[at - 1].isspace() and text[at + 1].isspace()):
            continue  # a hyphen inside a word or a dash not set off by spaces
        breaks.append(at)
    return breaks


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


def segment(text: str, tokens: list[Token]) -> list[Segment]:
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
    token_starts = [t.start for t in tokens]
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
