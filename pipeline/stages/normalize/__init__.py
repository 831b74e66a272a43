"""Normalize: lines to paragraphs of repaired text, every change logged and mapped back to the raw text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

from pipeline import deadline
from pipeline.options import NormalizeOptions
from pipeline.records import Document, Line, Paragraph, RawDocument, Table
from pipeline.stages.normalize.edits import Edit, TrackedText
from pipeline.stages.normalize.legacy import document_encoding, legacy_edits
from pipeline.stages.normalize.ocr_fix import DocCounts, correct, document_pairs, glued_edits
from pipeline.stages.normalize.paragraphs import group_lines, join_points, line_join_edits
from pipeline.stages.normalize.unicode import character_edits, tone_placement

__all__ = ["NormalizeOptions", "normalize", "normalize_text"]


def normalize_text(raw: str, options: NormalizeOptions | None = None, context: list[str] | None = None) -> TrackedText:
    """Repair one paragraph's text; `context` is the rest of the document (its repeated phrases help OCR fixes)."""
    return _repair(
        raw, options or NormalizeOptions(), lambda: document_pairs(context if context is not None else [raw])
    )


def _repair(
    raw: str,
    options: NormalizeOptions,
    pairs: Callable[[], DocCounts],
    joins: list[int] | None = None,
    encoding: str | None = None,
    read: bool = True,
) -> TrackedText:
    """The passes, in order: legacy-encoding decoding and lossless character clean-up, then (unless --no-correct)
    tone placement, and the OCR corrections (glued syllables, wrong marks) only for text that was read, not typed:
    OCR'd lines, legacy-encoded text, plain text files. A page's text layer and Markdown are typed text, which the
    OCR corrections would harm more than help (`dán tem`, `sổ`, `tại` are right as they are). Decoding comes first:
    TCVN3 mojibake uses characters (`Ð`) the clean-up maps."""
    tracked = TrackedText(raw)
    if joins:
        tracked.apply(line_join_edits(tracked.text, joins))  # offsets of the joins are raw offsets: first
    decoded = legacy_edits(tracked.text, encoding)
    tracked.apply(decoded)
    tracked.apply(character_edits(tracked.text))
    if options.correct:
        tracked.apply(tone_placement(tracked.text))
        if read or decoded:
            tracked.apply(glued_edits(tracked.text))
            _correct_until_settled(tracked, pairs())
    return tracked


MAX_PASSES = 3


def _correct_until_settled(tracked: TrackedText, pairs: DocCounts) -> None:
    """Correct, then look again beside what changed: a syllable corrected gives its neighbour the context it lacked
    (`cHI dAO` → `chỉ dAO` → `chỉ đạo`), and the repair must give the same text when run on its own output."""
    near: list[tuple[int, int]] | None = None
    for _ in range(MAX_PASSES):
        edits = [e for e in correct(tracked.text, pairs, near) if tracked.text[e.start : e.end] != e.replacement]
        if not edits:
            return
        tracked.apply(edits)
        near = _new_spans(edits)


def _new_spans(edits: list[Edit]) -> list[tuple[int, int]]:
    """Where the edits' replacements stand in the text they made."""
    spans, shift = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        spans.append((e.start + shift, e.start + shift + len(e.replacement)))
        shift += len(e.replacement) - (e.end - e.start)
    return spans


def typed_input(raw: RawDocument) -> bool:
    """Markdown is published text, typed: only lossless clean-up. A plain text file may be OCR output (`.txt`)."""
    return raw.input_kind == "text" and Path(raw.path).suffix.lower() in (".md", ".markdown")


def was_read(raw: RawDocument, lines: list[Line]) -> bool:
    """Whether a paragraph's text was read by OCR (or is plain text that may be), rather than typed."""
    if raw.input_kind == "text":
        return not typed_input(raw)
    return any(line.ocr for line in lines)


def join_lines(lines: list[Line]) -> str:
    return " ".join(line.text for line in lines)


def normalize(raw: RawDocument, options: NormalizeOptions | None = None) -> Document:
    options = options or NormalizeOptions()
    heights = {i + 1: size[1] for i, size in enumerate(raw.page_sizes)}
    groups = group_lines(list(raw.lines), heights)
    texts = [join_lines(g) for g in groups]
    cells = [c.text for t in raw.tables for row in t.rows for c in row]
    # the document's syllable pairs serve the OCR corrections only: a typed document's are never counted
    pairs = cache(lambda: document_pairs(texts + cells))
    encoding = document_encoding(texts + cells)
    paragraphs: list[Paragraph] = []
    for group, text in zip(groups, texts, strict=True):
        deadline.check()
        tracked = _repair(text, options, pairs, join_points(group), encoding, was_read(raw, group))
        paragraphs.append(
            Paragraph(lines=group, raw=text, text=tracked.text, fixes=tracked.fixes, offsets=tracked.offsets)
        )
    tables = tuple(_repair_table(t, options, pairs, encoding, _table_read(raw, t)) for t in raw.tables)
    return Document(raw=raw, paragraphs=tuple(paragraphs), tables=tables)


def _table_read(raw: RawDocument, table: Table) -> bool:
    if raw.input_kind == "text":
        return not typed_input(raw)
    return any(page in raw.ocr_pages for page in (table.pages or (table.page,)))


def _repair_table(
    table: Table, options: NormalizeOptions, pairs: Callable[[], DocCounts], encoding: str | None, read: bool = True
) -> Table:
    """The same repairs in every cell; a changed cell keeps its raw text and its fixes."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            tracked = _repair(cell.text, options, pairs, encoding=encoding, read=read)
            if tracked.fixes:
                cell = replace(cell, text=tracked.text, raw=cell.text, fixes=tuple(tracked.fixes))
            cells.append(cell)
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))
