"""Small, pure helpers for Vietnamese text: toneless matching keys, numbers, dates, document numbers, letter case.

Toneless forms are for matching only; output text always keeps its diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from pipeline.vi.syllable import is_valid_syllable

_EXTRA = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}


@lru_cache(maxsize=4096)
def _base(ch: str) -> str:
    if ch in _EXTRA:
        return _EXTRA[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


class _ToneTable(dict[int, str]):
    """The translation table of toneless(): each character's base, worked out the first time it is met."""

    def __missing__(self, cp: int) -> str:
        self[cp] = _base(chr(cp))
        return self[cp]


_TONELESS = _ToneTable()


def toneless(text: str) -> str:
    """Strip every diacritic, one character for one (so offsets in the result are offsets in `text`)."""
    if text.isascii():
        return text
    return text.translate(_TONELESS)  # one pass in C: toneless() is on every hot path


@lru_cache(maxsize=1 << 14)  # the same words and lines are keyed again and again (60,000 calls, 7,700 texts a batch)
def key(text: str) -> str:
    """A matching key: toneless, lower case, single-spaced."""
    return " ".join(toneless(text).lower().split())


# ---- numbers ---------------------------------------------------------------------------------------------------

NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUMBER_RE = re.compile(rf"^(?:{NUMBER})$")


def parse_number(text: str) -> float | None:
    """A number written the Vietnamese way: `12.800` = 12800, `2,5` = 2.5, `02` = 2. None if it is not one."""
    text = text.strip()
    if not _NUMBER_RE.match(text):
        return None
    return float(text.replace(".", "").replace(",", "."))


def format_number(value: float) -> str:
    """The inverse of parse_number: 12800 -> `12.800`, 2.5 -> `2,5`, 1234567.25 -> `1.234.567,25`."""
    whole, _, fraction = f"{value:,.6f}".rstrip("0").rstrip(".").partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


# ---- dates -----------------------------------------------------------------------------------------------------

_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?!\d)")
_WORDS = re.compile(r"ngay\s*:?\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*((?:19|20)\d{2})", re.IGNORECASE)


def make_date(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """`12/11/2020`, `ngày 29 tháng 01 năm 2021` (tone marks optional). The first date found, or None."""
    plain = toneless(text)
    for regex in (_WORDS, _DMY):
        m = regex.search(plain)
        if m:
            found = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if found:
                return found
    return None


# ---- document numbers (số, ký hiệu) -----------------------------------------------------------------------------

# Slashes that text layers and OCR give for the "/" between a number and its symbol: the fraction slash U+2044
# (Tesseract reads a handwritten or italic "/" so), the division slash U+2215, the full-width solidus U+FF0F.
SLASHES = {"\u2044": "/", "\u2215": "/", "\uff0f": "/"}
_SLASHES = str.maketrans(SLASHES)


def plain_slashes(text: str) -> str:
    """`239⁄TTr-CAT` -> `239/TTr-CAT`: every slash-like character as "/" (one character for one, offsets kept)."""
    return text.translate(_SLASHES)


_SYMBOL_PART = r"[A-ZĐ][A-Za-zĐđ0-9]*"
DOC_NUMBER = (
    rf"\d{{1,5}}\s*(?:/\s*(?:19|20)\d{{2}}\s*)?/\s*{_SYMBOL_PART}(?:\s*-\s*{_SYMBOL_PART})*"
    rf"|\d{{1,5}}-{_SYMBOL_PART}/{_SYMBOL_PART}"  # Party documents: 194-KH/TU
)
DOC_NUMBER_RE = re.compile(rf"(?<![\w/])(?:{DOC_NUMBER})(?![\w/])")


# The symbols Decree 30/2020/NĐ-CP writes in mixed case (Tờ trình, Chương trình, Quy định, Phiếu trình, Thủ tướng
# Chính phủ), which OCR of a bold header and capitalised text layers give in capitals.
MIXED_CASE_SYMBOLS = ("TTr", "CTr", "QyĐ", "PTr", "TTg", "TTrg")
_MIXED_CASE = {s.upper(): s for s in MIXED_CASE_SYMBOLS}
_SYMBOL_SEGMENT = re.compile(r"(?<=[/-])[A-Za-zĐđ]+(?=$|[-/(])")


def symbol_case(part: str) -> str:
    """A part of a symbol as Decree 30 spells it: `TTR` -> `TTr`, `QYĐ` -> `QyĐ`; any other part as it is."""
    return _MIXED_CASE.get(part.upper(), part)


def clean_doc_number(text: str) -> str:
    """`33 /KH-BCĐ` -> `33/KH-BCĐ`: no spaces inside a number and symbol; `91/TTR-CAT` -> `91/TTr-CAT`."""
    number = re.sub(r"\s+", "", text).strip(".-/")
    return _SYMBOL_SEGMENT.sub(lambda m: symbol_case(m[0]), number)


# ---- letter case -----------------------------------------------------------------------------------------------

ACRONYMS = {
    "UBND", "HĐND", "BCĐ", "BCĐQG", "MTTQ", "UBMTTQ", "HMTN", "CTĐ", "PT-TH", "TTĐT", "THCS", "THPT", "TW", "TƯ",
    "CAND", "QĐND", "CLB", "TNHH", "TNTN", "LĐLĐ", "VN", "HĐ", "VT",
}  # fmt: skip
_TITLE_WORDS = ("Chủ tịch", "Phó Chủ tịch", "Chỉ đạo", "Thường trực", "Trưởng ban", "Phó Trưởng ban", "Giám đốc",
                "Phó Giám đốc", "Bộ trưởng", "Thứ trưởng", "Ủy ban", "Nhân dân", "Việt Nam")  # fmt: skip


def sentence_case(text: str) -> str:
    """`PHÓ CHỦ TỊCH UBND TỈNH` -> `Phó Chủ tịch UBND tỉnh`: lower case but acronyms and title words."""
    if not text.isupper():
        return text
    words = []
    for word in text.split():
        stripped = word.strip(".,;:()")
        # an acronym: a listed one, or any capitals that cannot be one Vietnamese syllable (`ĐHQG`, `BQL`)
        acronym = stripped in ACRONYMS or (stripped.isalpha() and not is_valid_syllable(stripped))
        words.append(word if acronym else word.lower())
    out = " ".join(words)
    for phrase in _TITLE_WORDS:
        out = re.sub(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", phrase, out)
    return out[:1].upper() + out[1:]
