"""Text drawn into another line's blank, put back into that line by position.

E-office systems print the number and the date of a document after it is signed, as separate text objects drawn
into the blanks that the typed header leaves: "Số:        /UBND-KT" and "ngày      tháng     năm 2026". In the text
layer they come out as lines of their own, often far from their place in the reading order (at the end of the
page, or before the header). Any short piece of text whose baseline is that of a longer line on the same page, and
which falls inside that line's extent, is inserted into it at its x position.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.records import Line
from pipeline.stages.ingest.layer import Draft

MAX_STAMP_CHARS = 12  # a number, a day, a month, "29/5": never a phrase
BASELINE_TOLERANCE = 0.45  # of the host's type size: a stamp sits on the line, at most raised or lowered a little
MAX_OVERLAP = 0.4  # of the stamp's width that may overlap the host's ink ("06" printed into "tháng")
MIN_SIZE = 0.75  # of the host's type size: a smaller raised figure is a footnote mark, not a stamp
SLACK = 0.5  # of an em beyond the host's ends where a stamp may still belong to it
# no space between a stamp and these: "2389" + "/TTr-QHKT" is one document number, "29/5/2025" + "," one date
_JOIN_AFTER = "/-."
_JOIN_BEFORE = "/-.,;:)"


def merge_stamps(drafts: list[Draft], stamps: list[Draft] | None = None) -> list[Draft]:
    """The drafts with each stamp inserted into the line it was printed into, and removed as a line of its own.
    Stamps are looked for among `stamps` (text drawn over a scan) when given, else among the drafts themselves."""
    out = list(drafts) + list(stamps or [])
    candidates = drafts if stamps is None else stamps
    for stamp in sorted(candidates, key=lambda d: d.line.bbox[0] if d.line.bbox else 0.0):
        if stamp not in out or not _is_stamp(stamp):
            continue
        host = _host(stamp, [d for d in out if d is not stamp])
        if host is None:
            continue
        out[out.index(host)] = insert(host, stamp)
        out.remove(stamp)
    return out


def might_hold_stamps(drafts: list[Draft]) -> bool:
    """A quick look (line boxes only, no characters): whether a short line sits on the baseline of a longer line
    that has a blank (a run of spaces) for it."""
    blanks = [d for d in drafts if "  " in d.line.text]
    if not blanks:
        return False
    for stamp in drafts:
        if _is_stamp(stamp) and _host(stamp, [d for d in blanks if d is not stamp], check_ink=False):
            return True
    return False


def _is_stamp(draft: Draft) -> bool:
    text = draft.line.text
    return draft.line.bbox is not None and 0 < len(text.replace(" ", "")) <= MAX_STAMP_CHARS


def _host(stamp: Draft, others: list[Draft], check_ink: bool = True) -> Draft | None:
    """The longer line on whose baseline the stamp sits and whose extent (or half an em beyond) holds its centre."""
    assert stamp.line.bbox is not None
    sx0, _, sx1, _ = stamp.line.bbox
    centre = (sx0 + sx1) / 2
    best: tuple[float, Draft] | None = None
    for other in others:
        if abs(other.baseline - stamp.baseline) > BASELINE_TOLERANCE * (other.size or 1.0):
            continue  # the cheap test first: most lines are on other baselines
        box = other.line.bbox
        if box is None or other.line.page != stamp.line.page or other.visible != stamp.visible:
            continue
        if len(other.line.text) <= len(stamp.line.text) or other.size <= 0 or stamp.size < MIN_SIZE * other.size:
            continue
        slack = SLACK * other.size
        if not box[0] - slack <= centre <= box[2] + slack:
            continue
        if check_ink and _overlap(stamp, other) > MAX_OVERLAP * (sx1 - sx0):
            continue
        distance = max(box[0] - centre, centre - box[2], 0.0)
        if best is None or distance < best[0]:
            best = (distance, other)
    return best[1] if best else None


def _overlap(stamp: Draft, host: Draft) -> float:
    """How much of the stamp's width the host's ink covers (spaces are blanks, not ink)."""
    assert stamp.line.bbox is not None
    sx0, _, sx1, _ = stamp.line.bbox
    return sum(max(0.0, min(sx1, x1) - max(sx0, x0)) for text, x0, x1 in host.pieces if text.strip())


def insert(host: Draft, stamp: Draft) -> Draft:
    """The host with the stamp's text at the stamp's x position, a space either side unless punctuation joins them."""
    assert host.line.bbox is not None and stamp.line.bbox is not None
    sx0, _, sx1, _ = stamp.line.bbox
    centre = (sx0 + sx1) / 2
    k = sum(1 for _, x0, x1 in host.pieces if (x0 + x1) / 2 < centre)
    before, after = _rstrip(host.pieces[:k]), _lstrip(host.pieces[k:])
    inked = _lstrip(_rstrip(stamp.pieces))
    text = "".join(p[0] for p in inked)
    pieces = list(before)
    if before and before[-1][0][-1] not in _JOIN_AFTER and text[0] not in _JOIN_BEFORE:
        pieces.append((" ", before[-1][2], sx0))
    pieces += inked
    if after and text[-1] not in _JOIN_AFTER and after[0][0][0] not in _JOIN_BEFORE:
        pieces.append((" ", sx1, after[0][1]))
    pieces += after
    hb = host.line.bbox
    merged = host.with_text(pieces, (min(hb[0], sx0), hb[1], max(hb[2], sx1), hb[3]))
    confidences = host.line.word_confidences
    if confidences:  # an OCR line: the stamp is a word read from the text layer, certain
        index = len("".join(p[0] for p in before).split())
        confs = (*confidences[:index], *([1.0] * len(text.split())), *confidences[index:])
        merged.line = _with_confidences(merged, confs)
    return merged


def _rstrip(pieces: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    while pieces and not pieces[-1][0].strip():
        pieces = pieces[:-1]
    return pieces


def _lstrip(pieces: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    while pieces and not pieces[0][0].strip():
        pieces = pieces[1:]
    return pieces


def _with_confidences(draft: Draft, confidences: tuple[float, ...]) -> Line:
    words = len(draft.line.text.split())
    return replace(draft.line, word_confidences=confidences if len(confidences) == words else ())
