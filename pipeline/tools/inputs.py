"""What `vnplan extract` is given: files, folders (walked like a batch's) and `-` for standard input, each with
its result name (names.py), so `extract DIR` and `batch DIR` name every result alike."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import TooLarge
from pipeline.stages.ingest.kinds import SUPPORTED
from pipeline.tools.names import output_names

STDIN = "-"


@dataclass(frozen=True)
class Input:
    path: Path  # Path("-") for standard input
    name: str  # its result's name, without .json

    @property
    def is_stdin(self) -> bool:
        return str(self.path) == STDIN


def _walk(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUPPORTED and p.is_file())


def expand_inputs(paths: list[Path]) -> list[Input]:
    """Files as given (a missing one too: reading it says so), folders walked recursively, `-` as standard input;
    a file given twice is read once. Names: a file's own name, a folder's files by their path under it."""
    found: dict[str, tuple[Path, str]] = {}  # key (unique per input) -> (path, path under its folder)
    for path in paths:
        if str(path) == STDIN:
            found.setdefault(STDIN, (path, "stdin"))
        elif path.is_dir():
            for p in _walk(path):
                found.setdefault(str(p.resolve()), (p, p.relative_to(path).as_posix()))
        else:
            found.setdefault(str(path.resolve()), (path, path.name))
    names = output_names({key: rel for key, (_, rel) in found.items()})
    return [Input(path, names[key]) for key, (path, _) in found.items()]


def read_stdin(max_bytes: int) -> tuple[bytes, str]:
    """Standard input's bytes, and the name it is read under: `stdin.pdf` when it starts like a PDF, else
    `stdin.txt` (a text file); more than --max-bytes is refused before it is all read."""
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(f"is more than --max-bytes {max_bytes:,} bytes", path=STDIN)
    return data, ("stdin.pdf" if b"%PDF-" in data[:1024] else "stdin.txt")
