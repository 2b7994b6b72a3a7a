"""What counts as an answer we can score, and the errors a person gets otherwise."""

from __future__ import annotations

import unicodedata

from prodready.errors import InvalidInput

MAX_ANSWER_CHARS = 20_000
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def clean_answer(text: str) -> str:
    """The answer, or an InvalidInput saying why it cannot be scored."""
    if not text or not text.strip():
        raise InvalidInput("The answer is empty. Write your answer, then ask for feedback.")
    if len(text) > MAX_ANSWER_CHARS:
        raise InvalidInput(f"The answer has {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}.")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    if controls:
        raise InvalidInput("The answer contains binary data (control characters); send plain text.")
    return text


def decode_answer_bytes(raw: bytes) -> str:
    """Text from a file or upload: UTF-8 only, with a clear error otherwise."""
    if b"\x00" in raw:
        raise InvalidInput("The answer file is binary, not text.")
    try:
        return clean_answer(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"The answer is not UTF-8 text (byte {exc.start} cannot be decoded).") from exc
