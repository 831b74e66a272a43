"""Tesseract OCR of one page image, with word boxes and confidences (TSV output).

Tesseract is called as a process, not through PyMuPDF's OCR: PyMuPDF's OCR drops the space after precomposed
Vietnamese letters (`Kếhoạch`), while Tesseract's own TSV keeps it and gives the word boxes that evidence needs.
`OMP_THREAD_LIMIT=1` is set for every call: with its default threading Tesseract is 5-8x slower on 2 cores.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pipeline.errors import OcrFailed, OcrUnavailable, Timeout
from pipeline.records import Line
from pipeline.stages.ingest.layer import Draft


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0..100
    key: tuple[int, int, int]  # block, paragraph, line


def tesseract_binary() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise OcrUnavailable(
            "Tesseract is not installed; it reads scanned pages. Install it with "
            "'apt-get install tesseract-ocr tesseract-ocr-vie' (make setup does)."
        )
    return path


def check_language(lang: str) -> None:
    out = subprocess.run([tesseract_binary(), "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    have = set(out.stdout.split()[1:]) | set(out.stderr.split())
    missing = [code for code in lang.split("+") if code not in have]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in missing)
        how = " (make setup installs the Vietnamese one)" if missing == ["vie"] else ""
        raise OcrUnavailable(
            f"Tesseract has no model for {', '.join(missing)}; install it with 'apt-get install {packages}'{how}"
        )


def run_tesseract(image: bytes, lang: str, timeout: float, dpi: int, psm: int = 3) -> str:
    """OCR one image (any format Leptonica reads: PGM, PNG); return Tesseract's TSV. `psm` 3 lays out a page;
    6 reads one block (a table)."""
    cmd = [tesseract_binary(), "stdin", "stdout", "-l", lang, "--dpi", str(dpi), "--psm", str(psm), "tsv"]
    cached = _cache_get(cmd, image)
    if cached is not None:
        return cached
    try:
        done = subprocess.run(cmd, input=image, capture_output=True, timeout=timeout, env=_env(), check=False)
    except subprocess.TimeoutExpired as e:
        raise Timeout(f"OCR of one page took longer than {timeout:.0f} s") from e
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(f"Tesseract failed: {detail[-1] if detail else 'exit code ' + str(done.returncode)}")
    return _cache_put(cmd, image, done.stdout.decode("utf-8", "replace"))


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


CACHE_ENV = "VNPLAN_OCR_CACHE"


def _cache_path(cmd: list[str], image: bytes) -> Path | None:
    """Where Tesseract's answer for this image and command is kept, when the developer cache is on: a folder named
    by VNPLAN_OCR_CACHE. For re-running the later stages on many scans while working on them; off by default."""
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        return None
    digest = hashlib.sha256(image + "\0".join(cmd[1:]).encode()).hexdigest()
    return Path(folder) / digest[:2] / f"{digest}.tsv"


def _cache_get(cmd: list[str], image: bytes) -> str | None:
    path = _cache_path(cmd, image)
    return path.read_text("utf-8") if path is not None and path.is_file() else None


def _cache_put(cmd: list[str], image: bytes, tsv: str) -> str:
    path = _cache_path(cmd, image)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(tsv, "utf-8")
        tmp.replace(path)
    return tsv


DIGITS = "0123456789,. "
CELL_GAP = 24  # white pixels between stacked cells, so that Tesseract never joins two cells into one line


def read_digit_cells(cells: list[Image.Image], timeout: float) -> list[str]:
    """Many cells of digits read in one Tesseract call: the cells are stacked on one white image, each on its own
    line, and each word goes back to the cell its centre falls in. One call instead of one per cell saves the
    ~0.09 s that each Tesseract start costs (31 cells on a quota table: 2.8 s -> 0.3 s)."""
    return [" ".join(w.text for w in words).strip(" .,") for words in _stacked_digits(cells, timeout)]


def read_digits(crop: Image.Image, timeout: float, psm: int = 8) -> tuple[str, float]:
    """One small image read as digits (Tesseract's English model, digits only; `psm` 8 a word, 7 a line), with
    the lowest confidence of what it read, in [0, 1] (0 when it read nothing). Stacking several such crops into one
    call, as read_digit_cells does, lost digits that a crop of its own keeps (measured on the samples' dates)."""
    buf = io.BytesIO()
    crop.convert("L").save(buf, format="PPM")
    image = buf.getvalue()
    cmd = [tesseract_binary(), "stdin", "stdout", "-l", "eng", "--psm", str(psm),
           "-c", "tessedit_char_whitelist=0123456789", "tsv"]  # fmt: skip
    tsv = _cache_get(cmd, image)
    if tsv is None:
        try:
            done = subprocess.run(cmd, input=image, capture_output=True, timeout=timeout, env=_env(), check=False)
        except subprocess.TimeoutExpired as e:
            raise Timeout(f"OCR of a header blank took longer than {timeout:.0f} s") from e
        if done.returncode != 0:
            return "", 0.0
        tsv = _cache_put(cmd, image, done.stdout.decode("utf-8", "replace"))
    words = parse_tsv(tsv)
    return "".join(w.text for w in words), min((w.conf for w in words), default=0.0) / 100.0


def _stacked_digits(cells: list[Image.Image], timeout: float) -> list[list[Word]]:
    if not cells:
        return []
    pad = CELL_GAP
    width = max(c.width for c in cells) + 2 * pad
    tops, y = [], pad
    for cell in cells:
        tops.append(y)
        y += cell.height + pad
    sheet = Image.new("L", (width, y), 255)
    for cell, top in zip(cells, tops, strict=True):
        sheet.paste(cell.convert("L"), (pad, top))
    buf = io.BytesIO()
    sheet.save(buf, format="PPM")
    sheet_bytes = buf.getvalue()
    cmd = [tesseract_binary(), "stdin", "stdout", "-l", "eng", "--psm", "6",
           "-c", f"tessedit_char_whitelist={DIGITS}", "tsv"]  # fmt: skip
    tsv = _cache_get(cmd, sheet_bytes)
    if tsv is None:
        try:
            done = subprocess.run(cmd, input=sheet_bytes, capture_output=True, timeout=timeout, env=_env(), check=False)
        except subprocess.TimeoutExpired as e:
            raise Timeout(f"OCR of table cells took longer than {timeout:.0f} s") from e
        if done.returncode != 0:
            return [[] for _ in cells]
        tsv = _cache_put(cmd, sheet_bytes, done.stdout.decode("utf-8", "replace"))
    words = parse_tsv(tsv)
    if words:  # a rule's remains at a cell's edge reads as a flat `4` or `,` a few pixels high: no digit is that flat
        median = sorted(w.height for w in words)[len(words) // 2]
        words = [w for w in drop_specks(words) if w.height >= 0.4 * median]
    slots: list[list[Word]] = [[] for _ in cells]
    for word in sorted(words, key=lambda w: w.left):
        middle = word.top + word.height / 2
        slot = next((i for i, (top, cell) in enumerate(zip(tops, cells, strict=True))
                     if top - pad / 2 <= middle < top + cell.height + pad / 2), None)  # fmt: skip
        if slot is not None:
            slots[slot].append(word)
    return slots


def parse_tsv(tsv: str) -> list[Word]:
    words: list[Word] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        words.append(
            Word(
                text=unicodedata.normalize("NFC", text),
                left=int(row["left"]),
                top=int(row["top"]),
                width=int(row["width"]),
                height=int(row["height"]),
                conf=max(0.0, float(row["conf"])),
                key=(int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
            )
        )
    return words


def drop_specks(words: list[Word]) -> list[Word]:
    """Drop what scan noise makes Tesseract read as words: low-confidence marks far smaller than the text."""
    if not words:
        return words
    heights = sorted(w.height for w in words)
    median = heights[len(heights) // 2]
    return [w for w in words if not (w.conf < 40 and (w.height < 0.6 * median or not any(c.isalnum() for c in w.text)))]


def split_columns(words: list[Word]) -> list[list[Word]]:
    """Cut one Tesseract line where a wide gap shows it ran across two columns (`Nơi nhận:` beside `KT. CHỦ TỊCH`)."""
    words = sorted(words, key=lambda w: w.left)
    height = sorted(w.height for w in words)[len(words) // 2]
    parts: list[list[Word]] = [[words[0]]]
    for prev, word in itertools.pairwise(words):
        if word.left - (prev.left + prev.width) > max(4 * height, 1):
            parts.append([])
        parts[-1].append(word)
    return parts


def words_to_lines(words: list[Word], page: int, scale: float) -> list[Line]:
    """Group words by Tesseract's (block, paragraph, line); boxes scaled from pixels to PDF points."""
    return [draft.line for draft in words_to_drafts(words, page, scale)]


def words_to_drafts(words: list[Word], page: int, scale: float) -> list[Draft]:
    """Lines as drafts (see layer.py): each word and the space after it a piece with its x-extent, in points."""
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        groups.setdefault(word.key, []).append(word)
    drafts: list[Draft] = []
    for (block, par, _), group in groups.items():
        for column, ws in enumerate(split_columns(group)):
            # a column cut off a line starts a block of its own, keyed by where it starts
            key = block * 1000 + par if column == 0 else -(block * 1000 + par) * 100 - column
            drafts.append(draft_of(ws, page, scale, key))
    return drafts


def draft_of(ws: list[Word], page: int, scale: float, block: int) -> Draft:
    """One line of words (left to right) as a draft with the given block, its box in points."""
    x0 = min(w.left for w in ws) * scale
    y0 = min(w.top for w in ws) * scale
    x1 = max(w.left + w.width for w in ws) * scale
    y1 = max(w.top + w.height for w in ws) * scale
    line = Line(
        page=page,
        text=" ".join(w.text for w in ws),
        bbox=(round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)),
        size=round((y1 - y0), 1),
        ocr=True,
        confidence=round(sum(w.conf for w in ws) / len(ws) / 100.0, 3),
        block=block,
        word_confidences=tuple(round(w.conf / 100.0, 3) for w in ws for _ in w.text.split()),
    )
    pieces: list[tuple[str, float, float]] = []
    for i, w in enumerate(ws):
        pieces.append((w.text, w.left * scale, (w.left + w.width) * scale))
        if i + 1 < len(ws):
            pieces.append((" ", (w.left + w.width) * scale, ws[i + 1].left * scale))
    bottoms = sorted((w.top + w.height) * scale for w in ws)
    rows = tuple((round(w.top * scale, 1), round((w.top + w.height) * scale, 1)) for w in ws)
    return Draft(line, pieces, bottoms[len(bottoms) // 2], word_rows=rows)


def ocr_page(image: bytes, page: int, dpi: int, lang: str, timeout: float) -> list[Line]:
    return [draft.line for draft in ocr_drafts(image, page, dpi, lang, timeout)]


def ocr_drafts(image: bytes, page: int, dpi: int, lang: str, timeout: float) -> list[Draft]:
    words = drop_specks(parse_tsv(run_tesseract(image, lang, timeout, dpi)))
    return words_to_drafts(words, page, 72.0 / dpi)
