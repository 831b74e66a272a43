"""Plain text and Markdown input: paragraphs, emphasis and tables, read the same however the text is wrapped.

A blank line ends a paragraph, as in Markdown; inside a paragraph a line break is only a wrap, so the lines are
joined. A paragraph is cut where an emphasised lead ends (`**1. Mục đích:** Xác định …` gives the heading and its
text), where a list item starts after a finished sentence (`Nơi nhận:` / `- Như Điều 2;`), and where a line in
capitals meets one that is not (a signature block: `PHÓ CHỦ TỊCH` / `Nguyễn Văn A`). A text with almost no blank
lines is read a line at a time instead (an export where each paragraph is one line).

Tables: tab-separated rows; three or more rows whose columns are separated by runs of spaces; Markdown pipe tables
(`| a | b |`, with or without a `|---|` rule); and the flattened form that crawls of official sites produce, where
each cell sits on its own lines between lines holding a lone `|` and a row ends with two `|` lines running
(`flat_rows`). A flattened table of one or two rows is the layout of a header or a signature block, not a table:
its cells are read as paragraphs.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from pipeline.records import Cell, Line, Table
from pipeline.vi.names import is_body_name, is_post
from pipeline.vi.text import key

_HEADING = re.compile(r"^\s*#{1,6}(?:\s+|$)")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)\*(?!\w)|<i>(.*?)</i>|<em>(.*?)</em>")
_TAGS = re.compile(r"</?(?:b|strong|i|em|u|br|span)[^>]*>", re.IGNORECASE)
_RULE = re.compile(r"\s*([-*_=]\s*){3,}")
_EMPTY = re.compile(r"[\s*_#\\]*")  # `** **`, `* *`, a lone `#`: markup around nothing
_SPACER = re.compile(r"\s*(\*\*\s+\*\*|\*\s+\*)\s*")  # the crawl's empty paragraph between blocks
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")
# A line that starts a list item or a numbered heading.
_ITEM = re.compile(r"^\s*(?:[IVXLC]{1,5}\s*[.:)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\)|[-+•–—*]\s)", re.IGNORECASE)
_MARKER_ONLY = re.compile(r"(?:[IVXLC]{1,5}|\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*[.):]?", re.IGNORECASE)
_BULLET_LINE = re.compile(r"^\s*[-+•–]\s")
_FINISHED = re.compile(r"[.;:!?…]\s*$")
_CODE_HYPHEN = re.compile(r"[^\W_]-$")
MAX_CELL_LINES = 25  # a flattened cell longer than this is text between two tables, not a cell


def strip_markup(text: str) -> tuple[str, bool, bool]:
    """Remove Markdown/HTML emphasis from one line; report whether the whole line was bold or italic."""
    heading = bool(_HEADING.match(text))
    text = _HEADING.sub("", text)
    stripped = text.strip()
    whole_bold = bool(re.fullmatch(r"(\*\*|__).+(\*\*|__)", stripped)) and stripped.count("**") <= 2
    whole_italic = bool(re.fullmatch(r"(\*[^*].*\*|<i>.*</i>|<em>.*</em>)", stripped))
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ITALIC.sub(lambda m: next(g for g in m.groups() if g is not None), text)
    text = _TAGS.sub("", text).replace("**", "")
    return text.strip(), heading or whole_bold, whole_italic


@dataclass(frozen=True)
class Styled:
    """A paragraph's text with markup removed, and which of its characters were bold or italic."""

    text: str
    bold: tuple[bool, ...]
    italic: tuple[bool, ...]


def styled(source: str) -> Styled:
    """Read the emphasis of a block (markers may open on one line and close on another) and drop the markers."""
    source = _TAGS.sub(lambda m: {"b": "**", "strong": "**", "i": "*", "em": "*"}.get(_tag(m.group()), ""), source)
    chars: list[str] = []
    bold: list[bool] = []
    italic: list[bool] = []
    in_bold = in_italic = False
    balanced_bold = source.count("**") % 2 == 0
    i = 0
    while i < len(source):
        if source.startswith("**", i) or source.startswith("__", i):
            in_bold = not in_bold if balanced_bold else False
            i += 2
            continue
        ch = source[i]
        if ch == "*" and _italic_marker(source, i):
            in_italic = not in_italic
            i += 1
            continue
        chars.append(ch)
        bold.append(in_bold)
        italic.append(in_italic)
        i += 1
    return Styled("".join(chars), tuple(bold), tuple(italic))


