"""The Vietnamese lexicon the repairs consult: syllable counts, syllable pairs, abbreviations (see scripts/)."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline.vi.text import toneless

SYLLABLE = re.compile(r"[^\W\d_]+")
FUNCTION_WORDS = 60  # how many of the most frequent syllables count as function words


@dataclass(frozen=True)
class Lexicon:
    unigrams: dict[str, int]
    pairs: dict[str, int]
    register: dict[str, int]  # pairs of standard phrases of the administrative register
    places: dict[str, int]  # pairs inside the names of provinces, districts and communes
    variants: dict[str, tuple[str, ...]]  # toneless form -> syllables sharing it
    expansions: dict[str, tuple[str, str]]  # abbreviation -> (first, last) syllable of its expansion
    function_words: frozenset[str]  # the most frequent syllables: a pair with one of them says little


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data_dir = resources.files("pipeline") / "data"
    data = json.loads(gzip.decompress((data_dir / "lexicon.json.gz").read_bytes()))
    unigrams: dict[str, int] = data["unigrams"]
    variants: dict[str, list[str]] = {}
    for syl in unigrams:
        variants.setdefault(toneless(syl), []).append(syl)
    abbreviations: dict[str, str] = json.loads((data_dir / "abbreviations.json").read_text("utf-8"))["expansions"]
    expansions = {}
    for abbr, full in abbreviations.items():
        syls = SYLLABLE.findall(full.lower())
        if syls:
            expansions[abbr] = (syls[0], syls[-1])
    return Lexicon(
        unigrams,
        data["bigrams"],
        data["register"],
        data["places"],
        {k: tuple(v) for k, v in variants.items()},
        expansions,
        frozenset(sorted(unigrams, key=lambda k: unigrams[k], reverse=True)[:FUNCTION_WORDS]),
    )


def is_syllable(word: str) -> bool:
    """Whether a lower-cased word is a known Vietnamese syllable."""
    return word in lexicon().unigrams
