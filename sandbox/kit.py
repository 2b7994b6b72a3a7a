"""Writing a task's starter kit to a directory."""

from __future__ import annotations

from pathlib import Path

from sandbox.tasks import get_task


class KitError(ValueError):
    pass


def write_kit(task_id: str, directory: Path) -> list[Path]:
    """Write every kit file of `task_id` under `directory` (created if needed); returns the paths.

    Refuses a directory that already has files in it, so a kit never silently overwrites work.
    """
    task = get_task(task_id)
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise KitError(f"{directory} is not empty; choose a new directory for the kit")
    written = []
    for relative, content in sorted(task.kit_files().items()):
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written
