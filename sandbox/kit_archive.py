"""A task's starter kit as one zip, for download. Built once per task and process."""

from __future__ import annotations

import functools
import io
import zipfile

from sandbox.tasks import get_task

# Fixed timestamps: the same kit always zips to the same bytes (cacheable, comparable).
_EPOCH = (2026, 1, 1, 0, 0, 0)


@functools.cache
def kit_zip(task_id: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relative, content in sorted(get_task(task_id).kit_files().items()):
            info = zipfile.ZipInfo(f"{task_id}/{relative}", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def task_summary(task_id: str) -> str:
    """The task's one-line summary: its `summary` attribute, else its module's first docstring line."""
    import sys

    task = get_task(task_id)
    summary = getattr(task, "summary", None) or (sys.modules[type(task).__module__].__doc__ or "")
    return summary.strip().splitlines()[0].replace("`", "") if summary.strip() else task.title
