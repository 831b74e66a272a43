"""Write: one JSON per document, atomically; and the file primitives every vnplan output goes through.

The same rules hold for results, the batch's manifest and error log, audits, review pages and exports:
- a file appears whole or not at all: it is written to a temporary file in the same folder, under a fresh random
  name created exclusively (so nothing planted at that name is followed), then renamed over the destination;
- a new file gets the permissions of any new file (0666 less the umask), not the 0600 of a private temporary file;
- only regular files are written or replaced: a destination that is a symbolic link, a device, a FIFO or a folder
  is refused with `write_failed`, never followed and never replaced;
- an error of the operating system (disk full, read-only folder, name too long, a file where a folder is needed) is
  `write_failed` with the system's reason, not a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

from pipeline.errors import WriteFailed

if TYPE_CHECKING:  # writing files needs no model: tools that only copy text start faster
    from pipeline.plan import Plan

NEW_FILE = 0o666  # the kernel takes the umask off, as for any file a program creates
_OPEN_FLAGS = os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK  # no link followed; a FIFO never blocks us


def dumps(plan: Plan) -> str:
    """The plan's JSON as vnplan writes it: UTF-8 text (no escapes), indented."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def _what(mode: int) -> str:
    kinds = [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")]  # fmt: skip
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def failure(e: OSError, path: Path) -> WriteFailed:
    """The OS error as WriteFailed, with its reason (`No space left on device`, `File name too long`…)."""
    reason = "a symbolic link, not followed" if e.errno == errno.ELOOP else (e.strerror or str(e))
    return WriteFailed(f"cannot be written: {reason}", path=str(path))


def check_destination(path: Path) -> None:
    """Refuse to replace anything but a regular file (or nothing)."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there (make_dir then says what is wrong with the folder, if anything)
    except OSError as e:
        raise failure(e, path) from e
    if not stat.S_ISREG(mode):
        raise WriteFailed(f"is {_what(mode)}; vnplan writes only regular files and never replaces anything else",
                          path=str(path))  # fmt: skip


def make_dir(path: Path) -> Path:
    """`mkdir -p`; a file in the way, or any other OS error, is WriteFailed."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as e:
        raise WriteFailed("is a file, not a folder", path=str(path)) from e
    except OSError as e:
        raise failure(e, path) from e
    return path


def make_subdir(path: Path) -> Path:
    """A folder vnplan keeps inside its output folder (`review/`): a link planted there is refused, not followed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return make_dir(path)
    except OSError as e:
        raise failure(e, path) from e
    if not stat.S_ISDIR(mode):
        raise WriteFailed(f"is {_what(mode)}, not a folder; vnplan does not write through it", path=str(path))
    return path


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A new file to write into; when the block ends without error it replaces `path` atomically."""
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _commit(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise failure(e, path) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """The path of a new empty file, for a library that opens files by name (SQLite); when the block ends without
    error, that file replaces `path` atomically."""
    fd, tmp = _temporary(path)
    os.close(fd)
    try:
        yield tmp
        if not stat.S_ISREG(os.lstat(tmp).st_mode):
            raise WriteFailed("was replaced while it was written; not used", path=str(tmp))
        _commit(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise failure(e, path) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _temporary(path: Path) -> tuple[int, Path]:
    """A new file beside `path`, under a random name, created exclusively with the umask's permissions."""
    check_destination(path)
    make_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS, NEW_FILE), tmp
    except OSError as e:
        raise failure(e, path) from e


def _commit(tmp: Path, path: Path) -> None:
    check_destination(path)  # again: something may have been planted there meanwhile
    os.replace(tmp, path)


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` to `path` so that a reader never sees half a file, even if we are killed mid-way."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    with atomic_file(path) as f:
        f.write(data)
    return path


def open_regular(path: Path, flags: int) -> int:
    """A descriptor on the regular file `path`, created if missing; a link, device or FIFO is WriteFailed."""
    try:
        fd = os.open(path, flags | os.O_CREAT | _OPEN_FLAGS, NEW_FILE)
    except OSError as e:
        raise failure(e, path) from e
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise WriteFailed(f"is {_what(mode)}; vnplan writes only regular files", path=str(path))
    return fd


def append_line(path: Path, line: str) -> None:
    """Append one whole line (one write, so lines of concurrent writers never interleave), flushed to disk."""
    fd = open_regular(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    except OSError as e:
        raise failure(e, path) from e
    finally:
        os.close(fd)


def remove_file(path: Path) -> bool:
    """Remove a regular file vnplan wrote (never a link's target, never anything else); True if one was removed."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as e:
        raise failure(e, path) from e
    return True


def write_result(plan: Plan, out_dir: Path, stem: str) -> Path:
    """`OUT_DIR/STEM.json`; the stem is a bare file name, so nothing is written outside `out_dir`."""
    name = Path(stem).name
    if name in {"", ".", ".."}:
        raise ValueError(f"bad output name {stem!r}")
    return write_atomic(out_dir / f"{name}.json", dumps(plan))
