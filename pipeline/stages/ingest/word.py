"""Word files: .docx through python-docx, old .doc through antiword's DocBook output; both to lines and tables.

A Word file has paragraphs and tables, no pages or positions: every line is on page 1 without a box, each
paragraph a block of its own. Decree 30's header (issuer and number on the left, motto and date on the right) and
its signature block ("Nơi nhận:" beside the signer) are laid out as borderless tables of one to three rows: such
layout tables become lines, one column after the other, as the same header reads in a PDF; tables of more rows
are data and stay tables. Numbered paragraphs get their number back ("1.", "a)", "II."), which Word keeps apart
from the text; footnotes follow the body.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import CorruptFile, Timeout, UnsupportedInput
from pipeline.records import Cell, Line, Table

MAX_LAYOUT_ROWS = 3  # a header or signature table; a table of more rows holds data


@dataclass
class Para:
    text: str
    bold: bool = False
    italic: bool = False
    size: float = 0.0


@dataclass
class WordTable:
    """Rows of cells; a cell is its paragraphs, or None where a merged cell spans."""

    rows: list[list[list[Para] | None]] = field(default_factory=list)


Block = Para | WordTable


def to_records(blocks: list[Block]) -> tuple[list[Line], list[Table]]:
    """Lines and tables, in the document's order, from paragraphs and tables."""
    lines: list[Line] = []
    tables: list[Table] = []
    block_id = 0
    for block in blocks:
        if isinstance(block, Para):
            if block.text.strip():
                lines.append(_line(block, block_id))
                block_id += 1
        elif len(block.rows) <= MAX_LAYOUT_ROWS:
            for column in range(max((len(r) for r in block.rows), default=0)):
                for row in block.rows:
                    cell = row[column] if column < len(row) else None
                    kept = [p for p in cell or [] if p.text.strip()]
                    lines += [_line(p, block_id) for p in kept]
                    block_id += 1 if kept else 0
        else:
            rows = tuple(tuple(Cell(_cell_text(c)) for c in row) for row in block.rows)
            if rows and max(len(r) for r in rows) >= 2:
                tables.append(Table(page=1, rows=rows, pages=(1,)))
    return lines, tables


def _line(p: Para, block: int) -> Line:
    text = " ".join(unicodedata.normalize("NFC", p.text).split())
    return Line(page=1, text=text, size=p.size, bold=p.bold, italic=p.italic, block=block)


def _cell_text(cell: list[Para] | None) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFC", p.text).split()) for p in cell or [] if p.text.strip())


# ---- .docx -----------------------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes) -> list[Block]:
    """The body's paragraphs and tables in order, then the footnotes."""
    import docx  # imported here: only Word input pays for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # a ZIP that is not a Word document, or a broken one: python-docx raises many types
        raise CorruptFile(f"cannot be read as a Word document ({type(e).__name__}: {str(e)[:120]})") from e
    numbering = _Numbering(document)
    styles = _StyleFonts(document)
    blocks: list[Block] = []
    for element in _body_elements(document.element.body):
        if element.tag == W + "p":
            blocks.append(_para(element, numbering, styles))
        else:
            blocks.append(_table(element, numbering, styles))
    blocks += [Para(text) for text in _footnotes(data)]
    return blocks


def _body_elements(parent: Any) -> list[Any]:
    """Paragraphs and tables, looking inside content controls (w:sdt) that wrap some of them."""
    out = []
    for child in parent.iterchildren():
        if child.tag in (W + "p", W + "tbl"):
            out.append(child)
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            out += _body_elements(content) if content is not None else []
    return out


def _table(tbl: Any, numbering: _Numbering, styles: _StyleFonts) -> WordTable:
    table = WordTable()
    above: dict[int, Any] = {}
    for tr in tbl.iterchildren(W + "tr"):
        row: list[list[Para] | None] = []
        column = 0
        for tc in tr.iterchildren(W + "tc"):
            props = tc.find(W + "tcPr")
            span = _int_attr(props, "gridSpan", 1)
            merge = props.find(W + "vMerge") if props is not None else None
            continued = merge is not None and merge.get(W + "val") in (None, "continue")
            cell = None if continued and column in above else [_para(p, numbering, styles) for p in _cell_ps(tc)]
            above[column] = tc
            row += [cell] + [None] * (span - 1)
            column += span
        table.rows.append(row)
    return table


def _cell_ps(tc: Any) -> list[Any]:
    """A cell's paragraphs, those of a table nested in it included."""
    return [p for p in tc.iter(W + "p")]


def _int_attr(props: Any, name: str, default: int) -> int:
    element = props.find(W + name) if props is not None else None
    value = element.get(W + "val") if element is not None else None
    return int(value) if value and value.isdigit() else default


