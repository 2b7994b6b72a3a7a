"""Service output, read from a pipe and capped: the head and the tail are kept, the middle dropped."""

from __future__ import annotations

import contextlib
import os
import threading


class CappedLog:
    def __init__(self, fd: int, cap: int) -> None:
        self._fd = fd
        self._half = max(cap // 2, 1)
        self._head = bytearray()
        self._tail = bytearray()
        self.dropped = 0
        self._lock = threading.Lock()
        self._done = threading.Event()

    def pump(self) -> None:
        try:
            while chunk := os.read(self._fd, 65536):
                with self._lock:
                    room = self._half - len(self._head)
                    self._head += chunk[:room]
                    self._tail += chunk[max(room, 0) :]
                    if len(self._tail) > self._half:
                        self.dropped += len(self._tail) - self._half
                        del self._tail[: len(self._tail) - self._half]
        except OSError:
            pass
        finally:
            self._done.set()

    def close(self, wait: float = 2.0) -> None:
        self._done.wait(wait)
        with contextlib.suppress(OSError):
            os.close(self._fd)

    def text(self) -> str:
        with self._lock:
            head = self._head.decode("utf-8", "replace")
            tail = self._tail.decode("utf-8", "replace")
        if self.dropped:
            return f"{head}\n[... {self.dropped} bytes of output dropped ...]\n{tail}"
        return head + tail
