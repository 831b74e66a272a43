"""Digits that touch, cut where recognition says: segmentation by recognition, the classic method for run-together
handwritten numerals.

A group of ink that may hold several digits ("02" in one stroke, a "26" joined by a flourish) is offered a few
candidate cuts: paths from its top to its bottom that cross as little ink as they can, free to lean with the hand's
slant (a straight vertical cut through a slanted pair cuts a digit's foot off). Every stretch of ink between two cuts
is read by the digit recogniser, all in one batch; the reading kept is the chain of stretches, left to right, whose
probabilities multiplied together (with a prior that a digit is about as high as the group and no wider than it is
high, and that a cut through ink is rarer than none) are highest. One digit is one of the chains, so a wide single
digit stays one. Digits that touch, touch once: a cut through two strokes (through a loop, or between digits written
into each other) is no candidate. How sure a digit is includes how far its chain is ahead of the best chain that
reads other digits: a group that reads as "20" nearly as well as "26" gives neither.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from pipeline.stages.ingest import digits

INK = 0.4  # share of the way from paper to the darkest ink at which a pixel counts as ink (handwriting.py too)
MAX_CUTS = 3  # candidate cuts of each kind (straight, leaning) looked at in a group
LEAN = 0.15  # the cost of a cut's step sideways, in pixels of full ink: a cut leans with the slant, not at random
MIN_HEIGHT = 0.5  # of the group's height: a stretch lower than that is a stroke of a digit (a 5's flag, a 7's bar)
TOUCH = 0.6  # the prior of a cut through ink: a group is one digit more often than two that touch
MAX_WIDTH = 1.3  # of the group's height: a stretch wider than that is more than one digit


@dataclass(frozen=True)
class Chain:
    """A reading of a group as stretches left to right: what the recogniser answers for each (None for no digit),
    the digits each reads best as, and the chain's score."""

    readings: tuple[digits.Reading, ...]
    text: str
    score: float


def segmented(image: np.ndarray, blank: tuple[int, int]) -> list[digits.Reading]:
    """The digits of a group of ink (an ink image, 0 paper to 1 full ink) cut where recognition reads them best. A
    stretch at either end centred beyond the blank's edges (`blank`: its columns in the image) is the printed word
    the handwriting runs into ("7" joined to the "t" of "tháng", "19" to the slash of "/KH"), and is no digit. A
    digit of a cut group is only as sure as its chain's share of its and the best rival chain's scores."""
    height = ink_height(image)
    # digits that touch, touch once (a joint, a ligature): a cut through two strokes goes through a loop, or through
    # digits written into each other, whose stretches would each hold a piece of the other
    paths = [path for path in cut_paths(image, height) if _crossings(image, path) <= 1]
    bounds = [np.zeros(image.shape[0], dtype=int), *paths, np.full(image.shape[0], image.shape[1], dtype=int)]
    last = len(bounds) - 1
    spans = list(itertools.combinations(range(len(bounds)), 2))
    pieces = [_between(image, bounds[i], bounds[j]) for i, j in spans]
    priors = [_prior(piece, height) for piece in pieces]
    printed = {k for k, (i, j) in enumerate(spans) if (i == 0 or j == last) and j - i < last
               and _beyond(pieces[k], blank, before=i == 0)}  # fmt: skip
    readable = [k for k, p in enumerate(priors) if p > 0 and k not in printed]
    probs = dict(zip(readable, digits.averaged([pieces[k] for k in readable]), strict=True))
    chains = _chains(spans, probs, priors, [_crossings(image, path) for path in paths], last, printed)
    if not chains or max(c.score for c in chains) <= 0:
        return [digits.Reading(None, 0.0)]
    best = max(chains, key=lambda c: c.score)
    if len(best.readings) == 1 or None in (r.digit for r in best.readings):
        return list(best.readings)  # the group read whole (as one too narrow to cut would be), or refused
    rival = max((c.score for c in chains if c.text != best.text), default=0.0)
    share = best.score / (best.score + rival)
    return [digits.Reading(r.digit, min(r.confidence, share)) for r in best.readings]


def _beyond(piece: np.ndarray, blank: tuple[int, int], before: bool) -> bool:
    """Whether a stretch's ink is centred before the blank's left edge (`before`) or after its right edge."""
    cols = np.nonzero((piece > INK).any(axis=0))[0]
    if cols.size == 0:
        return False
    centre = (cols[0] + cols[-1] + 1) / 2
    return bool(centre < blank[0]) if before else bool(centre >= blank[1])


