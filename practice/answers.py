"""What counts as an answer we can score, and the errors a person gets otherwise."""

from __future__ import annotations

import re

from prodready.errors import InvalidInput

MAX_ANSWER_CHARS = 20_000
# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F) other than tab,
# line feed and carriage return. One regex scan: a loop over characters costs more than scoring.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_answer(text: str) -> str:
    """The answer, or an InvalidInput saying why it cannot be scored."""
    if not text or not text.strip():
        raise InvalidInput("The answer is empty. Write your answer, then ask for feedback.")
    if len(text) > MAX_ANSWER_CHARS:
        raise InvalidInput(f"The answer has {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}.")
    if _CONTROL_RE.search(text):
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
