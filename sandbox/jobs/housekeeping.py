"""Housekeeping of the sandbox's files, from the periodic reaper loop of every worker.

Uploaded archives (DATA_DIR/sandbox/uploads/<run id><suffix>): kept while their run is queued or
running, since a worker reads them, and for PRODREADY_SANDBOX_UPLOAD_RETENTION_HOURS after the run
finished in any way; then the run's `archive_path` is cleared (so the run says its archive is gone)
and the file deleted. A file no run refers to (a request that failed between storing the upload and
committing its run, an upload cut off half-way) goes once it is older than the retention, and never
before an hour: the request that stored it may still be about to commit the run that names it.

Run directories (WORK_ROOT/run-<run id>-<4 hex>, see `sandbox.execute.run_dir_name`): a worker
deletes its own when a run ends, but one that died (SIGKILL, a crash, the machine) leaves it. A
directory, and any cgroup of the same name, is removed once its run is not running under a live
lease and has shown no sign of life (a heartbeat, its end) for a lease period, which leaves a
cancelled run's worker the time to notice and tear down itself. A directory whose run this database
does not know (another installation sharing the work root, `prodready sandbox run`) is removed only
once it is a day old: no run lasts that long. The latency baseline's reference runs
(`run-baseline-…`, see sandbox/baseline.py) end within minutes, so their directories and cgroups go
once they are an hour old: a worker that died while measuring one leaves nothing running past that.
Removal never follows a symlink the candidate planted.

Every decision reads the database after the files were listed: a run claimed after the listing has
no directory in it, and a run created after it has an upload too young to be taken for an orphan.
Several workers sweeping at once only race to delete the same things, which is harmless.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select, update

from prodready.db import Database, utcnow
from prodready.observability import get_logger
from prodready.settings import Settings
from sandbox.execute import BASELINE_RUN_NAME, RUN_DIR_NAME
from sandbox.isolation import cgroups
from sandbox.isolation.remove import remove_tree
from sandbox.jobs import uploads
from sandbox.models import FINISHED, RunStatus, SandboxRun

log = get_logger("sandbox.jobs")

UPLOADS = "sandbox/uploads"  # under DATA_DIR, as `SandboxRun.archive_path` names them
ORPHAN_MIN_AGE = timedelta(hours=1)
UNKNOWN_RUN_DIR_AGE = timedelta(days=1)
BASELINE_RUN_AGE = timedelta(hours=1)  # a baseline run's deadlines are minutes
_RUN_ID = re.compile(r"[0-9a-f]{32}")
_CHUNK = 500
_T = SandboxRun.__table__.c  # type: ignore[attr-defined]


def _rows(database: Database, run_ids: Iterable[str], *columns: Any) -> dict[str, Any]:
    ids, found = sorted(set(run_ids)), {}
    with database.unit_of_work(write=False) as session:
        for start in range(0, len(ids), _CHUNK):
            for row in session.execute(select(_T.id, *columns).where(_T.id.in_(ids[start:start + _CHUNK]))):
                found[row.id] = row
    return found


def _mtime(st: os.stat_result) -> datetime:
    return datetime.fromtimestamp(st.st_mtime, UTC)


# Uploaded archives


@dataclass
class UploadSweep:
    expired: list[str] = field(default_factory=list)  # runs whose archive was deleted after the retention
    orphans: list[str] = field(default_factory=list)  # files no run referred to, deleted


def upload_run_id(name: str) -> str | None:
    """The run id an upload file is named after; None for anything else (such as `.incoming-...`)."""
    for suffix in uploads.SUFFIXES:
        if name.endswith(suffix) and _RUN_ID.fullmatch(name[: -len(suffix)]):
            return name[: -len(suffix)]
    return None


def _list_uploads(directory: Path) -> dict[str, datetime]:
    """Files (and links) in the uploads directory with their modification time; directories are not ours."""
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return {}
    found = {}
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False):
                found[entry.name] = _mtime(entry.stat(follow_symlinks=False))
        except FileNotFoundError:
            continue
    return found


def _forget_archive(database: Database, run_id: str, archive_path: str) -> bool:
    """Clear the finished run's `archive_path`; False when another sweeper did (or the run is not finished)."""
    where = and_(_T.id == run_id, _T.archive_path == archive_path, _T.status.in_(list(FINISHED)))
    with database.unit_of_work() as session:
        return session.execute(update(SandboxRun).where(where).values(archive_path=None)).rowcount == 1


def sweep_uploads(database: Database, settings: Settings, *, now: datetime | None = None) -> UploadSweep:
    now = now or utcnow()
    directory = settings.data_dir / UPLOADS
    files = _list_uploads(directory)  # listed before the runs are read: see the module's docstring
    rows = _rows(database, filter(None, map(upload_run_id, files)),
                 _T.status, _T.archive_path, _T.finished_at, _T.created_at)
    retention = timedelta(hours=settings.sandbox_upload_retention_hours)
    orphan_before = now - max(retention, ORPHAN_MIN_AGE)
    swept = UploadSweep()
    for name, modified in sorted(files.items()):
        run_id = upload_run_id(name)
        row = rows.get(run_id) if run_id else None
        if row is not None and row.status not in FINISHED:
            continue  # queued or running: a worker is about to read it, or reading it
        if row is not None and row.archive_path == f"{UPLOADS}/{name}":
            if (row.finished_at or row.created_at) > now - retention:
                continue
            # the run records it first: a crash before the unlink leaves an orphan the next pass deletes
            if _forget_archive(database, row.id, row.archive_path):
                (directory / name).unlink(missing_ok=True)
                swept.expired.append(row.id)
            continue
        if modified <= orphan_before:
            (directory / name).unlink(missing_ok=True)  # a link is unlinked, never its target
            swept.orphans.append(name)
    return swept


