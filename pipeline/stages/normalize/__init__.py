"""Normalize: lines to paragraphs of repaired text, every change logged and mapped back to the raw text."""

from __future__ import annotations

from dataclasses import replace

from pipeline.options import NormalizeOptions
from pipeline.records import Document, Line, Paragraph, RawDocument, Table
from pipeline.stages.normalize.edits import TrackedText
from pipeline.stages.normalize.legacy import document_encoding, legacy_edits
from pipeline.stages.normalize.ocr_fix import DocCounts, correct, document_pairs, glued_edits
from pipeline.stages.normalize.paragraphs import group_lines, join_points, line_join_edits
from pipeline.stages.normalize.unicode import character_edits, tone_placement

__all__ = ["NormalizeOptions", "normalize", "normalize_text"]


def normalize_text(raw: str, options: NormalizeOptions | None = None, context: list[str] | None = None) -> TrackedText:
    """Repair one paragraph's text; `context` is the rest of the document (its repeated phrases help OCR fixes)."""
    pairs = document_pairs(context if context is not None else [raw])
    return _repair(raw, options or NormalizeOptions(), pairs)


def _repair(
    raw: str,
    options: NormalizeOptions,
    pairs: DocCounts,
    joins: list[int] | None = None,
    encoding: str | None = None,
) -> TrackedText:
    """The passes, in order: legacy-encoding decoding and lossless character clean-up, then (unless --no-correct)
    tone placement and OCR marks. Decoding comes first: TCVN3 mojibake uses characters (`Ð`) the clean-up maps."""
    tracked = TrackedText(raw)
    if joins:
        tracked.apply(line_join_edits(tracked.text, joins))  # offsets of the joins are raw offsets: first
    tracked.apply(legacy_edits(tracked.text, encoding))
    tracked.apply(character_edits(tracked.text))
    if options.correct:
        tracked.apply(tone_placement(tracked.text))
        tracked.apply(glued_edits(tracked.text))
        tracked.apply(correct(tracked.text, pairs))
    return tracked


def join_lines(lines: list[Line]) -> str:
    return " ".join(line.text for line in lines)


def normalize(raw: RawDocument, options: NormalizeOptions | None = None) -> Document:
    options = options or NormalizeOptions()
    heights = {i + 1: size[1] for i, size in enumerate(raw.page_sizes)}
    groups = group_lines(list(raw.lines), heights)
    texts = [join_lines(g) for g in groups]
    cells = [c.text for t in raw.tables for row in t.rows for c in row]
    pairs = document_pairs(texts + cells)
    encoding = document_encoding(texts + cells)
    paragraphs: list[Paragraph] = []
    for group, text in zip(groups, texts, strict=True):
        tracked = _repair(text, options, pairs, join_points(group), encoding)
        paragraphs.append(
            Paragraph(lines=group, raw=text, text=tracked.text, fixes=tracked.fixes, offsets=tracked.offsets)
        )
    tables = tuple(_repair_table(t, options, pairs, encoding) for t in raw.tables)
    return Document(raw=raw, paragraphs=tuple(paragraphs), tables=tables)


def _repair_table(table: Table, options: NormalizeOptions, pairs: DocCounts, encoding: str | None) -> Table:
    """The same repairs in every cell; a changed cell keeps its raw text and its fixes."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            tracked = _repair(cell.text, options, pairs, encoding=encoding)
            if tracked.fixes:
                cell = replace(cell, text=tracked.text, raw=cell.text, fixes=tuple(tracked.fixes))
            cells.append(cell)
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))
