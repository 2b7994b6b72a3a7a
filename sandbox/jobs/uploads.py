"""Uploaded project archives: streamed to DATA_DIR/sandbox/uploads with a size cap and a sha256."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from prodready.errors import InvalidInput, PayloadTooLarge

SUFFIXES = (".tar.gz", ".tgz", ".zip")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredUpload:
    path: Path  # a temporary name until the run exists
    sha256: str
    size: int
    suffix: str


def archive_suffix(filename: str | None) -> str:
    name = (filename or "").lower()
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return suffix
    raise InvalidInput("Upload the project as a .zip, .tar.gz or .tgz archive.")


def store_upload(stream: BinaryIO, filename: str | None, *, uploads_dir: Path, max_bytes: int) -> StoredUpload:
    suffix = archive_suffix(filename)
    uploads_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = uploads_dir / f".incoming-{uuid.uuid4().hex}{suffix}"
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "xb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"The archive is larger than {max_bytes} bytes.")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise InvalidInput("The uploaded archive is empty.")
    return StoredUpload(path=path, sha256=digest.hexdigest(), size=size, suffix=suffix)


def keep(upload: StoredUpload, destination: Path) -> None:
    os.replace(upload.path, destination)


def discard(upload: StoredUpload) -> None:
    upload.path.unlink(missing_ok=True)


def still_stored(data_dir: Path, archive_path: str | None) -> bool:
    """Whether a run's archive is still on disk. Housekeeping clears `archive_path` when it deletes the file,
    but a file removed any other way (by hand, a volume restored without it) leaves the path behind."""
    return archive_path is not None and (data_dir / archive_path).is_file()