def _tag(tag: str) -> str:
    return tag.strip("</>").split()[0].lower() if tag.startswith("<") and not tag.startswith("</") else ""


def _italic_marker(text: str, i: int) -> bool:
    """A single `*` next to a word (not `a * b`, not a bullet `* item`)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() and after.isspace():
        return False
    return not (i == 0 or text[i - 1] == "\n") or not after.isspace()


def _clean_line(line: str) -> str:
    return _HEADING.sub("", line).rstrip()


def _is_blank(line: str) -> bool:
    return bool(_EMPTY.fullmatch(line)) or bool(_RULE.fullmatch(line))


@dataclass(frozen=True)
class Piece:
    text: str
    bold: bool
    italic: bool


def _span_flags(st: Styled, start: int, end: int) -> tuple[bool, bool]:
    idx = [k for k in range(start, end) if not st.text[k].isspace()]
    if not idx:
        return False, False
    return all(st.bold[k] for k in idx), all(st.italic[k] for k in idx)


def _lead_end(st: Styled) -> int | None:
    """Where an emphasised lead ends (`**1. Mục đích:** Xác định …`), when text that is not emphasised follows."""
    k = 0
    while k < len(st.text) and st.text[k].isspace():
        k += 1
    if k == len(st.text) or not (st.bold[k] or st.italic[k]):
        return None
    flag = st.bold if st.bold[k] else st.italic
    end = k
    while end < len(st.text) and (flag[end] or st.text[end].isspace()):
        end += 1
    if end >= len(st.text) or not any(c.isalnum() for c in st.text[k:end]) or end - k > 250:
        return None
    lead = st.text[k:end].strip()
    if _MARKER_ONLY.fullmatch(lead):
        return None  # `**2.** Xây dựng …`: an emphasised number is the item's marker, not a heading of its own
    if lead.endswith(":") and not _ITEM.match(lead) and len(st.text[end:].strip()) < 200:
        return None  # `*Thời gian thực hiện:* Thường xuyên.`: a label and its value are one line
    return end


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and _CODE_HYPHEN.search(out) and line[:1].isalnum():
            out += line  # `103/QĐ-` + `BCĐQG`
        else:
            out = f"{out} {line}" if out else line
    return " ".join(out.split())


def _upper(line: str) -> bool | None:
    letters = [c for c in line if c.isalpha()]
    return None if len(letters) < 3 else all(c.isupper() for c in letters)


def pieces(block: list[str]) -> list[Piece]:
    """The paragraphs of a block of lines (see the module's docstring)."""
    heading = any(_HEADING.match(line) for line in block[:1])
    st = styled("\n".join(_clean_line(line) for line in block if not _is_blank(line)))
    out: list[Piece] = []
    start = 0
    lead = _lead_end(st)
    if lead is not None:
        text = _join(st.text[:lead].split("\n"))
        bold, italic = _span_flags(st, 0, lead)
        out.append(Piece(text, bold or heading, italic))
        start = lead
    current: list[str] = []
    current_start = start
    pos = start
    lines = st.text[start:].split("\n")
    bullets = sum(1 for line in lines if _BULLET_LINE.match(line))
    is_list = bullets >= 3 and bullets >= 0.4 * len(lines)  # `Nơi nhận`: an item may lack its `;`
    for line in lines:
        line_start, pos = pos, pos + len(line) + 1
        prev = _join(current)
        if current and prev and (_breaks(prev, current[-1], line) or (is_list and _BULLET_LINE.match(line))):
            out.append(_piece(st, current, current_start, line_start, heading and not out))
            current, current_start = [], line_start
        current.append(line)
    if _join(current):
        out.append(_piece(st, current, current_start, min(pos, len(st.text)), heading and not out))
    return out


def _breaks(prev: str, last_line: str, line: str) -> bool:
    if not line.strip():
        return False
    if _ITEM.match(line) and (_FINISHED.search(prev) or not prev):
        return True
    if _HEADER_UNIT.match(line) and len(last_line.strip()) < 60:
        return True  # `Số: 1877/QLCS-TS` / `V/v hướng dẫn …`: units of the header that Decree 30 lays out
    a, b = _upper(last_line), _upper(line)
    if a and b and len(last_line.strip()) < 50 and _starts_unit(line.strip()):
        return True  # the header's and the signature's lines: `UBND TỈNH HÀ GIANG` / `BAN CHỈ ĐẠO TIÊM CHỦNG`
    return a is not None and b is not None and a != b


_HEADER_UNIT = re.compile(r"^\s*(?:Số\s*:|V/v\b|Kính gửi\s*:|Nơi nhận\s*:)")
_AUTHORITY = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\s*\.")


def _starts_unit(line: str) -> bool:
    """A line in capitals that begins a unit of the header or the signature block: a body's name, a signing
    authority (`KT. GIÁM ĐỐC`) or a post (`PHÓ GIÁM ĐỐC`)."""
    words = line.split()
    return bool(_AUTHORITY.match(line)) or is_body_name(line.title()) or (len(words) <= 5 and is_post(line))


def _piece(st: Styled, lines: list[str], start: int, end: int, heading: bool) -> Piece:
    bold, italic = _span_flags(st, start, end)
    return Piece(_join(lines), bold or heading, italic)


def table_cells(line: str) -> list[str] | None:
    """The cells of a table row: tab-separated, or (as OCR text gives tables) separated by runs of 2+ spaces."""
    if not line.strip():
        return None
    if "\t" in line:
        return [strip_markup(c)[0] for c in line.split("\t")]
    cells = re.split(r"\s{2,}", line.rstrip())  # an indented row starts with an empty cell (`      Cộng   2.000`)
    return [strip_markup(c)[0] for c in cells] if len(cells) >= 3 else None


def flat_rows(segments: list[str]) -> list[list[str]]:
    """Rows of a flattened table from its cells in order (`''` for an empty segment). Each row is `| c1 | … | cN |`
    and the next starts with `|`, so two `|` lines running end a row; but an empty cell also gives two `|` lines.
    The parse chosen has the fewest rows shorter than the width (merged cells) and empty cells (a separator taken
    for a cell), then the smallest width."""
    longest = max((len(run) for run in "".join("x" if s else " " for s in segments).split()), default=0)
    best: tuple[int, int, list[list[str]]] | None = None
    for width in range(2, min(longest + 16, 60)):
        parsed = _parse_rows(segments, width)
        if parsed is None:
            continue
        cost, rows = parsed
        if best is None or (cost, width) < (best[0], best[1]):
            best = (cost, width, rows)
    if best is None:
        return [[s for s in segments if s]]
    return [r + [""] * (best[1] - len(r)) if len(r) > 1 else r for r in best[2]]


def _parse_rows(segments: list[str], width: int) -> tuple[int, list[list[str]]] | None:
    """Rows of at most `width` cells, each followed by one empty separator (a full row may lack it, at a cost): the
    parse with the fewest short rows and empty cells (dynamic programming). A negative choice marks a row without
    its separator."""
    n = len(segments)
    inf = 10**9
    cost = [inf] * (n + 2)
    choice = [0] * (n + 2)
    cost[n] = 0
    cost[n + 1] = 0
    for i in range(n - 1, -1, -1):
        if not segments[i] and i + 1 <= n and cost[i + 1] < inf and all(not s for s in segments[i:]):
            cost[i], choice[i] = 0, n - i  # trailing empties
            continue
        for length in range(1, width + 1):
            end = i + length
            if end > n:
                break
            if not any(segments[i:end]):
                continue
            empties = sum(1 for s in segments[i:end] if not s)
            if end < n and segments[end]:
                if length == width and cost[end] + 3 + empties < cost[i]:  # a full row whose separator is missing
                    cost[i], choice[i] = cost[end] + 3 + empties, -length
                continue  # a row is followed by the empty separator
            nxt = n if end >= n else end + 1
            c = cost[nxt] + (0 if length == width else 1) + empties
            if c < cost[i]:
                cost[i], choice[i] = c, length
    if cost[0] >= inf:
        return None
    rows, i = [], 0
    while i < n:
        length = choice[i]
        if length == 0:
            return None
        row = segments[i : i + abs(length)]
        if any(row):
            rows.append(row)
        i += length + 1 if length > 0 else -length
    return cost[0], rows


def _flat_region(lines: list[str], at: int) -> tuple[int, list[list[str]]] | None:
    """From a lone `|` line at `at`: (index after the region, the lines of each segment between `|` lines)."""
    pipes = [at]
    k = at + 1
    while k < len(lines):
        j = k
        while j < len(lines) and lines[j].strip() != "|" and j - k <= MAX_CELL_LINES:
            j += 1
        if j >= len(lines) or lines[j].strip() != "|":
            break
        gap = lines[k:j]
        if sum(1 for line in gap if not line.strip()) > 2 or any(_SPACER.fullmatch(line) for line in gap):
            break  # text between two tables, not a cell
        pipes.append(j)
        k = j + 1
    if len(pipes) < 2:
        return None
    segments = [lines[a + 1 : b] for a, b in itertools.pairwise(pipes)]
    return pipes[-1] + 1, segments


def _layout_start(texts: list[str]) -> int:
    """Where the cells of a header or signature block begin (the row holding the national motto, `Nơi nhận` or a
    signing authority), or len(texts): such cells are read as paragraphs, never as a table."""
    for n, t in enumerate(texts):
        k = key(t)
        if "cong hoa xa hoi chu nghia" in k or k.startswith("noi nhan") or re.match(r"^(tm|kt|tl|tuq)\s*\.", k):
            row_start = n
            while row_start > 0 and texts[row_start - 1]:
                row_start -= 1
            return row_start
    return len(texts)


def _segment_text(seg: list[str]) -> str:
    return " ".join(p.text for p in pieces([line for line in seg if line.strip()])) if seg else ""


@dataclass
class _Reader:
    lines: list[Line]
    tables: list[Table]
    block: int = 0

    def paragraphs(self, block: list[str], line_mode: bool) -> None:
        if line_mode:
            for raw in block:
                clean, bold, italic = strip_markup(raw)
                if clean and not _is_blank(raw):
                    self.lines.append(Line(page=1, text=clean, bold=bold, italic=italic, block=self.block))
            self.block += 1
            return
        for p in pieces(block):
            if p.text:
                self.lines.append(Line(page=1, text=p.text, bold=p.bold, italic=p.italic, block=self.block))
                self.block += 1

    def table(self, rows: list[list[str]]) -> None:
        self.tables.append(Table(page=1, rows=tuple(tuple(Cell(c) for c in r) for r in rows), pages=(1,)))
        self.block += 1


def read_text(text: str) -> tuple[list[Line], list[Table]]:
    """Lines (one per paragraph, all on page 1, each its own block) and tables of a text document."""
    raw_lines = text.splitlines()
    prose = [line for line in raw_lines if line.strip() != "|" and not _PIPE_ROW.match(line)]
    blank = sum(1 for line in prose if not line.strip())
    line_mode = len(prose) > 20 and blank < len(prose) / 20
    reader = _Reader([], [])
    block: list[str] = []

    def flush() -> None:
        if block:
            _text_block(reader, list(block), line_mode)
            block.clear()

    i = 0
    while i < len(raw_lines):
        line = raw_lines[i]
        if line.strip() == "|":
            found = _flat_region(raw_lines, i)
            flush()
            if found is None:
                i += 1
                continue
            i, segments = found
            texts = [_segment_text(seg) for seg in segments]
            layout_at = _layout_start(texts)
            rows = flat_rows(texts[:layout_at]) if layout_at else []
            if len(rows) >= 3 and max(len(r) for r in rows) >= 2:
                reader.table(rows)
            else:
                layout_at = 0
            for seg in segments[layout_at:]:  # a header or signature block: its cells are paragraphs
                _text_block(reader, seg, line_mode)
            continue
        if _PIPE_ROW.match(line) and line.count("|") >= 3:
            j = i
            while j < len(raw_lines) and _PIPE_ROW.match(raw_lines[j]):
                j += 1
            rows = [_pipe_cells(r) for r in raw_lines[i:j] if not _PIPE_RULE.match(r)]
            if len(rows) >= 2:
                flush()
                reader.table(rows)
                i = j
                continue
        if not line.strip() or _is_blank(line):
            flush()
        else:
            block.append(line)
        i += 1
    flush()
    return reader.lines, reader.tables


def _pipe_cells(row: str) -> list[str]:
    inner = row.strip()[1:-1]
    return [strip_markup(c)[0] for c in re.split(r"(?<!\\)\|", inner)]


def _text_block(reader: _Reader, block: list[str], line_mode: bool) -> None:
    """A block of text lines: its tab- or space-separated tables, and its paragraphs."""
    cells = [table_cells(line) for line in block]
    i = 0
    text: list[str] = []
    while i < len(block):
        j = i
        while j < len(block) and cells[j] is not None:
            j += 1
        tabbed = any("\t" in block[k] for k in range(i, j))
        if j > i and (tabbed or j - i >= 3):  # spaced rows only count as a table three at a time
            if text:
                reader.paragraphs(text, line_mode)
                text = []
            reader.table([list(cells[k] or []) for k in range(i, j)])
            i = j
            continue
        text.append(block[i])
        i += 1
    if text:
        reader.paragraphs(text, line_mode)
