"""Build pipeline/data/lexicon.json.gz: Vietnamese syllables and syllable pairs, the context for OCR correction.

Sources, all shipped offline:
- underthesea's `corpus/data/Viet74K.txt` (73,901 Vietnamese words): the syllable pairs inside each word;
- underthesea's word-segmented VLSP 2013 sample (`pos_crf_vlsp2013_*/test_output.txt`): how often each word
  (and so each pair inside a word) is used in running text, so frequent readings win;
- `pipeline/data/admin_phrases.txt`: standard phrases of the administrative register;
- `pipeline/data/gazetteer.json`: names of provinces, districts and communes, before and after the 2025 merger.

Run: `python scripts/build_lexicon.py`. The output is committed; the tests check it is up to date.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import unicodedata
from collections import Counter
from importlib import resources
from pathlib import Path

from pipeline.stages.normalize.unicode import place_tone

DATA = Path(__file__).resolve().parents[1] / "pipeline" / "data"
OUT = DATA / "lexicon.json.gz"
_SYLLABLE = re.compile(r"[^\W\d_]+")


def syllables(text: str) -> list[str]:
    """Lower-case syllables with vnplan's tone placement (`hòa`, `thủy`), as the corrector's input will have it."""
    text = unicodedata.normalize("NFC", text).lower()
    return [place_tone(s) for s in _SYLLABLE.findall(text)]


def add_phrase(text: str, unigrams: Counter[str], bigrams: Counter[str], weight: int) -> None:
    syls = syllables(text)
    for s in syls:
        unigrams[s] += weight
    for a, b in itertools.pairwise(syls):
        bigrams[f"{a} {b}"] += weight


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the OCR-correction lexicon.")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write it (default: {OUT})")
    out: Path = parser.parse_args().out
    unigrams: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    register: Counter[str] = Counter()  # pairs of standard phrases of the administrative register
    places: Counter[str] = Counter()  # pairs inside place names: evidence for names only
    ut = resources.files("underthesea")
    for word in (ut / "corpus" / "data" / "Viet74K.txt").read_text("utf-8").splitlines():
        add_phrase(word, unigrams, bigrams, 1)
    sample = next((ut / "pipeline" / "pos_tag" / "models").iterdir()) / "test_output.txt"
    # The sample is segmented into words: only pairs inside a word are evidence (`trao đổi`), never pairs across
    # two words (`trong tình`, of `trong tình hình`), which fit almost anywhere.
    for line in sample.read_text("utf-8").splitlines():
        if line.strip():
            add_phrase(line.split("\t")[0], unigrams, bigrams, 1)
    for line in (DATA / "admin_phrases.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            add_phrase(line, unigrams, register, 1)
    gazetteer = json.loads((DATA / "gazetteer.json").read_text("utf-8"))
    for era in ("old", "new"):
        for unit in gazetteer[era].values():
            for name in [unit["name"], *unit.get("districts", []), *unit.get("communes", [])]:
                add_phrase(name, unigrams, places, 1)
    lexicon = {
        "about": "Syllable and syllable-pair counts for OCR correction; built by scripts/build_lexicon.py.",
        "unigrams": dict(sorted(unigrams.items())),
        "bigrams": dict(sorted(bigrams.items())),
        "register": dict(sorted(register.items())),
        "places": dict(sorted(places.items())),
    }
    raw = json.dumps(lexicon, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"{out}: {len(unigrams)} syllables, {len(bigrams)} pairs, {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
