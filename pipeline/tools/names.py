"""Output names: each input gets its own result name, the same in `extract` and `batch`, and never another's.

An input's name is its path under the folder it was found in (its bare file name when it was named itself), with
`/` as `__` and without its suffix: `2021/lao-cai.pdf` -> `2021__lao-cai`. Then, in this order:
- a name that starts with `.` (`..txt`, a hidden file) gets a `_` in front, so no result is hidden or a folder;
- a name over MAX_NAME_BYTES bytes of UTF-8 is cut at a character boundary and ends with `~` and 8 hex digits of
  the SHA-256 of the whole name (deeply nested Vietnamese folder names reach the file-system limit of 255 bytes);
- names that clash (letter case aside, since shared drives often ignore case) or that are the batch's own
  (`manifest`) keep their suffix: `plan.txt`, `plan.md`;
- names that still clash (`a/b.txt` and `a__b.txt`) end with `~` and 8 hex digits of the SHA-256 of the input's
  own key (its path under the input folder in a batch, its absolute path in `extract`), which differs for every
  input; and again until none clash.
The rules depend only on the set of inputs, so a run gives the same names every time.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections import Counter
from collections.abc import Callable
from pathlib import PurePosixPath

MAX_NAME_BYTES = 200  # leaves room for `.json`, `.html` and the temporary file's `.NAME.XXXXXXXX.tmp` within 255
RESERVED = frozenset({"manifest"})  # manifest.json is the batch's own


def _tag(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _fit(name: str) -> str:
    if name.startswith("."):
        name = "_" + name
    data = name.encode("utf-8", "surrogateescape")
    if len(data) <= MAX_NAME_BYTES:
        return name
    cut = data[: MAX_NAME_BYTES - 9].decode("utf-8", "ignore")  # "ignore" drops a character cut in half
    return f"{cut}~{_tag(name)}"


def joined(rel: str, suffix: bool) -> str:
    """`a/b/plan.pdf` -> `a__b__plan`, or `a__b__plan.pdf` with its suffix."""
    path = PurePosixPath(rel)
    last = path.name if suffix or not path.suffix else path.name[: -len(path.suffix)]
    return "__".join([*path.parts[:-1], last])


def output_names(inputs: dict[str, str]) -> dict[str, str]:
    """Each input's result name (without `.json`). `inputs` maps a key unique to each input (its path under the
    input folder in a batch, its absolute path in `extract`) to its path under its input folder, `/`-separated."""
    names = {k: _fit(joined(rel, suffix=False)) for k, rel in inputs.items()}
    _resolve(names, lambda k: _fit(joined(inputs[k], suffix=True)))
    for rounds in itertools.count():  # a name made to look like another's tagged name: tag again until none clash
        if not _resolve(names, functools.partial(_tagged, names, rounds)):
            return names
    raise AssertionError("unreachable")


def _tagged(names: dict[str, str], rounds: int, key: str) -> str:
    return _fit(f"{names[key]}~{_tag(f'{key}/{rounds}' if rounds else key)}")


def _resolve(names: dict[str, str], rename: Callable[[str], str]) -> bool:
    """Rename every input whose name clashes with another's (or is reserved); True if any did."""
    counts = Counter(n.casefold() for n in names.values())
    clashing = [k for k, n in names.items() if counts[n.casefold()] > 1 or n.casefold() in RESERVED]
    for k in clashing:
        names[k] = rename(k)
    return bool(clashing)
