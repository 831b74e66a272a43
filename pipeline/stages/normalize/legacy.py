"""Legacy encodings: TCVN3 (ABC, `.VnTime` fonts), VNI and Windows-1258 text read as Latin-1, back to Unicode.

A PDF typed with a TCVN3 font gives `KÕ ho¹ch` for `Kế hoạch`; one typed with a VNI font gives `Keá hoaïch`.
Detection is per span (a paragraph), since one document can mix fonts: a span is converted only when it has no
letter that exists in Unicode Vietnamese alone (`ạ`, `ơ`, `đ`…: real Unicode text nearly always has one), and
decoding turns markedly more of its words into Vietnamese syllables. English, numbers and ordinary Unicode text
are never touched. Tables: pipeline/data/legacy_encodings.json (scripts/build_legacy_tables.py).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from pipeline.stages.normalize.edits import Edit
from pipeline.stages.normalize.unicode import place_tone
from pipeline.vi.lexicon import lexicon

_WORD = re.compile(r"\S+")
_PUNCT = ".,;:!?()[]\"'“”‘’/-–…"
MIN_GAIN = 0.3  # decoding must make this much more of the span's words Vietnamese syllables
MIN_VALID = 0.6  # and leave at least this share of them valid


def _unicode_only(ch: str) -> bool:
    """A letter that only Unicode Vietnamese text has (not Latin-1, so not a mojibake character)."""
    return ord(ch) > 0xFF and unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, "")


@lru_cache(maxsize=1)
def tables() -> dict[str, dict[str, str]]:
    text = (resources.files("pipeline") / "data" / "legacy_encodings.json").read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return {"tcvn3": data["tcvn3"], "vni": data["vni"], "cp1258": data["cp1258"]}


@lru_cache(maxsize=3)
def _pattern(encoding: str) -> re.Pattern[str]:
    keys = sorted(tables()[encoding], key=len, reverse=True)  # longest first: `aâ` before `a`
    return re.compile("|".join(re.escape(k) for k in keys))


def decode(word: str, encoding: str) -> str:
    """One word of mojibake in `encoding` as Unicode (NFC)."""
    table = tables()[encoding]
    return unicodedata.normalize("NFC", _pattern(encoding).sub(lambda m: table[m.group()], word))


def _all_caps(text: str) -> bool:
    """TCVN3 capitals come from a separate font (`.VnTimeH`) with the small letters' codes, so `KÕ HO¹CH` decodes
    as `Kế HOạCH`; when every plain letter of the span is a capital, the decoded letters are capitals too."""
    letters = [c for c in text if c.isascii() and c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _valid_share(words: list[str]) -> float:
    """How Vietnamese a span's words are: each word (punctuation stripped; codes and numbers left out) scores by
    how common a syllable it is, from 0 (none) to 1 (a hundred uses or more in the lexicon)."""
    cores = [w.strip(_PUNCT) for w in words]
    cores = [c for c in cores if any(ch.isalpha() for ch in c) and not any(ch.isdigit() for ch in c)]
    if not cores:
        return 0.0
    unigrams = lexicon().unigrams
    # tone placement is not evidence either way (`hoà` and `hòa` are one syllable)
    scores = [
        min(1.0, math.log10(unigrams.get(place_tone(c.lower()), 0) + 1) / 2) if c.isalpha() else 0.0 for c in cores
    ]
    return sum(scores) / len(scores)


def detect(text: str) -> str | None:
    """The legacy encoding a span is written in, or None when it is not one."""
    if any(_unicode_only(ch) for ch in text):
        return None
    words = _WORD.findall(text)
    if not any(not ch.isascii() for w in words for ch in w):
        return None
    before = _valid_share(words)
    best: tuple[float, str] | None = None
    for encoding in ("tcvn3", "vni", "cp1258"):
        after = _valid_share([decode(w, encoding) for w in words])
        if after - before >= MIN_GAIN and after >= MIN_VALID and (best is None or after > best[0]):
            best = (after, encoding)
    return best[1] if best else None


def legacy_edits(text: str, document_encoding: str | None = None) -> list[Edit]:
    """Edits that decode a TCVN3 or VNI span to Unicode; none when the span is not one.

    One changed word is too little to call a span legacy-encoded, unless the rest of the document
    (`document_encoding`) already is."""
    encoding = detect(text)
    if encoding is None:
        return []
    caps = encoding == "tcvn3" and _all_caps(text)
    rule = f"legacy.{encoding}.v1"
    edits = []
    for m in _WORD.finditer(text):
        decoded = decode(m.group(), encoding)
        decoded = decoded.upper() if caps else decoded
        if decoded != m.group():
            edits.append(Edit(m.start(), m.end(), decoded, rule))
    if len(edits) < 2 and encoding != document_encoding:
        return []
    return edits


def document_encoding(texts: list[str]) -> str | None:
    """The legacy encoding most spans of a document are in, when at least two are."""
    found = [e for e in (detect(t) for t in texts) if e]
    if len(found) < 2:
        return None
    return max(set(found), key=found.count)
