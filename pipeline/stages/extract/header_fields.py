"""The header's fields, each with its evidence and confidence, or null with a warning that names the field.

A value is given only when it is read whole: a number whose digits are blank (`Số:      /KH-UBND`, an unsigned
draft, an e-office stamp missing) is null with `no_number`; digits that OCR could not read (handwriting, a seal)
null with `number_unreadable`; the same for the date (`no_date`, `date_unreadable`), the title
(`title_unreadable`: a stamp across it, or words that are no syllable) and the issuer (`issuer_unreadable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.plan import FieldEvidence
from pipeline.records import Document
from pipeline.stages.extract.evidence import source, union_box
from pipeline.stages.header import Header, HLine, type_from_symbol
from pipeline.stages.header.lines import TYPE_SYMBOLS
from pipeline.stages.header.mend import Mended, mend_words
from pipeline.vi.gazetteer import province_names, restore_place_case
from pipeline.vi.orgs import body_case, issuer_name, split_bodies
from pipeline.vi.syllable import is_valid_syllable
from pipeline.vi.text import MIXED_CASE_SYMBOLS, key, make_date, plain_slashes, sentence_case, symbol_case

TEXT_LAYER = 0.95  # certainty of a value read from a text layer where Decree 30 puts it
OCR_DIGITS = 0.85  # a number or day read by OCR: the lowest word confidence that is trusted (handwriting is lower)


@dataclass
class Field:
    """A header field: its value, its evidence with its confidence, or the warning that says why it is null."""

    value: Any = None
    source: FieldEvidence | None = None
    warning: tuple[str, str] | None = None
    page: int | None = None  # the page the warning concerns, when the field has no evidence there


def span_source(doc: Document, lines: list[HLine], confidence: float) -> FieldEvidence:
    """Evidence over one or more header lines: the first line's page, the union of the boxes on that page."""
    first = lines[0]
    ev = source(doc.paragraphs[first.para], first.start, first.end)
    if len(lines) > 1:
        boxes = [list(hl.bbox) for hl in lines if hl.bbox and hl.page == first.page]
        ev.text = " ".join(hl.text.strip() for hl in lines)
        ev.raw_text = " ".join(source(doc.paragraphs[hl.para], hl.start, hl.end).raw_text for hl in lines)
        box = union_box(boxes)
        ev.bbox = [round(v, 1) for v in box] if box else ev.bbox
    return FieldEvidence(**ev.model_dump(), confidence=round(min(1.0, max(0.0, confidence)), 3))


def line_confidence(lines: list[HLine]) -> float:
    """The evidence's OCR confidence (1.0 for a text layer), times the certainty of the zone it was read in."""
    confs = [hl.confidence for hl in lines if hl.confidence is not None]
    return TEXT_LAYER * (min(confs) if confs else 1.0)


# ---- number ------------------------------------------------------------------------------------------------------

_AFTER_SO = re.compile(r"^\W{0,3}s\S?\s*[:;.,]?\s*", re.IGNORECASE)
_LOOKALIKE_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0", "o": "0"})


def number_field(doc: Document, h: Header, doc_type: str | None) -> Field:
    hl = h.number
    if hl is None:
        return Field(warning=("no_number", "the document's number was not found"))
    line = plain_slashes(hl.text)
    text = line[_AFTER_SO.match(line).end() if _AFTER_SO.match(line) else 0 :]  # type: ignore[union-attr]
    if "/" not in text:
        return Field(warning=("number_unreadable", f"the number line reads {hl.text.strip()!r}: no symbol"))
    left, rest = text.split("/", 1)
    rest = re.sub(r"\s*-\s*", "-", rest.strip())
    symbol = _clean_symbol(rest.split()[0] if rest.split() else "", doc_type)
    digits = left.strip(" .…_-,'`\"")
    if not digits:
        why = "no digits were read in its blank (left blank, or handwriting not read)" if hl.confidence else "blank"
        return Field(warning=("no_number", f"the number line has no number, {why}: {hl.text.strip()!r}"))
    if not re.fullmatch(r"\d{1,5}", digits):
        fixed = digits.translate(_LOOKALIKE_DIGITS)
        typed = hl.confidence is None or " " not in digits
        if not (
            typed and re.fullmatch(r"\d{2,5}", fixed) and sum(a != b for a, b in zip(digits, fixed, strict=True)) == 1
        ):
            return Field(warning=("number_unreadable", f"the number's digits cannot be read: {hl.text.strip()!r}"))
        digits = fixed
    if symbol is None:
        return Field(warning=("number_unreadable", f"the number's symbol cannot be read: {hl.text.strip()!r}"))
    conf = _digits_confidence(hl, digits)
    if conf < OCR_DIGITS * TEXT_LAYER:
        return Field(warning=("number_unreadable", f"the number's digits were read with confidence {conf:.2f}"))
    return Field(f"{digits}/{symbol}", span_source(doc, [hl], conf))


