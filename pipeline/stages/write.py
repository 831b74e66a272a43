"""Write: one JSON per document, atomically (a temporary file in the same folder, then a rename)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # writing files needs no model: tools that only copy text start faster
    from pipeline.plan import Plan


def dumps(plan: Plan) -> str:
    """The plan's JSON as vnplan writes it: UTF-8 text (no escapes), indented."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` to `path` so that a reader never sees half a file, even if we are killed mid-way."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_result(plan: Plan, out_dir: Path, stem: str) -> Path:
    """`OUT_DIR/STEM.json`; the stem is a bare file name, so nothing is written outside `out_dir`."""
    name = Path(stem).name
    if name in {"", ".", ".."}:
        raise ValueError(f"bad output name {stem!r}")
    return write_atomic(out_dir / f"{name}.json", dumps(plan))