def _para(p: Any, numbering: _Numbering, styles: _StyleFonts) -> Para:
    style = _style_id(p)
    runs = [(r, _run_text(r)) for r in p.iter(W + "r") if not _in_text_box(r)]
    text = "".join(t for _, t in runs)
    weight = sum(len(t.strip()) for _, t in runs) or 1
    bold = sum(len(t.strip()) for r, t in runs if styles.flag(r, style, "b")) / weight > 0.6
    italic = sum(len(t.strip()) for r, t in runs if styles.flag(r, style, "i")) / weight > 0.6
    sizes = [styles.size(r, style) for r, t in runs if t.strip()]
    label = numbering.label(p, style)
    return Para(f"{label} {text}" if label else text, bold, italic, max(sizes, default=0.0))


def _run_text(run: Any) -> str:
    parts = []
    for child in run.iterchildren():
        if child.tag == W + "t":
            parts.append(child.text or "")
        elif child.tag in (W + "tab", W + "br", W + "cr"):
            parts.append(" ")
    return "".join(parts)


def _in_text_box(run: Any) -> bool:
    """Text boxes float beside the text (a "DỰ THẢO" mark): their runs are not the paragraph's."""
    return any(a.tag == W + "txbxContent" for a in run.iterancestors())


def _style_id(p: Any) -> str | None:
    props = p.find(W + "pPr")
    style = props.find(W + "pStyle") if props is not None else None
    return style.get(W + "val") if style is not None else None


class _StyleFonts:
    """Bold, italic and size of a run: its own properties, else its paragraph style's (and that style's bases)."""

    def __init__(self, document: Any) -> None:
        self.styles: dict[str, Any] = {}
        for style in document.styles.element.iterchildren(W + "style"):
            self.styles[style.get(W + "styleId")] = style

    def _chain(self, style_id: str | None) -> list[Any]:
        chain, seen = [], set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append(style)
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        return chain

    def _props(self, run: Any, style_id: str | None) -> list[Any]:
        own = run.find(W + "rPr")
        return ([own] if own is not None else []) + [
            rpr for s in self._chain(style_id) if (rpr := s.find(W + "rPr")) is not None
        ]

    def flag(self, run: Any, style_id: str | None, name: str) -> bool:
        for props in self._props(run, style_id):
            element = props.find(W + name)
            if element is not None:
                return element.get(W + "val") not in ("0", "false", "none")
        return False

    def size(self, run: Any, style_id: str | None) -> float:
        for props in self._props(run, style_id):
            element = props.find(W + "sz")
            value = element.get(W + "val") if element is not None else None
            if value and value.isdigit():
                return int(value) / 2  # half-points
        return 0.0


class _Numbering:
    """The labels Word draws before numbered paragraphs ("1.", "a)", "II."), counted as Word counts them."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_numbers: dict[str, tuple[str, int]] = {}
        part = document.part
        try:
            root = part.numbering_part.element
        except (KeyError, NotImplementedError):
            root = None
        if root is not None:
            self._read(root)
        for style in document.styles.element.iterchildren(W + "style"):
            ppr = style.find(W + "pPr")
            num = _num_pr(ppr)
            if num:
                self.style_numbers[style.get(W + "styleId")] = num

    def _read(self, root: Any) -> None:
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for a in root.iterchildren(W + "abstractNum"):
            levels = {}
            for lvl in a.iterchildren(W + "lvl"):
                fmt = lvl.find(W + "numFmt")
                text = lvl.find(W + "lvlText")
                levels[int(lvl.get(W + "ilvl", "0"))] = (
                    fmt.get(W + "val") if fmt is not None else "decimal",
                    text.get(W + "val", "") if text is not None else "",
                    _int_attr(lvl, "start", 1),
                )
            abstract[a.get(W + "abstractNumId")] = levels
        for num in root.iterchildren(W + "num"):
            ref = num.find(W + "abstractNumId")
            levels = abstract.get(ref.get(W + "val") if ref is not None else "", {})
            for ilvl, spec in levels.items():
                self.formats[(num.get(W + "numId"), ilvl)] = spec

    def label(self, p: Any, style_id: str | None) -> str:
        num = _num_pr(p.find(W + "pPr")) or (self.style_numbers.get(style_id) if style_id else None)
        if not num or (num[0], num[1]) not in self.formats:
            return ""
        num_id, level = num
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[level] += 1
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        fmt, text, _ = self.formats[(num_id, level)]
        if fmt == "bullet":
            return "-" if text and not text.isalnum() else text
        return re.sub(r"%(\d)", lambda m: self._render(num_id, int(m.group(1)) - 1), text)

    def _render(self, num_id: str, level: int) -> str:
        fmt, _, start = self.formats.get((num_id, level), ("decimal", "", 1))
        n = self.counters[num_id][level] + start - 1
        if fmt in ("lowerLetter", "upperLetter"):
            letter = chr(ord("a") + (n - 1) % 26) if n > 0 else "a"
            return letter.upper() if fmt == "upperLetter" else letter
        if fmt in ("upperRoman", "lowerRoman"):
            roman = _roman(n)
            return roman if fmt == "upperRoman" else roman.lower()
        return str(n)


def _num_pr(ppr: Any) -> tuple[str, int] | None:
    num = ppr.find(W + "numPr") if ppr is not None else None
    if num is None:
        return None
    num_id = num.find(W + "numId")
    ilvl = num.find(W + "ilvl")
    if num_id is None or num_id.get(W + "val") in (None, "0"):
        return None
    level = ilvl.get(W + "val") if ilvl is not None else "0"
    return num_id.get(W + "val"), int(level) if level and level.isdigit() else 0


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out += numeral
            n -= value
    return out


def _footnotes(data: bytes) -> list[str]:
    """The footnotes' text, in order (Word keeps them in their own part, which python-docx does not read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read("word/footnotes.xml")
    except (KeyError, zipfile.BadZipFile):
        return []
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return []
    notes = []
    for note in root.iter(W + "footnote"):
        if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in note.iter(W + "p")).strip()
        if text:
            notes.append(text)
    return notes


