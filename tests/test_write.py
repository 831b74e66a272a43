"""Writing outputs: whole files only, the umask's permissions, regular files only, OS errors as write_failed."""

from __future__ import annotations

import errno
import os
import re
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import WriteFailed
from pipeline.stages.write import append_line, atomic_file, make_subdir, open_regular, remove_file, write_atomic


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_permissions_not_a_temporary_files(tmp_path: Path, umask_022: None) -> None:
    path = write_atomic(tmp_path / "new" / "plan.json", "{}")
    assert mode(path) == 0o644 and mode(path.parent) == 0o755
    append_line(tmp_path / "errors.jsonl", "{}\n")
    assert mode(tmp_path / "errors.jsonl") == 0o644
    os.umask(0o077)
    assert mode(write_atomic(tmp_path / "private.json", "{}")) == 0o600


def test_a_file_appears_whole_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target) as f:
        f.write(b"half of a new")
        raise RuntimeError("killed mid-way")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


@pytest.mark.parametrize("kind", ["link", "fifo", "folder", "socket"])
def test_only_regular_files_are_written_or_replaced(tmp_path: Path, kind: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "out.json"
    if kind == "link":
        target.symlink_to(victim)
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
    what = {"link": "a symbolic link", "fifo": "a FIFO (named pipe)", "folder": "a folder", "socket": "a socket"}
    with pytest.raises(WriteFailed, match=re.escape(f"is {what[kind]}; vnplan writes only regular files")):
        write_atomic(target, "{}")
    with pytest.raises(WriteFailed):
        append_line(target, "{}\n")
    assert victim.read_text() == "keep me"
    assert not stat.S_ISREG(os.lstat(target).st_mode)  # still what it was: never replaced by a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "victim.txt"]  # no temporary file left


def test_a_device_is_never_replaced(tmp_path: Path) -> None:
    """`-o /dev/null` run as root must not replace the system's /dev/null with a regular file."""
    null = Path("/dev/null")
    before = null.lstat()
    with pytest.raises(WriteFailed, match="is a device; vnplan writes only regular files"):
        write_atomic(null, "report")
    after = null.lstat()
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_an_append_through_a_planted_link_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "errors.jsonl").symlink_to(victim)
    with pytest.raises(WriteFailed, match="a symbolic link, not followed"):
        append_line(tmp_path / "errors.jsonl", "{}\n")
    with pytest.raises(WriteFailed, match="a symbolic link, not followed"):
        open_regular(tmp_path / "errors.jsonl", os.O_RDWR)
    assert victim.read_text() == "keep me"


def test_a_link_where_a_subfolder_goes_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "review").symlink_to(elsewhere)
    with pytest.raises(WriteFailed, match="is a symbolic link, not a folder"):
        make_subdir(tmp_path / "out" / "review")
    assert make_subdir(tmp_path / "out" / "fresh").is_dir()


def test_remove_file_removes_regular_files_only(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "link.json").symlink_to(victim)
    (tmp_path / "real.json").write_text("{}")
    assert remove_file(tmp_path / "link.json") is False and victim.exists()
    assert remove_file(tmp_path / "real.json") is True and not (tmp_path / "real.json").exists()
    assert remove_file(tmp_path / "never.json") is False


def test_os_errors_are_write_failed_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(WriteFailed, match="is a file, not a folder") as where:
        write_atomic(a_file / "plan.json", "{}")
    assert where.value.path == str(a_file)
    with pytest.raises(WriteFailed, match="File name too long"):
        write_atomic(tmp_path / ("x" * 300 + ".json"), "{}")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteFailed, match="No space left on device") as info:
        write_atomic(tmp_path / "plan.json", "{}")
    assert info.value.code == "write_failed" and info.value.path == str(tmp_path / "plan.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # the temporary file is gone too


def test_a_read_only_folder_is_write_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root no folder is read-only to us, so the file system's answer is played: EROFS from open."""
    real_open = os.open

    def read_only(path: str, flags: int, mode: int = 0o777, **kw: object) -> int:
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(WriteFailed, match="Read-only file system"):
        write_atomic(tmp_path / "plan.json", "{}")
