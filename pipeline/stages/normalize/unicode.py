"""Character-level repair: stray and lookalike characters, spacing, and one tone-mark placement.

Tone marks: vnplan writes the classic placement used by Decree 30/2020/NĐ-CP's own examples and by underthesea's
normaliser: in open syllables `oa`, `oe`, `uy` the mark sits on the first vowel (`hòa`, `khỏe`, `thủy`), not the
second (`hoà`, `khoẻ`, `thuỷ`). After `q` the `u` belongs to the onset, so `quý`, `quả` keep theirs (`qúy` → `quý`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline import deadline
from pipeline.deadline import CHECK_EVERY
from pipeline.stages.normalize.edits import Edit
from pipeline.vi.text import SLASHES, toneless

RULES = "unicode.v1"

# Characters that text layers and OCR produce in place of Vietnamese ones, or that carry no text.
CHAR_MAP: dict[str, str] = {
    "\u00a0": " ",  # no-break space
    "\u2007": " ",
    "\u202f": " ",
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00f0": "đ",  # ð (eth) for đ
    "\u00d0": "Đ",  # Ð (capital eth) for Đ
    "\u0110": "Đ",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    **SLASHES,  # a document number's "/" written as a fraction, division or full-width slash
}

_TONES = {
    "\u0300": "grave",
    "\u0301": "acute",
    "\u0303": "tilde",
    "\u0309": "hook",
    "\u0323": "dot",
}


def _split_tone(ch: str) -> tuple[str, str]:
    """A letter without its tone mark, and the tone mark (or '')."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return base, tone


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


# The words place_tone may change: `qu…`, or ending in `oa`/`oe`/`uy`, matched on the toneless text (one character for
# one, so its offsets are the text's): most words are none, and are never looked at one by one.
_CANDIDATE = re.compile(r"(?<!\w)(?:qu\w+|\w*(?:oa|oe|uy))(?!\w)", re.IGNORECASE)


def tone_placement(text: str) -> list[Edit]:
    """Move the tone of open `oa`/`oe`/`uy` syllables onto the first vowel; fix `qúy`-style marks."""
    edits: list[Edit] = []
    for i, m in enumerate(_CANDIDATE.finditer(toneless(text))):
        if i % CHECK_EVERY == 0:
            deadline.check()  # one paragraph may be a megabyte long
        word = text[m.start() : m.end()]
        fixed = place_tone(word)
        if fixed != word:
            edits.append(Edit(m.start(), m.end(), fixed, "unicode.tone_placement.v1"))
    return edits


@lru_cache(maxsize=65_536)  # pure, and a document repeats its words: most calls are answered here (6 MB at most)
def place_tone(word: str) -> str:
    lower = word.lower()
    if len(word) < 2:
        return word
    bases = [_split_tone(c) for c in word]
    plain = "".join(b for b, _ in bases).lower()
    tones = [t for _, t in bases]
    if sum(1 for t in tones if t) != 1:
        return word
    if plain.startswith("qu") and len(plain) >= 3:
        # q-u-V: the tone belongs on the vowel after u (qúy -> quý)
        if tones[1] and plain[2] in "aeiouyâăêôơư":
            return word[0] + bases[1][0] + _with_tone(word[2], tones[1]) + word[3:]
        return word
    for glide in ("oa", "oe", "uy"):
        if plain.endswith(glide) and len(plain) >= 2 and tones[-1] and not lower.startswith("gi" + glide):
            i = len(word) - 2
            if i > 0 and plain[i - 1] in "aeiouyâăêôơư":
                return word  # a longer vowel cluster (e.g. 'oay' excluded above): leave it
            return word[:i] + _with_tone(word[i], tones[-1]) + bases[-1][0] + word[i + 2 :]
    return word


def character_edits(text: str) -> list[Edit]:
    """Map stray and lookalike characters; collapse runs of spaces; drop detached combining marks."""
    edits: list[Edit] = []
    # decided on the text's few distinct characters: most texts have none to map, and are not walked one by one
    stray = {ch for ch in set(text) if ch in CHAR_MAP or unicodedata.combining(ch)}
    for i, ch in enumerate(text if stray else ""):
        if ch not in stray:
            continue
        if ch in CHAR_MAP:
            edits.append(Edit(i, i + 1, CHAR_MAP[ch], "unicode.char_map.v1"))
        elif i == 0 or not text[i - 1].isalpha():
            edits.append(Edit(i, i + 1, "", "unicode.detached_mark.v1"))
    for m in re.finditer(r"[ĐÐ]{2}|[đð]{2}", text):  # OCR doubles a bold Đ; no Vietnamese word has two
        edits.append(Edit(m.start(), m.end(), "Đ" if m.group()[0] in "ĐÐ" else "đ", "unicode.doubled_d.v1"))
    for m in re.finditer(r"[ \t\u00a0\u2007\u202f]{2,}", text):
        edits.append(Edit(m.start(), m.end(), " ", "unicode.spaces.v1"))
    return _drop_overlaps(edits)


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    end = -1
    for e in sorted(edits, key=lambda e: (e.start, -e.end)):
        if e.start >= end:
            out.append(e)
            end = max(end, e.end)
    return out
