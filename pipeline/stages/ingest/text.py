"""Plain text and Markdown input: each line a Line, blank lines separate blocks, emphasis marks read and dropped."""

from __future__ import annotations

import re

from pipeline.records import Cell, Line, Table

_HEADING = re.compile(r"^\s*#{1,6}\s*")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)\*(?!\w)|<i>(.*?)</i>|<em>(.*?)</em>")
_TAGS = re.compile(r"</?(?:b|strong|i|em|u|br|span)[^>]*>", re.IGNORECASE)


def strip_markup(text: str) -> tuple[str, bool, bool]:
    """Remove Markdown/HTML emphasis; report whether the whole line was bold or italic."""
    heading = bool(_HEADING.match(text))
    text = _HEADING.sub("", text)
    stripped = text.strip()
    whole_bold = bool(re.fullmatch(r"(\*\*|__).+(\*\*|__)", stripped)) and stripped.count("**") <= 2
    whole_italic = bool(re.fullmatch(r"(\*[^*].*\*|<i>.*</i>|<em>.*</em>)", stripped))
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ITALIC.sub(lambda m: next(g for g in m.groups() if g is not None), text)
    text = _TAGS.sub("", text).replace("**", "")
    return text.strip(), heading or whole_bold, whole_italic


_SPACED = re.compile(r"\s{2,}")


def table_cells(line: str) -> list[str] | None:
    """The cells of a table row: tab-separated, or (as OCR text gives tables) separated by runs of 2+ spaces."""
    if not line.strip():
        return None
    if "\t" in line:
        return [strip_markup(c)[0] for c in line.split("\t")]
    cells = _SPACED.split(line.rstrip())  # an indented row starts with an empty cell (`      Cộng   2.000`)
    return [strip_markup(c)[0] for c in cells] if len(cells) >= 3 else None


def read_text(text: str) -> tuple[list[Line], list[Table]]:
    """Lines of a text document (all on page 1, a new block after each blank line) and its tables: tab-separated
    rows, or three or more consecutive rows whose columns are separated by runs of spaces."""
    raw_lines = text.splitlines()
    cells = [table_cells(line) for line in raw_lines]
    in_table = [False] * len(raw_lines)
    i = 0
    while i < len(raw_lines):
        j = i
        while j < len(raw_lines) and cells[j] is not None:
            j += 1
        tabbed = any("\t" in raw_lines[k] for k in range(i, j))
        if j > i and (tabbed or j - i >= 3):  # spaced rows only count as a table three at a time
            for k in range(i, j):
                in_table[k] = True
        i = max(j, i + 1)
    lines: list[Line] = []
    tables: list[Table] = []
    rows: list[tuple[Cell, ...]] = []
    block = 0
    for n, raw in enumerate(raw_lines):
        if in_table[n]:
            rows.append(tuple(Cell(c) for c in cells[n] or []))
            continue
        if rows:
            tables.append(Table(page=1, rows=tuple(rows), pages=(1,)))
            rows = []
            block += 1
        if not raw.strip():
            block += 1
            continue
        if re.fullmatch(r"\s*([-*_]\s*){3,}", raw):  # Markdown rule
            block += 1
            continue
        clean, bold, italic = strip_markup(raw)
        if clean:
            lines.append(Line(page=1, text=clean, bold=bold, italic=italic, block=block))
    if rows:
        tables.append(Table(page=1, rows=tuple(rows), pages=(1,)))
    return lines, tables
