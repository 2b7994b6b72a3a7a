"""Resource limits of one run; defaults fit a small scikit-learn web service on a 2-core host."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class ResourceLimits:
    memory_bytes: int = 2 * GiB  # cgroup memory limit, the real cap on resident memory
    address_space_bytes: int = 4 * GiB  # RLIMIT_AS; numpy and OpenBLAS fail to import below ~1-2 GiB
    max_processes: int = 128  # RLIMIT_NPROC (threads count) and the cgroup pids limit
    file_size_bytes: int = 64 * MiB  # RLIMIT_FSIZE: no single file larger than this
    open_files: int = 256
    cpu_seconds: int = 600  # RLIMIT_CPU per process; the wall-clock deadline comes first
    cpu_cores: float = 1.0  # cgroup CPU quota
    tmp_bytes: int = 256 * MiB  # size of the private /tmp
    log_bytes: int = 64 * 1024  # service output kept: first half and last half