def _chains(spans: list[tuple[int, int]], probs: dict[int, np.ndarray], priors: list[float], costs: list[float],
            last: int, printed: set[int]) -> list[Chain]:  # fmt: skip
    """Every way of reading the group as stretches from its left edge (bound 0) to its right (bound `last`), scored
    by the probability of each stretch's likeliest digit, the stretches' priors and the cuts' priors; a printed
    stretch at either end is left out of the reading."""
    step = {span: k for k, span in enumerate(spans) if k in probs or k in printed}
    out: list[Chain] = []
    for inner in itertools.chain.from_iterable(itertools.combinations(range(1, last), n) for n in range(last)):
        keys = [step.get(pair) for pair in itertools.pairwise((0, *inner, last))]
        if any(k is None for k in keys):
            continue
        found = [(probs[k], priors[k]) for k in keys if k is not None and k not in printed]
        if len(found) + sum(k in printed for k in keys) != len(keys) or not found:
            continue  # a printed stretch inside the chain, or nothing but print
        score = float(np.prod([p[: digits.OTHER].max() * prior for p, prior in found]))
        score *= float(np.prod([_cut_prior(costs[b - 1]) for b in inner]))
        readings = tuple(_reading(p) for p, _ in found)
        out.append(Chain(readings, "".join(str(int(p[: digits.OTHER].argmax())) for p, _ in found), score))
    return out


def _reading(p: np.ndarray) -> digits.Reading:
    """The recogniser's answer for a stretch from its eleven probabilities."""
    best = int(p.argmax())
    return digits.Reading(None if best == digits.OTHER else best, float(p[best]))


def _cut_prior(crossings: float) -> float:
    """How plausible a cut is: free where the ink is apart, less so through a stroke (where two digits touch)."""
    return 1.0 if crossings == 0 else TOUCH


def _prior(piece: np.ndarray, height: int) -> float:
    """How plausible a stretch of ink is as one digit, by its size against the group's height (0 for none)."""
    rows, cols = np.nonzero(piece > INK)
    if rows.size == 0:
        return 0.0
    h, w = int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
    if h < MIN_HEIGHT * height or w > MAX_WIDTH * height:
        return 0.0
    return 1.0 if h >= 0.7 * height else 0.5


def cut_paths(image: np.ndarray, height: int) -> list[np.ndarray]:
    """Candidate cuts through a group's ink (for each row, the column where the right part starts): straight cuts at
    the columns of least ink, and paths from top to bottom at least cost in ink crossed and sideways steps (for a
    slanted hand); each apart from the others and from the group's edges (no digit is narrower than a fifth of its
    height)."""
    mask = image > INK
    cols = np.nonzero(mask.any(axis=0))[0]
    if cols.size == 0:
        return []
    gap = max(2, round(0.2 * height))
    lo, hi = int(cols[0]) + gap, int(cols[-1]) + 1 - gap
    rows = image.shape[0]
    straight = [np.full(rows, x) for x in _apart(mask.sum(axis=0).astype(float), lo, hi, gap)]
    total, move = _least_ink(image)
    leaning = [_traced(move, x) for x in _apart(total[-1], lo, hi, gap)]
    paths = straight + [p for p in leaning if all(np.abs(p - q).max() > 1 for q in straight)]
    return sorted(paths, key=lambda p: float(p.mean()))


def _apart(cost: np.ndarray, lo: int, hi: int, gap: int) -> list[int]:
    """Up to MAX_CUTS columns between lo and hi of least cost, each `gap` apart from the others."""
    ends: list[int] = []
    for x in sorted(range(lo, hi), key=lambda c: (cost[c], abs(c - (lo + hi) / 2))):
        if len(ends) < MAX_CUTS and all(abs(x - e) >= gap for e in ends):
            ends.append(x)
    return ends


def _least_ink(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel, the least ink a path from the top row down to it crosses (each sideways step costing LEAN),
    and the step it came by (-1, 0, +1: the column before it, relative)."""
    cost = np.where(image > INK, image, 0.0).astype(np.float64)
    total = np.zeros_like(cost)
    move = np.zeros(cost.shape, dtype=int)
    total[0] = cost[0]
    for y in range(1, cost.shape[0]):
        prev = total[y - 1]
        options = np.stack([np.r_[np.inf, prev[:-1]] + LEAN, prev, np.r_[prev[1:], np.inf] + LEAN])
        move[y] = options.argmin(axis=0) - 1
        total[y] = cost[y] + options.min(axis=0)
    return total, move


def _traced(move: np.ndarray, end: int) -> np.ndarray:
    """The path that ends at column `end` of the last row, followed back up by its moves."""
    path = np.zeros(move.shape[0], dtype=int)
    path[-1] = end
    for y in range(move.shape[0] - 1, 0, -1):
        path[y - 1] = path[y] + move[y, path[y]]
    return path


def _crossings(image: np.ndarray, path: np.ndarray) -> float:
    """How many strokes a cut crosses: the runs of ink along it."""
    inked = image[np.arange(image.shape[0]), np.clip(path, 0, image.shape[1] - 1)] > INK
    return float(np.count_nonzero(inked[1:] & ~inked[:-1]) + int(inked[0]))


def _between(image: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The ink between two cuts (each row from the left cut's column to the right one's)."""
    cols = np.arange(image.shape[1])[None, :]
    keep = (cols >= left[:, None]) & (cols < right[:, None])
    return np.where(keep, image, 0.0).astype(np.float32)


def ink_height(image: np.ndarray) -> int:
    """How many rows the ink of an image spans."""
    rows = np.nonzero((image > INK).any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1) if rows.size else 0
