"""Text that remembers where it came from: apply edits, keep an offset map to the raw text and a log of fixes."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.records import Fix


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `replacement`, by rule `rule` (a versioned id such as `unicode.nbsp.v1`)."""

    start: int
    end: int
    replacement: str
    rule: str


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[int]]:
    """Apply non-overlapping edits; return the new text and, for each of its characters (plus the end), the index
    of the input character it comes from."""
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for e in sorted(edits, key=lambda e: e.start):
        if e.start < pos:
            continue  # overlapping edit: the earlier one wins
        out.append(text[pos : e.start])
        offsets.extend(range(pos, e.start))
        out.append(e.replacement)
        span = max(e.end - e.start, 1)
        offsets.extend(min(e.start + k, e.start + span - 1) for k in range(len(e.replacement)))
        pos = e.end
    out.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    offsets.append(len(text))
    return "".join(out), offsets


@dataclass
class TrackedText:
    """The raw text, the current text, a map from current to raw offsets, and every fix made on the way."""

    raw: str
    text: str = ""
    offsets: list[int] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.offsets:
            self.text = self.raw
            self.offsets = list(range(len(self.raw) + 1))

    def apply(self, edits: list[Edit]) -> None:
        """Apply edits given in the coordinates of the current text; log each as a fix in raw coordinates."""
        edits = [e for e in edits if self.text[e.start : e.end] != e.replacement]
        if not edits:
            return
        new_text, step = apply_edits(self.text, edits)
        for e in sorted(edits, key=lambda e: e.start):
            raw_start = self.offsets[e.start]
            raw_end = self.offsets[e.end - 1] + 1 if e.end > e.start else raw_start
            self.fixes.append(Fix(raw_start, raw_end, self.text[e.start : e.end], e.replacement, e.rule))
        self.offsets = [self.offsets[i] for i in step]
        self.text = new_text