def _clean_symbol(symbol: str, doc_type: str | None) -> str | None:
    """`QĐÐ-UBND` -> `QĐ-UBND`; `TIr-SYT` -> `TTr-SYT` when the type heading says Tờ trình; None when a
    part is not a symbol's (OCR debris)."""
    symbol = re.sub(r"[ĐÐ]{2,}", "Đ", symbol.replace("Ð", "Đ")).strip(" .,;:_")
    symbol = re.sub(r"\s*([-/()])\s*", r"\1", symbol)
    parts = re.split(r"[-/()]", symbol)
    if not parts or not all(parts[i] for i in range(len(parts)) if i < len(parts) - 1 or not symbol.endswith(")")):
        return None
    wanted = next((abbr for abbr, t in TYPE_SYMBOLS.items() if t == doc_type), None)
    first = parts[0]
    if wanted and first.upper() != wanted and _near(first.upper(), wanted) and first.upper() not in TYPE_SYMBOLS:
        proper = symbol_case(wanted)
        symbol = proper + symbol[len(first) :]
        parts[0] = proper
    for part in (p for p in parts if p):
        if not re.fullmatch(r"[A-ZĐ0-9]+", part) and part not in MIXED_CASE_SYMBOLS:
            return None
    return symbol


def _near(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _digits_confidence(hl: HLine, digits: str) -> float:
    """How sure the digits are: a text layer's are what the PDF says; OCR's, the confidence of the word that holds
    them. A line's mean says nothing of the handwritten number in it, so OCR without word confidences is 0."""
    if hl.confidence is None:
        return TEXT_LAYER
    conf = hl.word_confidence(digits) if hl.words else None
    return TEXT_LAYER * conf if conf is not None else 0.0


# ---- date and place ----------------------------------------------------------------------------------------------

_DATE_PARTS = re.compile(r"ngay(?P<d>.{0,8}?)thang(?P<m>.{0,8}?)nam\W{0,3}(?P<y>(?:19|20)\d\d)")


def date_field(doc: Document, h: Header) -> tuple[Field, Field]:
    """(date, place) from the place-and-date line."""
    hl = h.place_date
    if hl is None:
        return Field(warning=("no_date", "the document's date was not found")), Field()
    k = hl.key
    place = _place(hl.text)
    place_field = Field(place, span_source(doc, [hl], line_confidence([hl]))) if place else Field()
    m = _DATE_PARTS.search(k)
    if m is None:
        return Field(warning=("date_unreadable", f"the date line reads {hl.text.strip()!r}")), place_field
    day, month = (m.group(g).strip(" .,:;_-") for g in ("d", "m"))
    if not day or not month:
        blank = "day" if not day else "month"
        why = " (or its handwriting was not read)" if hl.confidence else ""
        message = f"the date line leaves the {blank} blank{why}: {hl.text.strip()!r}"
        return Field(warning=("no_date", message)), place_field
    if not (re.fullmatch(r"\d{1,2}", day) and re.fullmatch(r"\d{1,2}", month)):
        return Field(warning=("date_unreadable", f"the date cannot be read: {hl.text.strip()!r}")), place_field
    when = make_date(int(day), int(month), int(m.group("y")))
    conf = _digits_confidence(hl, day)
    if when is None or conf < OCR_DIGITS * TEXT_LAYER:
        return Field(warning=("date_unreadable", f"the date cannot be read: {hl.text.strip()!r}")), place_field
    return Field(when.isoformat(), span_source(doc, [hl], conf)), place_field


def _place(text: str) -> str | None:
    """The place before `, ngày`, as the gazetteer spells it when it is a province (`Yên Bải` -> `Yên Bái`)."""
    m = re.match(r"^\W*(.+?)\s*[,.]\s*ng\w*\W*\d*\s*th", text) or re.match(r"^\W*(.+?)\s*[,.]", text)
    if not m:
        return None
    place = m.group(1).strip(" *_")
    names = province_names()
    k = key(place)
    for prefix in ("thanh pho ", "tp. ", "tp "):
        if k.startswith(prefix) and k[len(prefix) :] in names and names[k[len(prefix) :]] == "Hồ Chí Minh":
            return "Thành phố Hồ Chí Minh"
    return names.get(k, place) if readable(place) or k in names else None


# ---- issuer ------------------------------------------------------------------------------------------------------


def issuer_field(doc: Document, h: Header) -> tuple[Field, Field]:
    """(issuer, issuer_parent) from the issuer column: the lowest body, with its parent's place."""
    lines = [hl for hl in h.issuer if _caps(hl.text)]
    bodies = split_bodies([hl.text for hl in lines])
    if not bodies:
        return Field(warning=("no_issuer", "the issuing body was not found in the header")), Field()
    if not all(readable(b, acronyms=True) for b in bodies[-2:]):
        return Field(warning=("issuer_unreadable", f"the issuer column reads {' / '.join(bodies)!r}")), Field()
    parent = bodies[-2] if len(bodies) > 1 else None
    src = span_source(doc, lines, line_confidence(lines))
    return Field(issuer_name(bodies[-1], parent), src), Field(body_case(parent), src) if parent else Field()


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def readable(text: str, acronyms: bool = False) -> bool:
    """Whether every word reads: a Vietnamese syllable, a number, an acronym or code (`UBND`, `K4`, `TW`), a place
    of the gazetteer (`Đắk Nông`) or a Latin word (`Index`); OCR debris (`Bìnø`, `SỞYTẾTỈNHX`, `c`), a bracket
    left open or a year cut short (`năm 202`) does not."""
    if text.count("(") != text.count(")") or re.search(r"\bnăm \d{1,3}$|\bnăm \d{3}\b", text):
        return False
    for word in re.split(r"[\s\-–—/,;:()\"“”'‘’.]+", text):
        w = word.strip("*_`!?…")
        if not w or w.isdigit() or is_valid_syllable(w) or w in _place_words():
            continue
        if re.fullmatch(r"[A-ZĐ0-9]{1,8}", w) and (acronyms or len(w) <= 6):
            continue
        if re.fullmatch(r"[A-Za-z0-9&%+]{2,12}", w) and re.search(r"[aeiouyAEIOUY0-9]", w):
            continue  # a Latin word or a code: `Index`, `5G`
        if re.fullmatch(r"[A-ZĐ][A-Za-zĐđ0-9]{1,11}", w):
            continue  # a symbol's part: `TTg`, `QyĐ`
        return False
    return True


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """Words of the provinces' names, in any case: `Đắk`, `Kạn` are no Vietnamese syllables but are places."""
    words = {w for name in province_names().values() for w in name.split()}
    return frozenset(words | {w.upper() for w in words})


# A "word" of marks no title prints on their own (`‹`, `ˆ`, `°`): a speck of the paper or the seal
_DEBRIS = re.compile(r"(?<!\S)(?:[`´^~ˆ¨¬|_•◦°„‚]|[^\w\s\-–—.,;:()\"“”'‘’/%&+…])+(?!\S)")


def clean_title(text: str) -> str:
    """A title without OCR specks (a lone backtick), stops inside it (`Kế. hoạch`) and spaces before a colon or a
    comma (`Về việc : Giao`, typewriter style)."""
    text = _DEBRIS.sub(" ", text)
    text = re.sub(r"(?<=\w)\s+(?=[:;,](?:\s|$))", "", text)
    text = re.sub(r"(?<=\w)\.(?= [a-zà-ỹđ])", "", text)
    return " ".join(text.split()).strip(" *_")


# ---- type and title ----------------------------------------------------------------------------------------------


def type_field(doc: Document, h: Header, number: str | None) -> Field:
    """The type heading; else the number's symbol (`12/HD-SYT` -> Hướng dẫn); else a Công văn, which has a
    `V/v` summary or a number without a type."""
    if h.type_line is not None:
        return Field(h.doc_type, span_source(doc, [h.type_line], line_confidence([h.type_line])))
    symbol = number or (h.number.text.split("/", 1)[-1].strip() if h.number and "/" in h.number.text else None)
    by_symbol = type_from_symbol(f"0/{symbol.split('/')[-1]}" if symbol else None)
    if by_symbol:
        return Field(by_symbol, span_source(doc, [h.number], 0.85) if h.number else None)
    if h.summary and (h.summary[0].kind == "vv" or symbol):
        return Field("Công văn", span_source(doc, h.summary[:1], 0.85))
    return Field(warning=("no_doc_type", "the document's type was not found: no type line, no type in the number"))


# A title never opens with a word that joins it to something before: OCR misread its first word (`và …`).
_OPENS_WRONG = re.compile(r"^(?:va|cua|voi|cho|ma|thi|nhung)\b")


def title_field(doc: Document, h: Header, doc_type: str | None) -> Field:
    """The title under the type line; for a Công văn the `V/v` summary without `V/v`; for a summary under the
    number that begins with the type (`Hướng dẫn thực hiện …`), the words after the type."""
    lines = h.title or h.summary
    if not lines:
        return Field(warning=("no_title", "the document's title was not found"))
    mended = mended_title(doc, lines)
    text = clean_title(" ".join(mended.words))
    if mended.doubts:
        doubt = ", ".join(repr(w) for w in mended.doubts)
        return Field(warning=("title_unreadable", f"the title's {doubt} is printed otherwise elsewhere: {text!r}"))
    if lines is h.summary:
        text = re.sub(r"^\W{0,2}[Vv]\s*/\s*[Vv]\s*[:.]?\s*", "", text)
        if doc_type and key(text).startswith(key(doc_type) + " "):
            text = text[len(doc_type) :].strip()
    if h.title_blocked or not readable(text) or _OPENS_WRONG.match(key(text)):
        return Field(warning=("title_unreadable", f"the title is crossed by a stamp or unreadable: {text!r}"))
    if _caps(text):
        text = restore_place_case(sentence_case(text))
    return Field(text, span_source(doc, lines, line_confidence(lines)))


def mended_title(doc: Document, lines: list[HLine]) -> Mended:
    """The title's words, those OCR garbled replaced by the document's own repetition of them (header.mend)."""
    words: list[str] = []
    confidences: list[float | None] = []
    for hl in lines:
        split = hl.text.split()
        words += split
        confidences += list(hl.words) if len(hl.words) == len(split) else [hl.confidence] * len(split)
    return mend_words(words, confidences, _corpus(doc, lines))


def _corpus(doc: Document, lines: list[HLine]) -> list[list[str]]:
    """The document's paragraphs as words, the title's own lines cut out (a place that repeats them is no
    evidence for them), each cut ending a passage so that no context runs across it."""
    cuts: dict[int, list[tuple[int, int]]] = {}
    for hl in lines:
        cuts.setdefault(hl.para, []).append((hl.start, hl.end))
    out: list[list[str]] = []
    for i, p in enumerate(doc.paragraphs):
        at = 0
        for start, end in sorted(cuts.get(i, [])):
            out.append(p.text[at:start].split())
            at = max(at, end)
        out.append(p.text[at:].split())
    return [words for words in out if words]