# ---- .doc ------------------------------------------------------------------------------------------------------


def read_doc(data: bytes, timeout: float) -> list[Block]:
    """An old Word file through antiword's DocBook output: paragraphs (bold and italic runs marked), tables with
    their rows and cells, headings, footnotes."""
    binary = shutil.which("antiword")
    if binary is None:
        raise UnsupportedInput(
            "is an old Word file (.doc); vnplan reads those through antiword, which is not installed: install it "
            "with 'apt-get install antiword' (make setup does), or save the file as .docx or PDF"
        )
    try:
        done = subprocess.run(
            [binary, "-x", "db", "-m", "UTF-8.txt", "-"], input=data, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as e:
        raise Timeout(f"antiword took longer than {timeout:.0f} s") from e
    if done.returncode != 0 or not done.stdout.strip():
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit code {done.returncode}"
        raise UnsupportedInput(f"is an old Word file antiword cannot read ({reason}); save it as .docx or PDF")
    try:
        root = ET.fromstring(done.stdout)
    except ET.ParseError as e:
        raise UnsupportedInput(f"is an old Word file antiword reads badly ({e}); save it as .docx or PDF") from e
    blocks: list[Block] = []
    notes: list[Para] = []
    for chapter in root.iter("chapter"):
        _docbook(chapter, blocks, notes)
    return blocks + notes


_SECTIONS = {f"sect{n}" for n in range(1, 6)}


def _docbook(element: ET.Element, blocks: list[Block], notes: list[Para]) -> None:
    for child in element:
        if child.tag == "title" and element.tag in _SECTIONS:
            blocks.append(Para(_inline(child), bold=True))
        elif child.tag == "para":
            own = _docbook_para(child, notes)
            if own.text.strip():
                blocks.append(own)
            for table in child.iter("informaltable"):
                blocks.append(_docbook_table(table, notes))
        elif child.tag == "informaltable":
            blocks.append(_docbook_table(child, notes))
        elif child.tag in _SECTIONS:
            _docbook(child, blocks, notes)


def _docbook_para(para: ET.Element, notes: list[Para]) -> Para:
    for note in para.iter("footnote"):
        notes += [Para(_inline(p)) for p in note.iter("para")]
    text = _inline(para)
    weight = len(text.strip()) or 1
    bold = sum(len(_inline(e).strip()) for e in para.iter("emphasis") if e.get("role") == "bold")
    italic = sum(len(_inline(e).strip()) for e in para.iter("emphasis") if e.get("role") is None)
    return Para(text, bold=bold / weight > 0.6, italic=italic / weight > 0.6)


def _inline(element: ET.Element) -> str:
    """An element's text without its footnotes and tables."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in ("footnote", "informaltable"):
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _docbook_table(table: ET.Element, notes: list[Para]) -> WordTable:
    out = WordTable()
    for row in table.iter("row"):
        cells: list[list[Para] | None] = []
        for entry in row.iter("entry"):
            paras = [p for p in entry.iter("para")]
            if paras:
                cells.append([_docbook_para(p, notes) for p in paras])
            else:  # antiword writes a cell's paragraphs as its text, one a line
                cells.append([Para(line) for line in (entry.text or "").splitlines() if line.strip()])
        out.rows.append(cells)
    return out
