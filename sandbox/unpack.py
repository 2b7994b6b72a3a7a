"""Safe unpacking of an uploaded project archive (.zip, .tar.gz/.tgz) before anything runs.

Every entry is checked before a byte is written: no absolute paths, no `..`, no links, no
devices or FIFOs, bounded entry count, size and compression ratio. Sizes are counted on the
bytes actually decompressed, not on what the archive headers claim, so a lying header cannot
slip a bomb through. Files are created with O_EXCL|O_NOFOLLOW in a fresh directory.
"""

from __future__ import annotations

import gzip
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sandbox.manifest import MANIFEST_NAME

_CHUNK = 64 * 1024


class UnpackError(ValueError):
    """The archive was refused; the message tells the candidate what to change."""


@dataclass(frozen=True)
class UnpackLimits:
    max_entries: int = 2_000
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: float = 100.0
    max_path_length: int = 255
    max_depth: int = 32


@dataclass(frozen=True)
class UnpackResult:
    directory: Path
    project_root: Path
    files: int
    total_bytes: int


@dataclass(frozen=True)
class _Entry:
    name: PurePosixPath
    is_dir: bool
    declared_size: int
    open: object  # () -> context manager yielding a binary stream; None for directories


def _check_name(raw: str, limits: UnpackLimits) -> PurePosixPath:
    if not raw or "\x00" in raw:
        raise UnpackError("an entry has an empty name or a NUL byte in its name")
    if "\\" in raw:
        raise UnpackError(f"{raw!r}: backslashes are not allowed in paths; create the archive with '/'")
    if len(raw) > limits.max_path_length:
        raise UnpackError(f"{raw[:60]!r}...: path longer than {limits.max_path_length} characters")
    path = PurePosixPath(raw)
    if path.is_absolute() or raw.startswith("/"):
        raise UnpackError(f"{raw!r}: absolute paths are not allowed; store paths relative to the project")
    if ".." in path.parts:
        raise UnpackError(f"{raw!r}: '..' is not allowed in paths")
    parts = [p for p in path.parts if p != "."]
    if not parts:
        raise UnpackError(f"{raw!r}: the entry has no name")
    if len(parts) > limits.max_depth:
        raise UnpackError(f"{raw!r}: directories nested deeper than {limits.max_depth} levels")
    return PurePosixPath(*parts)


def _zip_entries(archive: zipfile.ZipFile, limits: UnpackLimits) -> Iterator[_Entry]:
    for info in archive.infolist():
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if info.flag_bits & 0x1:
            raise UnpackError(f"{info.filename!r}: encrypted entries are not supported")
        if kind == stat.S_IFLNK:
            raise UnpackError(f"{info.filename!r}: symbolic links are not allowed; include the file itself")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise UnpackError(f"{info.filename!r}: only regular files and directories are allowed")
        name = _check_name(info.filename, limits)
        ratio = info.file_size / max(info.compress_size, 1)
        if not info.is_dir() and info.file_size > _CHUNK and ratio > limits.max_ratio:
            raise UnpackError(
                f"{info.filename!r}: compression ratio above {limits.max_ratio:g}:1 (possible zip bomb)"
            )
        yield _Entry(name, info.is_dir(), info.file_size, None if info.is_dir() else info)


def _tar_entries(archive: tarfile.TarFile, limits: UnpackLimits) -> Iterator[_Entry]:
    for member in archive:
        if member.issym() or member.islnk():
            raise UnpackError(f"{member.name!r}: links are not allowed; include the file itself")
        if not (member.isfile() or member.isdir()):
            raise UnpackError(f"{member.name!r}: only regular files and directories are allowed")
        yield _Entry(_check_name(member.name, limits), member.isdir(), member.size, member)


@contextmanager
def _open_archive(path: Path, limits: UnpackLimits):
    with path.open("rb") as handle:
        magic = handle.read(4)
    try:
        if magic.startswith(b"PK\x03\x04") or magic.startswith(b"PK\x05\x06"):
            with zipfile.ZipFile(path) as archive:
                if len(archive.infolist()) > limits.max_entries:
                    raise UnpackError(f"the archive has more than {limits.max_entries} entries")
                yield list(_zip_entries(archive, limits)), archive.open
        elif magic.startswith(b"\x1f\x8b"):
            with tarfile.open(path, mode="r:gz") as archive:
                entries = []
                for entry in _tar_entries(archive, limits):
                    entries.append(entry)
                    if len(entries) > limits.max_entries:
                        raise UnpackError(f"the archive has more than {limits.max_entries} entries")
                yield entries, archive.extractfile
        else:
            raise UnpackError("unsupported archive: upload a .zip or a .tar.gz (.tgz) file")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise UnpackError(f"the archive is damaged or not a valid .zip/.tar.gz: {exc}") from exc


def _copy(source: BinaryIO, target: int, budget: int, name: PurePosixPath) -> int:
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > budget:
            raise UnpackError(f"{str(name)!r}: unpacked size exceeds the limit (or the ratio cap; zip bomb?)")
        os.write(target, chunk)
    return written


def _make_dirs(root: Path, directory: Path) -> None:
    for parent in [*reversed(directory.relative_to(root).parents), directory.relative_to(root)]:
        path = root / parent
        if path.exists() and not path.is_dir():
            raise UnpackError(f"{str(parent)!r} is both a file and a directory in the archive")
        if not path.is_dir():
            path.mkdir(mode=0o755)
            path.chmod(0o755)


def _project_root(directory: Path, top_level: set[str]) -> Path:
    # A project zipped as its folder ("myproj/...") is accepted: descend into the single folder.
    if not (directory / MANIFEST_NAME).exists() and len(top_level) == 1:
        only = directory / next(iter(top_level))
        if only.is_dir() and not only.is_symlink():
            return only
    return directory


def unpack_archive(archive: Path, destination: Path, limits: UnpackLimits | None = None) -> UnpackResult:
    """Extract `archive` into `destination`, which must not exist yet; its parent must."""
    limits = limits or UnpackLimits()
    archive_size = archive.stat().st_size
    byte_cap = int(min(limits.max_total_bytes, limits.max_ratio * max(archive_size, _CHUNK)))
    with _open_archive(archive, limits) as (entries, opener):
        seen: set[PurePosixPath] = set()
        for entry in entries:
            if entry.name in seen:
                raise UnpackError(f"{str(entry.name)!r} appears twice in the archive")
            seen.add(entry.name)
        if sum(e.declared_size for e in entries if not e.is_dir) > limits.max_total_bytes:
            raise UnpackError(f"the unpacked project would exceed {limits.max_total_bytes // 2**20} MiB")
        destination.mkdir(mode=0o755)
        destination.chmod(0o755)
        total = files = 0
        top_level: set[str] = set()
        for entry in entries:
            top_level.add(entry.name.parts[0])
            target = destination.joinpath(*entry.name.parts)
            _make_dirs(destination, target if entry.is_dir else target.parent)
            if entry.is_dir:
                continue
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                fd = os.open(target, flags, 0o644)
            except FileExistsError as exc:
                raise UnpackError(f"{str(entry.name)!r} clashes with another entry") from exc
            try:
                os.fchmod(fd, 0o644)  # readable by the sandbox account whatever the umask
                with opener(entry.open) as source:
                    total += _copy(source, fd, byte_cap - total, entry.name)
            finally:
                os.close(fd)
            files += 1
    return UnpackResult(destination, _project_root(destination, top_level), files, total)
