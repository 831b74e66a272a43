"""Legacy encodings: TCVN3 (ABC, `.VnTime` fonts) and VNI text that reads as Latin-1 mojibake, back to Unicode.

A PDF typed with a TCVN3 font gives `KÕ ho¹ch` for `Kế hoạch`; one typed with a VNI font gives `Keá hoaïch`.
Detection is per span (a paragraph), since one document can mix fonts: a span is converted only when it has no
letter that exists in Unicode Vietnamese alone (`ạ`, `ơ`, `đ`…: real Unicode text nearly always has one), and
decoding turns markedly more of its words into Vietnamese syllables. English, numbers and ordinary Unicode text
are never touched. Tables: pipeline/data/legacy_encodings.json (scripts/build_legacy_tables.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from pipeline.normalize.edits import Edit
from pipeline.normalize.lexicon import is_syllable
from pipeline.normalize.unicode import place_tone

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
    return {"tcvn3": data["tcvn3"], "vni": data["vni"]}


@lru_cache(maxsize=2)
def _pattern(encoding: str) -> re.Pattern[str]:
    keys = sorted(tables()[encoding], key=len, reverse=True)  # longest first: `aâ` before `a`
    return re.compile("|".join(re.escape(k) for k in keys))


def decode(word: str, encoding: str) -> str:
    """One word of mojibake in `encoding` as Unicode (NFC)."""
    table = tables()[encoding]
    out = unicodedata.normalize("NFC", _pattern(encoding).sub(lambda m: table[m.group()], word))
    if encoding == "tcvn3":
        out = _restore_caps(word, out)
    return out


def _restore_caps(raw: str, decoded: str) -> str:
    """TCVN3 capitals came from a separate font (`.VnTimeH`), so `HO¹CH` decodes as `HOạCH`: raise the odd letter."""
    letters = [c for c, r in zip(decoded, raw, strict=False) if r.isascii() and c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return decoded.upper()
    return decoded


def _valid_share(words: list[str]) -> float:
    """The share of words (punctuation stripped) that are, whole, a Vietnamese syllable."""
    cores = [w.strip(_PUNCT) for w in words]
    cores = [c for c in cores if any(ch.isalpha() for ch in c)]
    if not cores:
        return 0.0
    # tone placement is not evidence either way (`hoà` and `hòa` are one syllable)
    return sum(c.isalpha() and is_syllable(place_tone(c.lower())) for c in cores) / len(cores)


def legacy_edits(text: str) -> list[Edit]:
    """Edits that decode a TCVN3 or VNI span to Unicode; none when the span is not one."""
    if any(_unicode_only(ch) for ch in text):
        return []
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    suspects = [(s, e, w) for s, e, w in words if any(not ch.isascii() for ch in w)]
    if not suspects:
        return []
    before = _valid_share([w for _, _, w in words])
    best: tuple[float, str] | None = None
    for encoding in ("tcvn3", "vni"):
        after = _valid_share([decode(w, encoding) for _, _, w in words])
        if after - before >= MIN_GAIN and after >= MIN_VALID and (best is None or after > best[0]):
            best = (after, encoding)
    if best is None:
        return []
    encoding = best[1]
    rule = f"legacy.{encoding}.v1"
    edits = [Edit(s, e, d, rule) for s, e, w in words if (d := decode(w, encoding)) != w]
    if len(edits) < 2:
        return []  # one odd word is not enough to call a span legacy-encoded
    return edits
