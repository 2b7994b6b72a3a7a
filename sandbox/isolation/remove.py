"""Deleting a directory tree the sandbox wrote into, without trusting anything in it.

The candidate's code may leave, under its run directory, read-only or unreadable directories,
symlinks to platform files, sockets and very deep nesting. `remove_tree` walks with directory
descriptors and O_NOFOLLOW, so no symlink is ever followed: a link is unlinked and its target
left alone. It makes each directory readable and writable through the directory's own inode
before emptying it (a mode the candidate set cannot stop the removal), and it keeps the walk
shallow by moving too-deep directories up to the top, so nesting costs neither recursion nor
open descriptors. Entries that vanish meanwhile (another sweeper got there first) are fine.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from pathlib import Path

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_MAX_DEPTH = 32
_MAX_PASSES = 100_000


def _make_ours(fd: int) -> None:
    """u+rwx on the directory behind `fd`: its inode, never a path the sandbox could swap for a link."""
    with contextlib.suppress(OSError):  # neither ours nor root: try the removal anyway
        if stat.S_IMODE(os.fstat(fd).st_mode) & 0o700 == 0o700:
            return
        try:
            os.fchmod(fd, 0o700)
        except OSError:  # an O_PATH descriptor: change it through its /proc name, which is that inode
            os.chmod(f"/proc/self/fd/{fd}", 0o700)


def _open_dir(name: str, dir_fd: int) -> int | None:
    """The directory `name` in `dir_fd`, opened for listing and made ours; None if it is gone."""
    try:
        fd = os.open(name, _DIR, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except PermissionError:
        # unreadable (mode 0o000, say): take the inode itself, not following a link, and open it up
        try:
            path_fd = os.open(name, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
        except FileNotFoundError:
            return None
        try:
            _make_ours(path_fd)
        finally:
            os.close(path_fd)
        fd = os.open(name, _DIR, dir_fd=dir_fd)
    _make_ours(fd)
    return fd


class _Remover:
    def __init__(self, top_fd: int) -> None:
        self.top_fd = top_fd

    @staticmethod
    def _quietly(action, *args, **kwargs) -> bool:  # noqa: ANN001 - os functions
        """Whether it worked; what could not be removed shows in `remove_tree`'s result."""
        try:
            action(*args, **kwargs)
        except FileNotFoundError:
            return True  # someone else removed it
        except OSError:
            return False
        return True

    def empty(self, fd: int, depth: int) -> bool:
        """Delete everything in the directory `fd`; True when something was moved up for another pass."""
        moved = False
        with os.scandir(fd) as entries:
            listed = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
        for name, is_dir in listed:
            if not is_dir:
                self._quietly(os.unlink, name, dir_fd=fd)  # a file, socket or symlink: the link, not its target
                continue
            if depth >= _MAX_DEPTH:
                # too deep: move it to the top, where the next pass takes it at depth 1
                moved |= self._quietly(os.rename, name, f".deep-{uuid.uuid4().hex}", src_dir_fd=fd,
                                       dst_dir_fd=self.top_fd)
                continue
            try:
                child = _open_dir(name, fd)
            except OSError as exc:
                if exc.errno in (errno.ENOTDIR, errno.ELOOP):  # swapped for a file or a link since the listing
                    self._quietly(os.unlink, name, dir_fd=fd)
                continue
            if child is None:
                continue
            try:
                moved |= self.empty(child, depth + 1)
            finally:
                os.close(child)
            self._quietly(os.rmdir, name, dir_fd=fd)
        return moved


def remove_tree(path: Path) -> bool:
    """Delete `path` and everything under it without following any symlink; True when it is gone.

    The parent of `path` is the platform's own directory (the work root) and is trusted; `path`
    itself may be a symlink (then only the link goes) or a plain file.
    """
    path = Path(path)
    try:
        parent = os.open(path.parent, _DIR)
    except FileNotFoundError:
        return True
    try:
        try:
            st = os.stat(path.name, dir_fd=parent, follow_symlinks=False)
        except FileNotFoundError:
            return True
        if not stat.S_ISDIR(st.st_mode):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path.name, dir_fd=parent)
            return not os.path.lexists(path)
        try:
            top = _open_dir(path.name, parent)
        except OSError as exc:
            if exc.errno in (errno.ENOTDIR, errno.ELOOP):
                with contextlib.suppress(OSError):
                    os.unlink(path.name, dir_fd=parent)
            return not os.path.lexists(path)
        if top is None:
            return True
        try:
            remover = _Remover(top)
            for _ in range(_MAX_PASSES):
                if not remover.empty(top, 0):
                    break
        finally:
            os.close(top)
        with contextlib.suppress(OSError):  # what is left is reported by the result
            os.rmdir(path.name, dir_fd=parent)
    finally:
        os.close(parent)
    return not os.path.lexists(path)
