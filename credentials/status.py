"""Revocation through W3C Bitstring Status Lists.

Each credential takes a random free slot in a list of 131,072 bits (16 KiB, the spec's
minimum, so one holder's slot tells little about who else is in the list). Revoking sets
the bit. The list is served as a `BitstringStatusListCredential` (VC data model 2.0) secured
as a VC-JWT by the same issuer keys, so a verifier checks it with the same JWKS; the
`encodedList` is the GZIP-compressed bitstring, base64url without padding, with the
multibase prefix `u`. Bit 0 is the most significant bit of the first byte.
"""

from __future__ import annotations

import base64
import gzip
import secrets as _random
import zlib

from sqlmodel import Session, func, select

from credentials.models import IssuedCredential

LIST_BITS = 131_072
MAX_LIST_BYTES = 16 * 1_048_576  # refuse lists that decompress beyond this (a gzip bomb)
FILL_LIMIT = LIST_BITS // 2  # a fuller list makes random free slots slow to find: open a new one


def allocate_slot(session: Session) -> tuple[str, int]:
    newest = session.exec(select(IssuedCredential.status_list_id, func.count())
                          .group_by(IssuedCredential.status_list_id)
                          .order_by(func.max(IssuedCredential.issued_at).desc())).first()
    list_id = newest[0] if newest and newest[1] < FILL_LIMIT else _random.token_hex(8)
    while True:
        index = _random.randbelow(LIST_BITS)
        taken = session.exec(select(IssuedCredential.id).where(IssuedCredential.status_list_id == list_id,
                                                               IssuedCredential.status_index == index)).first()
        if taken is None:
            return list_id, index


def revoked_indexes(session: Session, list_id: str) -> list[int]:
    return list(session.exec(select(IssuedCredential.status_index).where(
        IssuedCredential.status_list_id == list_id, IssuedCredential.revoked_at.is_not(None))).all())  # type: ignore[union-attr]


def list_exists(session: Session, list_id: str) -> bool:
    found = session.exec(select(IssuedCredential.id).where(IssuedCredential.status_list_id == list_id)).first()
    return found is not None


def encode_list(indexes: list[int], bits: int = LIST_BITS) -> str:
    raw = bytearray(bits // 8)
    for index in indexes:
        raw[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the encoding (and so the ETag) stable for the same bits
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(raw), mtime=0)).decode().rstrip("=")


def bit_is_set(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u')")
    body = encoded[1:]
    inflater = zlib.decompressobj(wbits=31)
    raw = inflater.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), MAX_LIST_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("the status list is too large")
    if index < 0 or index >= len(raw) * 8:
        raise ValueError("statusListIndex is outside the list")
    return bool(raw[index // 8] & (0x80 >> (index % 8)))
