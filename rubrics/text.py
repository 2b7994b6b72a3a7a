"""Tokens and segments with character offsets into the original answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import snowballstemmer

# Hyphens split tokens ("re-train" -> "re", "train") so phrases match either spelling;
# slashes and inner dots stay ("A/B", "0.2", "p99").
_TOKEN_RE = re.compile(r"[^\W_]+(?:[/'’.][^\W_]+)*")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[*]?[A-Z0-9])")
_BULLET_RE = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+")
_CLAUSE_BREAK_RE = re.compile(r"[,;:.!?()\n]|\s[-–—]\s")
CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "whereas", "instead", "yet"})

_stemmer = snowballstemmer.stemmer("english")


_STEMS: dict[str, str] = {}
_MAX_STEMS = 200_000


def stem(word: str) -> str:
    cached = _STEMS.get(word)
    if cached is None:
        if len(_STEMS) >= _MAX_STEMS:
            _STEMS.clear()
        cached = _STEMS[word] = _stemmer.stemWord(word.replace("’", "'"))
    return cached


class Token(NamedTuple):  # a tuple: answers have thousands of tokens and tuples build fastest
    text: str  # lower-cased
    start: int
    end: int
    stem: str
    clause: int  # tokens with the same clause id are not separated by punctuation or "but"


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
    breaks = [m.start() for m in _CLAUSE_BREAK_RE.finditer(text)]
    stems = _STEMS
    tokens: list[Token] = []
    clause = 0
    next_break = 0
    for match in _TOKEN_RE.finditer(text):
        start = match.start()
        word = match.group().lower()
        crossed = False
        while next_break < len(breaks) and breaks[next_break] < start:
            next_break += 1
            crossed = True
        if crossed or word in CLAUSE_WORDS:
            clause += 1
        stemmed = stems.get(word) or stem(word)
        tokens.append(Token(word, start, match.end(), stemmed, clause))
    return tokens


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
    index = 0
    for start, end, bullet in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        while index < len(tokens) and tokens[index].start < start:
            index += 1
        first = index
        while index < len(tokens) and tokens[index].start < end:
            index += 1
        if index == first:
            continue  # punctuation only
        segments.append(Segment(start, end, text[start:end], first, index, bullet))
    return segments


def word_count(text: str) -> int:
    return sum(1 for _ in _TOKEN_RE.finditer(text))
