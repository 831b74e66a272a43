"""Text the commands print: safe for a terminal, and counted in words."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from pipeline.errors import ExitCode


def shown(text: object) -> str:
    """Text safe to print on a terminal: control characters (an escape sequence in a file name) and bytes that are
    not UTF-8 written as Python escapes, so a name can never rewrite the screen."""
    return "".join(c if c.isprintable() or c == " " else ascii(c)[1:-1] for c in str(text))


def utf8(text: str) -> bool:
    """Whether a name (which may hold bytes that are not UTF-8, as surrogates) can be written as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def plural(n: int, word: str) -> str:
    """`1 page`, `6 pages`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


class PageProgress:
    """Follows the pages of one document as ingest reads them: on a terminal, one line rewritten in place;
    with -v, a line per page (for logs)."""

    def __init__(self, name: str, verbosity: int) -> None:
        self.name, self.verbosity, self.live = name, verbosity, sys.stderr.isatty() and verbosity == 1
        self.drawn = False

    def __call__(self, page: int, pages: int) -> None:
        if pages < 2:
            return
        if self.verbosity >= 2:
            print(shown(f"  {self.name}: page {page} of {pages}"), file=sys.stderr)
        elif self.live:
            sys.stderr.write(f"\r{shown(self.name)}: page {page} of {pages}…\x1b[K")
            sys.stderr.flush()
            self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


@dataclass
class Tally:
    """What an extract did, for its summary line and its exit code."""

    done: int = 0
    warned: int = 0
    failed: int = 0
    pages: int = 0
    ocr_pages: int = 0
    worst: ExitCode = ExitCode.OK
    started: float = field(default_factory=time.perf_counter)

    def line(self) -> str:
        warned = f" ({self.warned} with warnings)" if self.warned else ""
        ocr = f", {self.ocr_pages} by OCR" if self.ocr_pages else ""
        return (f"extract: {self.done} done{warned}, {self.failed} failed; {plural(self.pages, 'page')}{ocr}; "
                f"{time.perf_counter() - self.started:.1f} s")  # fmt: skip
