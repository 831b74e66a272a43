"""OCR-error correction of Vietnamese syllables, conservative and explained.

Most OCR errors in Vietnamese are real syllables with the wrong marks (`đò` for `đỏ`, `Cùng cố` for `Củng cố`,
`ĐỀN Số` for `ĐẾN Số`), so a spelling list cannot see them. Here a syllable is replaced by another with the same
letters but other marks (its toneless form is the same) only when the context clearly prefers it:

- **word pairs**: syllable pairs inside Vietnamese words (Viet74K, and the words of underthesea's VLSP sample, so
  frequent words weigh more), in standard phrases of the administrative register, and, for names, in place names
  (see scripts/build_lexicon.py). Pairs across two words (`trong tình`) fit almost anything and are not used;
- **the document itself**: a plan repeats its key phrases (`tiêm chủng mở rộng` dozens of times), so a pair that
  the document uses twice or more is evidence for its differently-marked twin.

A change is made only when the syllable as read forms no known word or place name with either neighbour, and the
best other reading has enough evidence: at least three times the runner-up's, and three times the reading as read
(whose repetitions in the document count little, since OCR repeats its errors; a name's count fully). A
capitalised word inside a sentence is taken for a name: general word pairs do not count against it. Abbreviations
next to a syllable stand for their expansion (`Công TTĐT` reads as `Công thông tin điện tử`, so `Cổng` wins).
Grammar words form no word pairs, so a rare marked syllable with no support whose twin is one of the commonest
words (`cạc` for `các`) becomes that word (`ocr.function_word.v1`).

Measured by benchmarks/normalize_bench.py (figures in the README).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

from pipeline import deadline
from pipeline.deadline import CHECK_EVERY
from pipeline.stages.normalize.edits import Edit
from pipeline.vi.lexicon import SYLLABLE as _SYLLABLE
from pipeline.vi.lexicon import Lexicon, lexicon
from pipeline.vi.syllable import is_valid_syllable
from pipeline.vi.text import toneless

RULE = "ocr.context_marks.v1"
RULE_FUNCTION = "ocr.function_word.v1"
RULE_CONFUSION = "ocr.confusion.v1"
RULE_GLUED = "ocr.split_glued.v1"
PIECE_COST = 5.0  # nats each piece of a split costs: fewer, more frequent syllables win (`vị máu`, not `vị má u`)
_GAP = re.compile(r"^[ \t]*$")  # neighbours count as context only when nothing but spaces separates them


# Evidence weights and thresholds, set by hand on the passages of tests/test_ocr_fix.py and on the corrections that
# benchmarks/list_corrections.py lists for the samples (a synthetic-damage benchmark is still to come, issue #4).
REGISTER_WEIGHT = 10  # a pair from a standard phrase of the administrative register
DOC_WEIGHT = 10  # each other occurrence of the pair in this document
MIN_EVIDENCE = 3  # a pair seen once, in a dictionary entry only, is not enough
COMMON = 100  # a syllable this frequent is a word in its own right: it needs more evidence to be replaced
MIN_EVIDENCE_COMMON = 10
AS_READ_DOC_WEIGHT = 2  # each other occurrence of the reading as read, which no word list knows
RARE = 10  # a syllable seen at most this often in the lexicon may be a misread function word
OUTWEIGH = 3  # a candidate needs this many times the evidence of the reading as read


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


def evidence(
    cand: str,
    prev: str | None,
    nxt: str | None,
    lex: Lexicon,
    doc: DocCounts,
    own: str,
    mode: str,
    doc_weight: int = DOC_WEIGHT,
) -> int:
    """How much the lexicon, the register and this document support `cand` between its neighbours.

    `mode`: `all` counts word pairs, register phrases and the document; `name` (a capitalised word inside a
    sentence) counts place names instead of word pairs; `attested` counts both kinds of pairs. For a replacement,
    a word or document pair with one of the most frequent syllables (`các`, `và`…) is no evidence: it fits
    anything. A register phrase (`công an tỉnh`) always is."""
    total = 0
    for neighbour, key in ((prev, f"{prev} {cand}"), (nxt, f"{cand} {nxt}")):
        if neighbour is None:
            continue
        if cand != own and neighbour in lex.function_words:
            total += REGISTER_WEIGHT * lex.register.get(key, 0)
            continue
        general = lex.pairs.get(key, 0) if mode in ("all", "attested") else 0
        general += lex.places.get(key, 0) if mode in ("name", "attested") else 0
        others = doc.pairs.get(key, 0) - (1 if cand == own else 0)  # this occurrence is no evidence for itself
        # one other occurrence may be the same OCR error again: the document speaks from two on
        total += general + REGISTER_WEIGHT * lex.register.get(key, 0) + doc_weight * (others if others >= 2 else 0)
    return total


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _is_name_like(text: str, tok: Token, i: int) -> bool:
    """A capitalised word inside a sentence, probably part of a name: general usage is no evidence against it."""
    if not tok.text[:1].isupper() or tok.text.isupper():
        return False
    j = tok.start
    while j > 0 and text[j - 1] in " \t":  # the character before the word's spaces (no copy of the text before it)
        j -= 1
    return j > 0 and text[j - 1] not in '.:;!?-–•+“"(' and i > 0


# Shapes OCR confuses beyond marks, tried only on a token that cannot be a syllable at all.
CONFUSIONS = (("rn", "m"), ("cl", "d"), ("ri", "n"), ("li", "h"), ("vv", "w"), ("f", "t"))  # `íf nhất`: ít


def _candidates(word: str, lex: Lexicon) -> tuple[list[str], str]:
    """Other readings of a token: the same letters with other marks; for a token that cannot be a Vietnamese
    syllable, also what a known OCR confusion (`rn` for `m`, `I` for `l`) would make of it."""
    original = word.lower()
    same_letters = [c for c in lex.variants.get(toneless(original), ()) if c != original and is_valid_syllable(c)]
    if original in lex.unigrams or is_valid_syllable(original):
        return same_letters, RULE
    shapes = [original.replace(a, b, 1) for a, b in CONFUSIONS if a in original]
    if word[:1] == "I" and word[1:2].islower():
        shapes.append("l" + original[1:])  # capital I read for a lower-case l
    confused = [c for shape in shapes for c in lex.variants.get(toneless(shape), ()) if is_valid_syllable(c)]
    return same_letters + [c for c in confused if c not in same_letters], RULE_CONFUSION


def _function_word(original: str, candidates: list[str], lex: Lexicon) -> str | None:
    """A rare syllable that nothing around supports, whose twin is one of the commonest words (`cạc` for `các`,
    `vá` for `và`): grammar words form no word pairs, so only their frequency can speak for them."""
    if lex.unigrams.get(original, 0) > RARE or toneless(original) == original:
        return None  # frequent in its own right, or unmarked (a foreign word, a code, OCR noise)
    common = [c for c in candidates if c in lex.function_words]
    if len(common) != 1:
        return None
    return common[0]


def split_glued(word: str) -> str | None:
    """A token OCR glued from several syllables (`SởYtế`, `Côngantinh`), split into the likeliest known syllables;
    None when it is not one. Splits fall at capitals first, and every piece must be a known syllable."""
    lex = lexicon()
    low = word.lower()
    if len(word) < 4 or word.isupper() or word.isascii() or low in lex.unigrams or is_valid_syllable(low):
        return None  # unmarked words may be foreign (`Toyota`): only marked Vietnamese is split
    # best[i] = (score, pieces) for word[:i]; a piece's score is the log of its frequency
    best: list[tuple[float, list[str]] | None] = [None] * (len(word) + 1)
    best[0] = (0.0, [])
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 7), end):
            prev = best[start]
            piece = word[start:end]
            if prev is None or piece.lower() not in lex.unigrams or not is_valid_syllable(piece):
                continue
            if any(ch.isupper() for ch in piece[1:]):
                continue  # a capital inside a piece: the split must fall before it
            score = prev[0] + math.log(lex.unigrams[piece.lower()] + 1) - PIECE_COST
            if best[end] is None or score > best[end][0]:  # type: ignore[index]
                best[end] = (score, [*prev[1], piece])
    found = best[len(word)]
    if found is None or not 2 <= len(found[1]) <= 4:
        return None
    return " ".join(found[1])


def glued_edits(text: str) -> list[Edit]:
    return [
        Edit(m.start(), m.end(), split, RULE_GLUED)
        for m in _SYLLABLE.finditer(text)
        if (split := split_glued(m.group())) is not None
    ]


KEY_PHRASE = 5  # a pair the document repeats this often is one of its key phrases (`tình nguyện`)
STANDALONE = 50  # a syllable this frequent is a word on its own (`tại`, `để`, `mọi`, `phường`): it forms no pairs


def _both_sides(
    cand: str, prev: str | None, nxt: str | None, lex: Lexicon, doc: DocCounts, own: str, mode: str, freq: int
) -> bool:
    """A word that stands on its own (`tại`, `để`, `về`, `phường`) forms no pair with its neighbours, so a twin
    that forms a word with one of them (`tài` with `sản` …) is no evidence against it: such a word is replaced only
    when the twin fits on both sides, or a phrase of the administrative register asks for it."""
    if freq < STANDALONE:
        return True
    sides = [evidence(cand, n, None, lex, doc, own, mode) if i == 0 else evidence(cand, None, n, lex, doc, own, mode)
             for i, n in enumerate((prev, nxt)) if n is not None]  # fmt: skip
    register = any(lex.register.get(k, 0) for k in (f"{prev} {cand}", f"{cand} {nxt}"))
    repeated = any(doc.pairs.get(k, 0) >= KEY_PHRASE for k in (f"{prev} {cand}", f"{cand} {nxt}"))
    return register or repeated or (len(sides) == 2 and all(sides))


def _beside(toks: list[Token], spans: list[tuple[int, int]]) -> set[int]:
    """Indices of the tokens next to (not inside) the spans."""
    inside: set[int] = set()
    ordered, k = sorted(spans), 0
    for i, t in enumerate(toks):  # one sweep: tokens and spans both in text order
        while k < len(ordered) and ordered[k][1] <= t.start:
            k += 1
        if k < len(ordered) and ordered[k][0] < t.end:
            inside.add(i)
    return {j for i in inside for j in (i - 1, i + 1) if 0 <= j < len(toks)} - inside


def correct(text: str, doc: DocCounts, near: list[tuple[int, int]] | None = None) -> list[Edit]:
    """Edits that fix wrongly-marked syllables of one paragraph, given the document's counts; with `near` (spans
    of the text just corrected), only the syllables beside those spans, whose context has changed."""
    lex = lexicon()
    toks = tokens(text)
    edits: list[Edit] = []
    chosen = None if near is None else _beside(toks, near)
    for i, tok in enumerate(toks):
        if i % CHECK_EVERY == 0:
            deadline.check()  # one paragraph may be a megabyte long
        if chosen is not None and i not in chosen:
            continue
        if tok.text in lex.expansions or (tok.text.isupper() and len(tok.text) > 1 and toneless(tok.text) == tok.text):
            continue  # abbreviations and unmarked capitals (acronyms) are not syllables to re-mark
        original = tok.lower
        candidates, rule = _candidates(tok.text, lex)
        if not candidates:
            continue
        prev, nxt = _context(text, toks, i, lex)
        if prev is None and nxt is None:
            continue
        # A capitalised word inside a sentence is probably a name: only the register and the document can change it.
        mode = "name" if _is_name_like(text, tok, i) else "all"
        attest_mode = "attested" if tok.text[:1].isupper() else "all"  # place names speak for capitalised words
        if evidence(original, prev, nxt, lex, DocCounts(Counter(), Counter()), original, attest_mode):
            continue  # the reading as it stands forms a known word or place name with a neighbour: leave it
        # OCR repeats its errors (`Cao đằng` on every page), so the document's other copies of a reading that no
        # word list knows weigh little for it
        # (a name's repetitions, though, are the best evidence for it)
        weight = DOC_WEIGHT if mode == "name" else AS_READ_DOC_WEIGHT
        as_read = evidence(original, prev, nxt, lex, doc, original, mode, doc_weight=weight)
        scored = sorted(((evidence(c, prev, nxt, lex, doc, original, mode), c) for c in candidates), reverse=True)
        best_score, best = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0
        needed = MIN_EVIDENCE_COMMON if lex.unigrams.get(original, 0) >= COMMON else MIN_EVIDENCE
        if best_score >= needed and best_score >= 3 * runner_up and best_score >= OUTWEIGH * as_read:
            if rule == RULE and not _both_sides(
                best, prev, nxt, lex, doc, original, mode, lex.unigrams.get(original, 0)
            ):
                continue
            edits.append(Edit(tok.start, tok.end, _match_case(tok.text, best), rule))
        elif rule == RULE and mode == "all" and not as_read and (word := _function_word(original, candidates, lex)):
            edits.append(Edit(tok.start, tok.end, _match_case(tok.text, word), RULE_FUNCTION))
    return edits
