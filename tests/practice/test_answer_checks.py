"""What the answer checks accept and refuse, for every character."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from practice.answers import clean_answer
from prodready.errors import InvalidInput


def test_exactly_the_control_characters_other_than_tab_and_newlines_are_refused():
    refused = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates never reach us in decoded text
        try:
            clean_answer(f"We ship a canary{char}and watch it.")
        except InvalidInput as exc:
            assert "control characters" in exc.detail
            refused.append(char)
    assert refused == [chr(c) for c in range(sys.maxunicode + 1)
                       if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) == "Cc"
                       and chr(c) not in "\t\n\r"]


@pytest.mark.parametrize("text", ["line one\nline two", "a\ttab", "windows\r\nline", "emoji 🚀 and ünïcode"])
def test_plain_text_passes_unchanged(text):
    assert clean_answer(text) == text
