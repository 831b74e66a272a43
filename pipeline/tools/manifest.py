"""The batch folder's own files: the manifest, the error log, the lock, the review folder.

The manifest (`OUT/manifest.json`) records each input, by its path under the input folder (`/`-separated), with
its SHA-256, the vnplan version that wrote its result, the result's name, the input's absolute path (so `vnplan
review` finds the document from any folder) and its `doc_id`; and the input folder itself. Whatever is wrong with a
manifest (not JSON, not UTF-8, `[]`, `null`, entries of the wrong shape, result names that are not bare
`NAME.json`) only costs a redo: the entries are used to rename and remove results, so one that was tampered with
must never reach outside them. The batch's own files are read and written only as regular files: a link or a FIFO
planted at their names is never followed.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.errors import BatchLocked
from pipeline.stages.write import make_dir, open_regular

MANIFEST = "manifest.json"
ERRORS = "errors.jsonl"
LOCK = ".vnplan.lock"
REVIEW = "review"
MANIFEST_VERSION = 2
MAX_LOG_BYTES = 256 * 1024 * 1024  # a manifest or error log larger than this is not read (it would be planted)


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock (a link planted at the lock's name is refused, not followed)."""
    make_dir(out_dir)
    fd = open_regular(out_dir / LOCK, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise BatchLocked(
                f"another vnplan batch is writing into {out_dir}; wait for it or use another folder"
            ) from e
        yield
    finally:
        os.close(fd)  # closing releases the lock


def read_own_file(path: Path) -> bytes | None:
    """A file the batch keeps in its output folder (manifest, error log): None when it is missing, and when it is
    not a regular file or is too large to be one of ours (a link or a FIFO planted there is not read)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_LOG_BYTES:
            return None
        return f.read(MAX_LOG_BYTES)


@dataclass
class Manifest:
    """What a batch folder holds: per input (its path under the input folder, `/`-separated), its entry."""

    root: str | None = None
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was wrong with the file read, if anything

    def dumps(self) -> str:
        data = {"manifest_version": MANIFEST_VERSION, "input_root": self.root, "documents": self.documents}
        return json.dumps(data, ensure_ascii=False, indent=1)


def _result_name(name: Any) -> bool:
    """A bare `NAME.json` of ours: never a path, a hidden file or the manifest (the manifest's names are used to
    rename and remove files, so one that was tampered with must not reach outside them)."""
    return (
        isinstance(name, str) and name.endswith(".json") and len(name) > 5 and name != MANIFEST
        and Path(name).name == name and not name.startswith(".") and "\x00" not in name
    )  # fmt: skip


def _entry_ok(entry: Any) -> bool:
    return (
        isinstance(entry, dict) and _result_name(entry.get("output"))
        and all(isinstance(entry.get(k), str) for k in ("sha256", "pipeline_version", "file"))
    )  # fmt: skip


def load_manifest(out_dir: Path) -> Manifest:
    """The manifest of a batch folder; anything unusable in it (not JSON, not UTF-8, `[]`, `null`, entries of
    the wrong shape, names that are not results') is left out with a note, and only costs a redo."""
    data = read_own_file(out_dir / MANIFEST)
    if data is None:
        return Manifest()
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        return Manifest(notes=[f"{MANIFEST} could not be read ({type(e).__name__}); every document is converted"])
    if not isinstance(parsed, dict) or parsed.get("manifest_version") != MANIFEST_VERSION:
        return Manifest(notes=[f"{MANIFEST} is not a manifest of this vnplan; every document is converted"])
    root = parsed.get("input_root")
    documents = parsed.get("documents")
    documents = documents if isinstance(documents, dict) else {}
    outputs: dict[str, int] = {}
    for entry in documents.values():
        if _entry_ok(entry):
            outputs[entry["output"]] = outputs.get(entry["output"], 0) + 1
    kept = {k: v for k, v in documents.items() if _entry_ok(v) and outputs[v["output"]] == 1}
    notes = (
        [f"{MANIFEST}: {len(documents) - len(kept)} unusable entries left out"] if len(kept) < len(documents) else []
    )
    return Manifest(root if isinstance(root, str) else None, kept, notes)


def now() -> str:
    """The time now, in UTC, to the second (for the error log)."""
    return datetime.now(UTC).isoformat(timespec="seconds")
