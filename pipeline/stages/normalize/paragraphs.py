"""Group visual lines into paragraphs: headings, list items and sentence runs, rejoined across line and page breaks."""

from __future__ import annotations

import re

from pipeline.records import Line
from pipeline.stages.normalize.edits import Edit

# A line that starts a unit of its own: a section number, a lettered item, a bullet.
ITEM_START = re.compile(
    r"^\s*(?:[IVXLC]{1,5}\s*[.:)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\)|[-+•*–—]\s|(?:Nơi nhận|Kính gửi)\s*:)",
    re.IGNORECASE,
)
_END = re.compile(r"[.:;!?…)\]”\"]\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*$")


def is_page_furniture(line: Line, page_height: float | None) -> bool:
    """A lone page number in the top or bottom margin."""
    if not _PAGE_NUMBER.match(line.text):
        return False
    if line.bbox is None or page_height is None:
        return False
    return line.bbox[1] < page_height * 0.08 or line.bbox[3] > page_height * 0.94


def starts_new(prev: Line, line: Line) -> bool:
    if line.page != prev.page:
        return True  # re-joined later if the sentence runs on
    if line.block != prev.block or ITEM_START.match(line.text):
        return True
    if prev.bold != line.bold:
        return True
    letters = [c for c in line.text if c.isalpha()]
    prev_letters = [c for c in prev.text if c.isalpha()]
    if letters and prev_letters and (line.text.isupper() != prev.text.isupper()):
        return True
    if prev.bbox and line.bbox:
        same_row = abs(prev.bbox[1] - line.bbox[1]) < 2 and line.bbox[0] > prev.bbox[2]
        gap = line.bbox[1] - prev.bbox[3]
        height = max(prev.bbox[3] - prev.bbox[1], 1.0)
        if same_row or gap > height * 0.9:
            return True
        if _END.search(prev.text) and line.text[:1].isupper() and prev.bbox[2] < line.bbox[2] - 2 * height:
            return True  # a sentence that ends well short of the margin ends its paragraph (or its heading)
    return False


def group_lines(lines: list[Line], page_heights: dict[int, float] | None = None) -> list[list[Line]]:
    heights = page_heights or {}
    groups: list[list[Line]] = []
    for line in lines:
        if is_page_furniture(line, heights.get(line.page)):
            continue
        if groups and not starts_new(groups[-1][-1], line):
            groups[-1].append(line)
        else:
            groups.append([line])
    return join_broken(groups)


def join_broken(groups: list[list[Line]]) -> list[list[Line]]:
    """Rejoin a paragraph that a page break (or a blank line in OCR text) cut in the middle of a sentence."""
    out: list[list[Line]] = []
    for group in groups:
        if out and runs_on(out[-1][-1], group[0]):
            out[-1].extend(group)
        else:
            out.append(group)
    return out


# A document's symbol cut after one of its hyphens at a line end (`số 2104/QĐ-` + `UBND ngày …`).
_CODE_CUT = re.compile(r"\d\s*/\s*(?:[A-ZĐ0-9]+-)+$")


def runs_on(prev: Line, line: Line) -> bool:
    text = line.text.lstrip()
    code_cut = bool(_CODE_CUT.search(prev.text.rstrip())) and text[:1].isupper()
    if not text or not (text[0].islower() or code_cut) or ITEM_START.match(text) or _END.search(prev.text):
        return False
    if prev.bold != line.bold or prev.text.isupper():
        return False
    return line.page > prev.page or line.bbox is None or _next_line(prev, line)


def _next_line(prev: Line, line: Line) -> bool:
    """The next line of the same column, just below: OCR puts a paragraph's short last line in a block of its own."""
    if prev.bbox is None or line.bbox is None or prev.page != line.page:
        return False
    height = max(prev.bbox[3] - prev.bbox[1], 1.0)
    gap = line.bbox[1] - prev.bbox[3]
    return -height * 0.3 < gap < height * 0.9 and line.bbox[0] < prev.bbox[2] and line.bbox[2] > prev.bbox[0]


def join_points(lines: list[Line]) -> list[int]:
    """Offsets of the spaces that join the lines of a paragraph (lines are joined by one space)."""
    points, pos = [], 0
    for line in lines[:-1]:
        pos += len(line.text)
        points.append(pos)
        pos += 1
    return points


_SOFT_END = re.compile(r"\u00ad$")
_HYPHEN_END = re.compile(r"[^\W_]-$")


def line_join_edits(text: str, points: list[int]) -> list[Edit]:
    """Words broken at a line end: `ki\u00adến` loses the soft hyphen and the space; a code cut after its hyphen
    (`103/QĐ-` + `BCĐQG`) loses the space. A spaced dash (`Phát thanh -`) is a dash, and stays."""
    edits = []
    for at in points:
        before, after = text[max(at - 2, 0) : at], text[at + 1 : at + 2]  # two characters: both patterns end at `at`
        if not after or not after.isalnum():
            continue
        if _SOFT_END.search(before):
            edits.append(Edit(at - 1, at + 1, "", "layout.soft_hyphen_join.v1"))
        elif _HYPHEN_END.search(before):
            edits.append(Edit(at, at + 1, "", "layout.hyphen_join.v1"))
    return edits
