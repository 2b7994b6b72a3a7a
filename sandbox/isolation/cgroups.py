"""Per-run cgroups for memory, pids and CPU: v2 where its controllers are delegated, else v1.

Machines differ: some mount a unified hierarchy with every controller, others (like a VM with
a v1 layout) have writable v1 controllers and an empty v2. Detection looks at what is mounted
and what can actually be written; nothing is assumed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PARENT = "prodready-sandbox"
_V1_NEEDED = ("memory", "pids", "cpu")


def _mounts() -> list[tuple[str, str, set[str]]]:
    found = []
    with open("/proc/self/mounts") as mounts:
        for line in mounts:
            _, where, kind, options, *_ = line.split()
            if kind in ("cgroup", "cgroup2"):
                found.append((kind, where, set(options.split(","))))
    return found


def _writable(directory: Path) -> bool:
    probe = directory / PARENT
    try:
        probe.mkdir(exist_ok=True)
        return os.access(probe / "cgroup.procs", os.W_OK)
    except OSError:
        return False


@dataclass
class CgroupLayout:
    version: int
    roots: dict[str, Path] = field(default_factory=dict)  # controller -> directory of the parent group
    reason: str = ""


def detect() -> CgroupLayout | None | str:
    """The writable layout, or a string saying why there is none."""
    mounts = _mounts()
    for kind, where, _ in mounts:
        if kind != "cgroup2":
            continue
        controllers = (
            set(Path(where, "cgroup.controllers").read_text().split())
            if Path(where, "cgroup.controllers").exists()
            else set()
        )
        if {"memory", "pids", "cpu"} <= controllers and _writable(Path(where)):
            root = Path(where) / PARENT
            with contextlib.suppress(OSError):
                (Path(where) / "cgroup.subtree_control").write_text("+memory +pids +cpu")
                (root / "cgroup.subtree_control").write_text("+memory +pids +cpu")
            return CgroupLayout(2, dict.fromkeys(_V1_NEEDED, root), f"cgroup v2 at {where}")
    v1 = {}
    for kind, where, options in mounts:
        for controller in ("memory", "pids", "cpu", "cpuacct"):
            if kind == "cgroup" and controller in options and _writable(Path(where)):
                v1.setdefault(controller, Path(where) / PARENT)
    if all(c in v1 for c in _V1_NEEDED):
        return CgroupLayout(1, v1, "cgroup v1 controllers " + ", ".join(sorted(v1)) + " writable")
    v2_note = "v2 has no memory/pids/cpu controllers or is not writable"
    missing = [c for c in _V1_NEEDED if c not in v1]
    return f"{v2_note}; v1 controllers missing or read-only: {', '.join(missing)}"


@dataclass
class RunCgroup:
    layout: CgroupLayout
    name: str
    dirs: list[Path] = field(default_factory=list)

    def create(self, memory_bytes: int, max_pids: int, cpu_cores: float) -> None:
        period = 100_000
        for controller, root in self.layout.roots.items():
            directory = root / self.name
            if directory in self.dirs:
                continue
            directory.mkdir()
            self.dirs.append(directory)
            if self.layout.version == 2:
                (directory / "memory.max").write_text(str(memory_bytes))
                with contextlib.suppress(OSError):
                    (directory / "memory.swap.max").write_text("0")
                (directory / "pids.max").write_text(str(max_pids))
                (directory / "cpu.max").write_text(f"{int(cpu_cores * period)} {period}")
            elif controller == "memory":
                (directory / "memory.limit_in_bytes").write_text(str(memory_bytes))
                with contextlib.suppress(OSError):
                    (directory / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            elif controller == "pids":
                (directory / "pids.max").write_text(str(max_pids))
            elif controller == "cpu":
                (directory / "cpu.cfs_period_us").write_text(str(period))
                (directory / "cpu.cfs_quota_us").write_text(str(int(cpu_cores * period)))

    def add(self, pid: int) -> None:
        for directory in self.dirs:
            (directory / "cgroup.procs").write_text(str(pid))

    def pids(self) -> set[int]:
        found: set[int] = set()
        for directory in self.dirs:
            with contextlib.suppress(OSError):
                found |= {int(p) for p in (directory / "cgroup.procs").read_text().split()}
        return found

    def kill_all(self, timeout: float = 5.0) -> bool:
        """SIGKILL every member until the group is empty; True when it emptied in time."""
        deadline = time.monotonic() + timeout
        while (members := self.pids()) and time.monotonic() < deadline:
            for pid in members:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)
        return not self.pids()

    def usage(self) -> dict[str, int]:
        def read(controller: str, filename: str) -> list[str]:
            with contextlib.suppress(OSError, KeyError):
                return (self.layout.roots[controller] / self.name / filename).read_text().split()
            return []

        def keyed(words: list[str], key: str) -> int:
            return int(words[words.index(key) + 1]) if key in words else 0

        if self.layout.version == 2:
            memory_events = read("memory", "memory.events")
            peak, cpu = read("memory", "memory.peak"), read("cpu", "cpu.stat")
            stats = {
                "memory_limit_hits": keyed(memory_events, "max"),
                "oom_kills": keyed(memory_events, "oom_kill"),
                "cpu_usage_ns": keyed(cpu, "usage_usec") * 1000,
            }
        else:
            peak, cpu = read("memory", "memory.max_usage_in_bytes"), read("cpuacct", "cpuacct.usage")
            hits = read("memory", "memory.failcnt") + read("memory", "memory.memsw.failcnt")
            stats = {
                "memory_limit_hits": sum(int(h) for h in hits),
                "oom_kills": keyed(read("memory", "memory.oom_control"), "oom_kill"),
                "cpu_usage_ns": int(cpu[0]) if cpu else 0,
            }
        stats["memory_peak_bytes"] = int(peak[0]) if peak else 0
        stats["pids_limit_hits"] = keyed(read("pids", "pids.events"), "max")
        return stats

    def remove(self) -> None:
        for directory in self.dirs:
            with contextlib.suppress(OSError):
                directory.rmdir()


def group_names(layout: CgroupLayout) -> set[str]:
    """The run groups that exist under the parent group, in any controller."""
    names: set[str] = set()
    for root in layout.roots.values():
        with contextlib.suppress(OSError):
            names |= {d.name for d in root.iterdir() if d.is_dir()}
    return names


def group_modified(layout: CgroupLayout, name: str) -> datetime | None:
    """When a run group was made (its directories' latest change), or None when it is gone."""
    times = []
    for root in layout.roots.values():
        with contextlib.suppress(OSError):
            times.append((root / name).stat().st_mtime)
    return datetime.fromtimestamp(max(times), UTC) if times else None


def remove_groups(layout: CgroupLayout, names: set[str] | list[str]) -> None:
    """Kill every process of these run groups and remove them; groups already gone are skipped."""
    for name in sorted(names):
        dirs = [root / name for root in layout.roots.values() if (root / name).is_dir()]
        group = RunCgroup(layout, name, dirs)
        group.kill_all()
        group.remove()


def sweep(layout: CgroupLayout, keep: frozenset[str] = frozenset()) -> list[str]:
    """Kill and remove run groups left by a worker that died; call at worker start. Returns their names."""
    stale = sorted(group_names(layout) - keep)
    remove_groups(layout, stale)
    return stale