# Run directories


@dataclass
class RunDirSweep:
    directories: list[str] = field(default_factory=list)  # removed
    cgroups: list[str] = field(default_factory=list)  # killed and removed
    left: list[str] = field(default_factory=list)  # stale, but something in them could not be removed


def _still_alive(row: Any, now: datetime, grace: timedelta) -> bool:
    if row.status == RunStatus.RUNNING and row.lease_expires_at is not None and row.lease_expires_at >= now:
        return True
    signs = [when for when in (row.heartbeat_at, row.finished_at) if when is not None]
    return bool(signs) and max(signs) > now - grace


def sweep_run_dirs(database: Database, work_root: Path, *, grace_seconds: float,
                   cgroup_layout: cgroups.CgroupLayout | None = None, now: datetime | None = None) -> RunDirSweep:
    """Remove run directories (and cgroups) whose run is no longer running under a live lease."""
    now = now or utcnow()
    directories: dict[str, tuple[str | None, datetime]] = {}
    try:
        entries = list(os.scandir(work_root))
    except FileNotFoundError:
        entries = []
    for entry in entries:
        try:
            if entry.name.startswith("run-") and entry.is_dir(follow_symlinks=False):
                match = RUN_DIR_NAME.fullmatch(entry.name)
                directories[entry.name] = (match[1] if match else None, _mtime(entry.stat(follow_symlinks=False)))
        except FileNotFoundError:
            continue
    names = cgroups.group_names(cgroup_layout) if cgroup_layout else set()
    groups = {name: match[1] for name in names if (match := RUN_DIR_NAME.fullmatch(name))}
    baseline_groups = sorted(name for name in names if BASELINE_RUN_NAME.fullmatch(name))
    run_ids = {run_id for run_id, _ in directories.values() if run_id} | set(groups.values())
    if not run_ids and not directories and not baseline_groups:
        return RunDirSweep()
    # read after listing: a directory made after its run was claimed is seen with that claim
    rows = _rows(database, run_ids, _T.status, _T.lease_expires_at, _T.heartbeat_at, _T.finished_at)
    grace = timedelta(seconds=grace_seconds)
    swept = RunDirSweep()
    for name, (run_id, modified) in sorted(directories.items()):
        row = rows.get(run_id) if run_id else None
        if row is not None and _still_alive(row, now, grace):
            continue
        if row is None and modified > now - _unknown_age(name):
            continue  # not a run of this database: only once no run could still be using it
        (swept.directories if remove_tree(work_root / name) else swept.left).append(name)
    stale_groups = [name for name, run_id in groups.items()
                    if run_id in rows and not _still_alive(rows[run_id], now, grace)]
    if cgroup_layout is not None:
        stale_groups += [name for name in baseline_groups
                         if (made := cgroups.group_modified(cgroup_layout, name)) is not None
                         and made <= now - BASELINE_RUN_AGE]
        if stale_groups:
            cgroups.remove_groups(cgroup_layout, stale_groups)
            swept.cgroups = sorted(stale_groups)
    return swept


def _unknown_age(name: str) -> timedelta:
    """How old a directory no run of this database names must be before it goes."""
    return BASELINE_RUN_AGE if BASELINE_RUN_NAME.fullmatch(name) else UNKNOWN_RUN_DIR_AGE


@functools.cache
def _cgroup_layout() -> cgroups.CgroupLayout | None:
    layout = cgroups.detect()
    return layout if isinstance(layout, cgroups.CgroupLayout) else None


def work_root(settings: Settings) -> Path:
    from sandbox.cli_run import default_work_root

    return Path(settings.sandbox_work_root or default_work_root()).absolute()


def housekeep(database: Database, settings: Settings) -> None:
    """One pass of both sweeps; a failure of one is logged and does not stop the other."""
    try:
        swept = sweep_uploads(database, settings)
        if swept.expired or swept.orphans:
            log.info("sandbox uploads deleted", expired_runs=len(swept.expired), orphans=len(swept.orphans))
    except Exception:
        log.warning("sandbox upload sweep failed", exc_info=True)
    try:
        dirs = sweep_run_dirs(database, work_root(settings), grace_seconds=settings.sandbox_lease_seconds,
                              cgroup_layout=_cgroup_layout())
        if dirs.directories or dirs.cgroups or dirs.left:
            log.info("sandbox run directories swept", removed=dirs.directories, cgroups=dirs.cgroups,
                     not_removed=dirs.left)
    except Exception:
        log.warning("sandbox run directory sweep failed", exc_info=True)
