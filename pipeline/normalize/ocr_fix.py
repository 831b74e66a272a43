"""OCR-error correction of Vietnamese syllables, conservative and explained.

Most OCR errors in Vietnamese are real syllables with the wrong marks (`đò` for `đỏ`, `Cùng cố` for `Củng cố`,
`ĐỀN Số` for `ĐẾN Số`), so a spelling list cannot see them. Here a syllable is replaced by another with the same
letters but other marks (its toneless form is the same) only when the context clearly prefers it:

- **lexicon pairs**: syllable pairs inside Vietnamese words (Viet74K), in running text (VLSP sample), in standard
  phrases of the administrative register, and in place names (see scripts/build_lexicon.py);
- **the document itself**: a plan repeats its key phrases (`hiến máu tình nguyện` dozens of times), so a pair that
  the document uses often is evidence for its rarer, differently-marked twin.

A change is made only when the syllable as read has no support from either neighbour (no lexicon pair, no other
occurrence in the document), and the candidate has some, clearly more. Abbreviations next to a syllable stand for
their expansion (`Công TTĐT` is read as `Công thông tin điện tử`, which makes `Cổng` the better reading).
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline.normalize.edits import Edit
from pipeline.vntext import toneless

RULE = "ocr.context_marks.v1"
_SYLLABLE = re.compile(r"[^\W\d_]+")
_GAP = re.compile(r"^[ \t]*$")  # neighbours count as context only when nothing but spaces separates them


# Evidence weights and thresholds, set by hand on the passages of tests/test_ocr_fix.py and on the corrections that
# benchmarks/list_corrections.py lists for the samples (a synthetic-damage benchmark is still to come, issue #4).
REGISTER_WEIGHT = 10  # a pair from a standard phrase of the administrative register
DOC_WEIGHT = 10  # each other occurrence of the pair in this document
MIN_EVIDENCE = 3  # a pair seen once, in a dictionary entry only, is not enough
COMMON = 100  # a syllable this frequent is a word in its own right: it needs more evidence to be replaced
MIN_EVIDENCE_COMMON = 10
FUNCTION_WORDS = 60
FREQUENT_IN_DOC = 4  # a syllable used this often in the document is not overturned by general usage alone


@dataclass(frozen=True)
class Lexicon:
    unigrams: dict[str, int]
    pairs: dict[str, int]
    register: dict[str, int]  # pairs of standard phrases of the administrative register
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
        syls = _SYLLABLE.findall(full.lower())
        if syls:
            expansions[abbr] = (syls[0], syls[-1])
    return Lexicon(
        unigrams,
        data["bigrams"],
        data["register"],
        {k: tuple(v) for k, v in variants.items()},
        expansions,
        frozenset(sorted(unigrams, key=lambda k: unigrams[k], reverse=True)[:FUNCTION_WORDS]),
    )


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _SYLLABLE.finditer(text)]


@dataclass(frozen=True)
class DocCounts:
    """Syllable and pair counts of the document being corrected."""

    unigrams: Counter[str]
    pairs: Counter[str]


def document_pairs(texts: list[str]) -> DocCounts:
    unigrams: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for text in texts:
        toks = tokens(text)
        unigrams.update(t.lower for t in toks)
        for a, b in itertools.pairwise(toks):
            if _GAP.match(text[a.end : b.start]):
                pairs[f"{a.lower} {b.lower}"] += 1
    return DocCounts(unigrams, pairs)


def _context(text: str, toks: list[Token], i: int, lex: Lexicon) -> tuple[str | None, str | None]:
    """The syllables before and after token i, abbreviations standing for their expansion."""
    prev = nxt = None
    if i > 0 and _GAP.match(text[toks[i - 1].end : toks[i].start]):
        t = toks[i - 1].text
        prev = lex.expansions[t][1] if t in lex.expansions else t.lower()
    if i + 1 < len(toks) and _GAP.match(text[toks[i].end : toks[i + 1].start]):
        t = toks[i + 1].text
        nxt = lex.expansions[t][0] if t in lex.expansions else t.lower()
    return prev, nxt


def evidence(cand: str, prev: str | None, nxt: str | None, lex: Lexicon, doc: DocCounts, own: str, mode: str) -> int:
    """How much the lexicon, the register and this document support `cand` between its neighbours. For a
    replacement, a pair with one of the most frequent syllables (`các`, `và`…) is no evidence: it fits anything."""
    total = 0
    for neighbour, key in ((prev, f"{prev} {cand}"), (nxt, f"{cand} {nxt}")):
        if neighbour is None or (cand != own and neighbour in lex.function_words):
            continue
        general = lex.pairs.get(key, 0) if mode == "all" else 0
        register = lex.register.get(key, 0) if mode != "document" else 0
        others = doc.pairs.get(key, 0) - (1 if cand == own else 0)  # this occurrence is no evidence for itself
        total += general + REGISTER_WEIGHT * register + DOC_WEIGHT * max(others, 0)
    return total


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _is_name_like(text: str, tok: Token, i: int) -> bool:
    """A capitalised word inside a sentence, probably part of a name: only the document's own usage may change it."""
    if not tok.text[:1].isupper() or tok.text.isupper():
        return False
    before = text[: tok.start].rstrip(" \t")
    return bool(before) and before[-1] not in '.:;!?-–•+“"(' and i > 0


def correct(text: str, doc: DocCounts) -> list[Edit]:
    """Edits that fix wrongly-marked syllables of one paragraph, given the document's counts."""
    lex = lexicon()
    toks = tokens(text)
    edits: list[Edit] = []
    for i, tok in enumerate(toks):
        if tok.text in lex.expansions or (tok.text.isupper() and len(tok.text) > 1 and toneless(tok.text) == tok.text):
            continue  # abbreviations and unmarked capitals (acronyms) are not syllables to re-mark
        original = tok.lower
        candidates = [c for c in lex.variants.get(toneless(original), ()) if c != original]
        if not candidates:
            continue
        prev, nxt = _context(text, toks, i, lex)
        if prev is None and nxt is None:
            continue
        # A capitalised word inside a sentence is probably a name: only this document can say it is misread. A
        # syllable this document uses again and again is probably right: general usage alone cannot overturn it.
        mode = (
            "document"
            if _is_name_like(text, tok, i)
            else "register"
            if doc.unigrams.get(original, 0) >= FREQUENT_IN_DOC
            else "all"
        )
        if evidence(original, prev, nxt, lex, doc, original, mode):
            continue  # the reading as it stands is attested: leave it
        scored = sorted(((evidence(c, prev, nxt, lex, doc, original, mode), c) for c in candidates), reverse=True)
        best_score, best = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0
        needed = MIN_EVIDENCE_COMMON if lex.unigrams.get(original, 0) >= COMMON else MIN_EVIDENCE
        if best_score >= needed and best_score >= 3 * runner_up:
            edits.append(Edit(tok.start, tok.end, _match_case(tok.text, best), RULE))
    return edits
