"""The document's deadline, for the loops of the stages: `check()` raises Timeout once it has passed.

A signal (SIGALRM) stops pure-Python work past `--timeout` on a process's main thread; on a dask worker's thread no
signal can be used, so the stages' long loops (per paragraph, per sentence) call `check()`, which costs a clock
read. The runner sets the deadline for the thread that runs a document (`until`); with none set, `check()` does
nothing. Ingest's OCR threads get the deadline explicitly, in IngestOptions, since a context does not cross threads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pipeline.errors import Timeout

CHECK_EVERY = 256
"""How many items (words, tokens) a loop over one long text handles between two checks."""

_DEADLINE: ContextVar[float | None] = ContextVar("vnplan_deadline", default=None)


@contextmanager
def until(deadline: float | None) -> Iterator[None]:
    """Run the block with `deadline` (time.monotonic()) as the document's deadline."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check() -> None:
    """Raise Timeout if the document's deadline has passed."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise Timeout("took longer than --timeout")
