"""A title's words that OCR garbled, mended from the document's own repetition of them.

A document repeats its title: the preamble (`… ban hành Kế hoạch phối hợp …`), the body (`… thực hiện Chỉ thị
này`), the draft a Tờ trình submits, the appendix header. A word of the title that does not read (`công (ác thi
hành án`, `Quảng Nøãi`, `năm 202§`), a lookalike that reads either way (`Móng Sến I` for `1`), a speck between two
words (`Quyết ‹ định`) or a comma that a seal's rim drew (`Sở, Dân tộc`) is replaced by what the document prints
between the same words elsewhere, when every such place prints the same and it resembles what OCR read. A digit
lookalike kept as read that the document prints otherwise after the same words is a doubt, and the title field is
then null (a repetition in the same type only repeats OCR's error). Anything else is left as read: the title field
then says whether the whole reads (header_fields.title_field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from pipeline.vi.syllable import is_valid_syllable
from pipeline.vi.text import key

_EDGE = ".,;:()\"'“”‘’…!?"
_LOOKALIKE = re.compile(r"^(?:[Il|O0]|\d*[IlO|]\d*[IlO|\d]*)$")  # `I` or `l` for 1, `O` for 0, alone or mixed
_GHOST_COMMA = re.compile(r"^\w+,$")
DEBRIS_CONFIDENCE = 0.3  # a word read with less, that is no word either, is a stamp's or a pen's trace
GHOST_CONFIDENCE = 0.8  # a word with a comma read with less may have a speck for a comma
LOW_CONFIDENCE = 0.6  # a word read with less is checked against the document's repetition of the title
CONTEXT = 2  # clean words each side that must match where the document repeats the title
MAX_RUN = 3  # garbled words mended at once


def token_key(token: str) -> str:
    """A word as it is compared: toneless, lower case, without the punctuation around it."""
    return key(token).strip(_EDGE)


@dataclass
class Mended:
    """A title's words after mending, and the words the document contradicts (OCR read one thing, the
    document prints another where it repeats the words around it): with those the title is not sure."""

    words: list[str]
    doubts: list[str] = field(default_factory=list)


def mend_words(words: list[str], confidences: list[float | None], corpus: list[list[str]]) -> Mended:
    """The title's words, each garbled run replaced by the document's own reading of it where that is certain;
    debris at either end (a stamp's handwriting beside the first line) dropped."""
    words, confidences = _trim_debris(words, confidences)
    unbalanced = sum(w.count("(") for w in words) != sum(w.count(")") for w in words)
    suspect = [
        _suspect(w, c, words[i + 1] if i + 1 < len(words) else "") or (unbalanced and bool(re.search(r"[()]", w)))
        for i, (w, c) in enumerate(zip(words, confidences, strict=True))
    ]
    keys = [[token_key(t) for t in para] for para in corpus]
    out = Mended([])
    plain = False  # whether the last word in `out` is words[i - 1] as read
    i = 0
    while i < len(words):
        if not suspect[i]:
            out.words.append(words[i])
            i, plain = i + 1, True
            continue
        if _GHOST_COMMA.match(words[i]) and _comma_absent(words, i, corpus, keys):
            out.words.append(words[i][:-1])
            i, plain = i + 1, True
            continue
        j = i
        while j < len(words) and j - i < MAX_RUN and suspect[j]:
            j += 1
        i, plain = _mend_at(words, i, j, out, plain, corpus, keys), False
    return out


def _mend_at(
    words: list[str], i: int, j: int, out: Mended, plain: bool, corpus: list[list[str]], keys: list[list[str]]
) -> int:
    """Mend the run words[i:j] into `out`, or copy it as read; the index after what was consumed. OCR also splits
    a word (`c Ác` for `các`), so the run with the next word, or with the one before, is tried too. A lookalike of
    a digit kept as read (`Móng Sến I`) is a doubt when the document prints something else after the same words:
    a repetition in the same type only repeats OCR's error."""
    end = j
    for a, b in ((i, j), (i, j + 1), (i - 1, j)):
        if b > len(words) or (a < i and not plain):
            continue
        mended = _mend_run(words, a, b, corpus, keys)
        if mended is not None:
            if a < i:
                out.words.pop()
            out.words.extend(mended)
            if mended != words[a:b]:
                return b
            end = b
            break
    else:
        out.words.extend(words[i:j])
    out.doubts.extend(
        w
        for k, w in enumerate(words[i:end], start=i)
        if _LOOKALIKE.match(w.strip(_EDGE)) and _contested(words, k, corpus, keys)
    )
    return end


def _comma_absent(words: list[str], i: int, corpus: list[list[str]], keys: list[list[str]]) -> bool:
    """Whether the document prints the word before a comma OCR read (`Sở, Dân tộc`) and the words after it, here
    and there, always without the comma: a seal's rim or a speck drew it."""
    want = [token_key(w) for w in words[i : i + 1 + CONTEXT]]
    if len(want) < 1 + CONTEXT:
        return False
    commas = [
        para[p].endswith(",")
        for para, ks in zip(corpus, keys, strict=True)
        for p in range(len(ks))
        if ks[p : p + len(want)] == want
    ]
    return bool(commas) and not any(commas)


def _contested(words: list[str], k: int, corpus: list[list[str]], keys: list[list[str]]) -> bool:
    """Whether, where the document prints the words on one side of words[k] (`thủy điện Móng Sến` before an `I`
    OCR was unsure of), it prints a different word in its place (`1`) that reads: the title's word is then in
    doubt, and a title in doubt is no title."""
    read = token_key(words[k])
    sides = [
        ([token_key(w) for w in words[k - CONTEXT : k]], 0),
        ([token_key(w) for w in words[k + 1 : k + 1 + CONTEXT]], 1),
    ]
    for ctx, after in sides:
        if len(ctx) < CONTEXT:
            continue
        for para, ks in zip(corpus, keys, strict=True):
            for p in range(len(ks)):
                at = p + CONTEXT if not after else p - 1
                if 0 <= at < len(ks) and ks[p : p + CONTEXT] == ctx and ks[at] != read and _reads(para[at]):
                    return True
    return False


def _trim_debris(words: list[str], confidences: list[float | None]) -> tuple[list[str], list[float | None]]:
    """Without the words at either end that were read with almost no confidence and are no words."""
    start, end = 0, len(words)
    while start < end and _debris(words[start], confidences[start]):
        start += 1
    while end > start and _debris(words[end - 1], confidences[end - 1]):
        end -= 1
    return words[start:end], confidences[start:end]


def _debris(word: str, confidence: float | None) -> bool:
    """A word read with almost no confidence that is no word, or a lone letter (a stamp's handwriting)."""
    letters = sum(c.isalnum() for c in word)
    return confidence is not None and confidence < DEBRIS_CONFIDENCE and (letters <= 1 or not _reads(word))


def _suspect(word: str, confidence: float | None, following: str) -> bool:
    """A word to check against the document: it does not read, it is read with low confidence, it is a lookalike
    of a digit, or a comma stands between a word and a capitalised one (`Sở, Dân tộc`)."""
    if not _reads(word) or _LOOKALIKE.match(word.strip(_EDGE)):
        return True
    if confidence is not None and confidence < LOW_CONFIDENCE:
        return True
    # a comma OCR was unsure of before a capitalised word, not in a list of acronyms (`PAR Index, PAPI`)
    unsure = confidence is not None and confidence < GHOST_CONFIDENCE
    return bool(unsure and _GHOST_COMMA.match(word) and following[:1].isupper() and not following.isupper())


def _reads(word: str) -> bool:
    """A word of a title: Vietnamese syllables, numbers and dates, codes in capitals (`UBND`, `PAR`), Latin words
    (`Index`), joined by hyphens or slashes; or a punctuation mark on its own."""
    bare = word.strip(_EDGE + "-–")
    if not bare:
        return bool(re.fullmatch(r"[-–.,;:()\"“”]+", word))
    return all(_part_reads(p) for p in re.split(r"[-–/.,]", bare) if p)


def _part_reads(part: str) -> bool:
    return (
        part.isdigit()
        or is_valid_syllable(part)
        or bool(re.fullmatch(r"[A-ZĐ][A-ZĐ0-9]{0,9}|[A-Z][a-zA-Z]{1,11}|\d+[A-ZĐa-z]{0,2}", part))
    )


def _mend_run(words: list[str], i: int, j: int, corpus: list[list[str]], keys: list[list[str]]) -> list[str] | None:
    """The document's own words for words[i:j], when every place that prints the same words around them prints
    the same between, and that resembles what OCR read; else None. Where places disagree, more words around are
    asked for (`… Lâm Đồng năm` is followed by `2025` as the title's repetition, but `… đồng nắm chắc` elsewhere).
    At the title's start or end, where only one side has words, the document's words must be as many as OCR read."""
    for width in range(CONTEXT, CONTEXT + 3):
        seen = _printed_between(words, i, j, width, corpus, keys)
        if seen is None or len({tuple(w.lower() for w in t) for t in seen}) <= 1:
            break
    if not seen or len({tuple(w.lower() for w in t) for t in seen}) != 1:
        return None
    found = [w for w in _in_case_of(words[i:j], seen) if w]
    if not _resembles(words[i:j], found):
        return None
    if found and words[j - 1][-1:] in ",;:.":  # the stop or comma OCR read after the words stays
        found[-1] += words[j - 1][-1]
    return found


def _printed_between(
    words: list[str], i: int, j: int, width: int, corpus: list[list[str]], keys: list[list[str]]
) -> list[tuple[str, ...]] | None:
    """What the document prints between the `width` words each side of words[i:j], wherever it prints them; None
    when the title has too few words around them."""
    left = [token_key(w) for w in words[max(0, i - width) : i]]
    right = [token_key(w) for w in words[j : j + width]]
    if len(left) + len(right) < width or (not left and len(right) < width) or (not right and len(left) < width):
        return None
    counts = range(MAX_RUN + 1) if left and right else range(j - i, j - i + 1)
    seen: list[tuple[str, ...]] = []
    for para, ks in zip(corpus, keys, strict=True):
        for p in range(len(left), len(ks) + 1):
            if ks[p - len(left) : p] != left:
                continue
            for m in counts:
                if p + m + len(right) <= len(ks) and ks[p + m : p + m + len(right)] == right:
                    seen.append(tuple(w.rstrip(".,;:…!?") for w in para[p : p + m]))  # a stop there is the sentence's
                    break
    return seen


def _in_case_of(read: list[str], printed: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Of the document's printings of the same words, one in the case OCR read them in (`Ngãi`, not the `NGÃI` of
    a heading in capitals); else the most frequent."""
    for t in printed:
        if len(t) == len(read) and all(_shape(a) == _shape(b) for a, b in zip(t, read, strict=True)):
            return t
    return max(printed, key=printed.count)


def _shape(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return "upper"
    return "title" if letters[:1] and letters[0].isupper() else "lower"


def _resembles(read: list[str], printed: list[str]) -> bool:
    """Whether the document's words can be what OCR read: the same letters and digits but one in three (specks
    and marks aside), or nothing at all where OCR read only specks; every word of them readable."""
    if not all(_reads(w) for w in printed):
        return False
    a = re.sub(r"[\W_]", "", key(" ".join(read)))
    b = re.sub(r"[\W_]", "", key(" ".join(printed)))
    if not a:
        return not b
    return bool(b) and Levenshtein.distance(a, b) <= max(1, len(b) // 3)
