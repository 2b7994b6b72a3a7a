"""Safe unpack: malicious archives are built in code and must be refused before anything is written."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from sandbox.unpack import UnpackError, UnpackLimits, unpack_archive

MANIFEST = b'[service]\ncommand = ["python", "-m", "uvicorn", "app:app", "--uds", "{socket}"]\n'


def make_zip(path: Path, entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def make_tgz(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def tar_file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def tar_special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, None


def test_zip_project_unpacks(tmp_path):
    archive = make_zip(tmp_path / "p.zip", {"prodready-service.toml": MANIFEST, "app/main.py": b"x = 1\n"})
    result = unpack_archive(archive, tmp_path / "out")
    assert result.files == 2 and result.project_root == tmp_path / "out"
    assert (tmp_path / "out/app/main.py").read_bytes() == b"x = 1\n"
    assert stat.S_IMODE((tmp_path / "out/app/main.py").stat().st_mode) == 0o644


def test_tgz_with_single_top_folder_finds_the_project_root(tmp_path):
    archive = make_tgz(
        tmp_path / "p.tgz",
        [tar_file("proj/prodready-service.toml", MANIFEST), tar_file("proj/app.py", b"app = None\n")],
    )
    result = unpack_archive(archive, tmp_path / "out")
    assert result.project_root == tmp_path / "out" / "proj"


@pytest.mark.parametrize("name", ["../evil.py", "app/../../evil.py", "/etc/cron.d/evil", "a\\..\\evil"])
def test_zip_path_traversal_is_refused(tmp_path, name):
    archive = make_zip(tmp_path / "p.zip", {"ok.py": b"", name: b"boom"})
    with pytest.raises(UnpackError, match="not allowed"):
        unpack_archive(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil.py").exists()


@pytest.mark.parametrize("name", ["../evil.py", "/tmp/evil.py"])
def test_tar_path_traversal_is_refused(tmp_path, name):
    archive = make_tgz(tmp_path / "p.tgz", [tar_file(name, b"boom")])
    with pytest.raises(UnpackError, match="not allowed"):
        unpack_archive(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_tar_symlink_to_etc_passwd_is_refused(tmp_path):
    archive = make_tgz(tmp_path / "p.tgz", [tar_special("passwd", tarfile.SYMTYPE, "/etc/passwd")])
    with pytest.raises(UnpackError, match="links are not allowed"):
        unpack_archive(archive, tmp_path / "out")


def test_tar_hardlink_is_refused(tmp_path):
    archive = make_tgz(
        tmp_path / "p.tgz", [tar_file("a.txt", b"a"), tar_special("b.txt", tarfile.LNKTYPE, "a.txt")]
    )
    with pytest.raises(UnpackError, match="links are not allowed"):
        unpack_archive(archive, tmp_path / "out")


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_tar_devices_and_fifos_are_refused(tmp_path, kind):
    archive = make_tgz(tmp_path / "p.tgz", [tar_special("dev", kind)])
    with pytest.raises(UnpackError, match="only regular files"):
        unpack_archive(archive, tmp_path / "out")


def test_zip_symlink_entry_is_refused(tmp_path):
    info = zipfile.ZipInfo("passwd")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "p.zip", "w") as archive:
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(UnpackError, match="symbolic links"):
        unpack_archive(tmp_path / "p.zip", tmp_path / "out")


def test_zip_bomb_is_refused_by_ratio(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"zeros.bin": b"\0" * (20 * 1024 * 1024)})
    assert archive.stat().st_size < 100_000
    with pytest.raises(UnpackError, match="zip bomb"):
        unpack_archive(archive, tmp_path / "out")


def test_zip_bomb_with_lying_header_is_cut_while_decompressing(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"zeros.bin": b"\0" * (4 * 1024 * 1024)})
    data = bytearray(archive.read_bytes())
    # Rewrite the declared sizes in the central directory so the header check passes.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    with pytest.raises(UnpackError):
        unpack_archive(archive, tmp_path / "out")


def test_tgz_bomb_is_cut_by_total_size(tmp_path):
    archive = make_tgz(tmp_path / "bomb.tgz", [tar_file("zeros.bin", b"\0" * (8 * 1024 * 1024))])
    with pytest.raises(UnpackError, match="exceed|limit"):
        unpack_archive(archive, tmp_path / "out", UnpackLimits(max_total_bytes=1024 * 1024))


def test_too_many_entries_is_refused(tmp_path):
    archive = make_zip(tmp_path / "many.zip", {f"f{i}.txt": b"" for i in range(60)})
    with pytest.raises(UnpackError, match="more than 50 entries"):
        unpack_archive(archive, tmp_path / "out", UnpackLimits(max_entries=50))


def test_duplicate_names_are_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "dup.zip", "w") as archive:
        archive.writestr("a.py", "1")
        with pytest.warns(UserWarning):
            archive.writestr("a.py", "2")
    with pytest.raises(UnpackError, match="twice"):
        unpack_archive(tmp_path / "dup.zip", tmp_path / "out")


def test_not_an_archive_is_refused(tmp_path):
    (tmp_path / "x.zip").write_bytes(b"hello world")
    with pytest.raises(UnpackError, match="unsupported archive"):
        unpack_archive(tmp_path / "x.zip", tmp_path / "out")


def test_damaged_archive_is_refused(tmp_path):
    (tmp_path / "x.tgz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(UnpackError, match="damaged"):
        unpack_archive(tmp_path / "x.tgz", tmp_path / "out")


def test_destination_must_be_fresh(tmp_path):
    archive = make_zip(tmp_path / "p.zip", {"a.py": b""})
    (tmp_path / "out").mkdir()
    with pytest.raises(FileExistsError):
        unpack_archive(archive, tmp_path / "out")
