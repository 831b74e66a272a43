"""What can and cannot be a Vietnamese syllable: onset, rhyme and tone, by the rules of the writing system.

A syllable is (onset)(rhyme) with one tone mark on the rhyme. The rules checked here are the ones OCR errors break:
- the rhyme must be one of the language's rhymes (`ương`, `oanh`, `uyêt`…; not `ưong` or `anhh`);
- a rhyme closed by `c`, `ch`, `p` or `t` takes only the sắc or nặng tone (`tốt`, `học`; never `tồt`);
- spelling: `k`, `gh`, `ngh` only before `i`, `e`, `ê` (and `y`, `iê` for `k`); `c`, `g`, `ng` never before them
  (`gi` is an onset of its own); `q` only as `qu`.
Used to keep OCR correction from ever writing a non-syllable, and to find tokens OCR broke beyond a wrong mark.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}

_ONSETS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")  # fmt: skip

_OPEN = "a e ê i y o ô ơ u ư ia ua ưa oa oe uê uy uơ uya".split()
_AFTER_QU = "y ynh ych yn yt yên yêt ya".split()  # after `qu` the glide `u` is spelt once: quy, quỳnh, quyết
_GLIDED = ("ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu ươi ươu iêu yêu uôi oai oay oao oeo uây uyu").split()
_CLOSED = {
    # nucleus: codas it takes
    "a": "c ch m n ng nh p t",
    "ă": "c m n ng p t",
    "â": "c m n ng p t",
    "e": "c m n ng p t",
    "ê": "ch m n nh p t",
    "i": "ch m n nh p t",
    "o": "c m n ng p t",
    "ô": "c m n ng p t",
    "ơ": "m n p t",
    "u": "c m n ng p t",
    "ư": "c m n ng t",
    "iê": "c m n ng p t",
    "yê": "m n t",
    "uô": "c m n ng t",
    "ươ": "c m n ng p t",
    "oa": "c ch m n ng nh p t",
    "oă": "c m n ng t",
    "uâ": "n ng t",
    "oe": "n t",
    "uê": "ch nh",
    "uy": "ch n nh t",
    "uyê": "n t",
}
_STOPS = ("c", "ch", "p", "t")


@lru_cache(maxsize=1)
def rhymes() -> frozenset[str]:
    closed = {nucleus + coda for nucleus, codas in _CLOSED.items() for coda in codas.split()}
    return frozenset(set(_OPEN) | set(_GLIDED) | closed)


def split_tone(word: str) -> tuple[str, str | None]:
    """The word without its tone mark (other marks kept: `ương`), and the tone's name (None for ngang)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [TONE_MARKS[c] for c in decomposed if c in TONE_MARKS]
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    if len(tones) > 1:
        return base, "many"
    return base, tones[0] if tones else None


_FRONT = re.compile(r"^(i|e|ê|y|iê)")


def _spelling_ok(onset: str, rhyme: str) -> bool:
    front = bool(_FRONT.match(rhyme))
    if onset in ("k", "gh", "ngh"):
        return front if onset == "k" else bool(re.match(r"^(i|e|ê)", rhyme))
    if onset in ("c", "g", "ng"):
        return not front
    if onset == "qu":
        return not rhyme.startswith(("u", "o"))
    if onset == "gi":
        return True
    return True


@lru_cache(maxsize=65536)
def is_valid_syllable(word: str) -> bool:
    """Whether a word can be one Vietnamese syllable (letters only, any case)."""
    base, tone = split_tone(word.lower())
    if tone == "many" or not base.isalpha():
        return False
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rest = base[len(onset) :]
        # `gi` lends its `i` to a rhyme that starts with one: gìn = gi + in, giếng = gi + iêng, gì = gi + i
        options = [rest, "i" + rest] if onset == "gi" else [rest]
        for rhyme in options:
            known = rhyme in rhymes() or (onset == "qu" and rhyme in _AFTER_QU)
            if not known or not _spelling_ok(onset, rhyme):
                continue
            if rhyme.endswith(_STOPS) and tone not in ("sắc", "nặng"):
                continue
            return True
    return False
