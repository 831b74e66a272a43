"""Where the review page draws its boxes: one box for the facts of one passage, none hiding another's centre.

Several facts often come from one sentence (five targets of `Vận động khoảng 50.000 người …, tổ chức 70 đợt …`):
they share one box that lists them, instead of five boxes drawn over the text. Boxes that mostly cover one another,
or where a smaller box would sit on the centre of a larger one, are merged the same way; so every box can be
clicked at its centre, and a smaller box lies over a larger one. A correction has only its paragraph's box: the
corrections of a paragraph are one small tab in the margin beside it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from pipeline.tools.review_items import Item

Rect = tuple[float, float, float, float]
MARGIN_TAB = 9.0  # side of a paragraph's corrections tab, in points
MIN_SIDE = 4.0  # a box is at least this wide and high, so it can be seen and clicked
MAX_MERGED = 500  # past this many boxes on one page (only a crafted result has so many), boxes are not merged


@dataclass(frozen=True)
class Box:
    bbox: Rect
    items: tuple[Item, ...]

    @property
    def kind(self) -> str:
        return self.items[0].kind


def _area(r: Rect) -> float:
    return (r[2] - r[0]) * (r[3] - r[1])


def _fit(r: Rect, width: float, height: float) -> Rect:
    """The box inside the page, corners in order, at least MIN_SIDE a side (a result may say anything)."""
    x0, x1 = sorted(min(max(v if math.isfinite(v) else 0.0, 0.0), width) for v in (r[0], r[2]))
    y0, y1 = sorted(min(max(v if math.isfinite(v) else 0.0, 0.0), height) for v in (r[1], r[3]))
    x0, y0 = min(x0, max(width - MIN_SIDE, 0.0)), min(y0, max(height - MIN_SIDE, 0.0))
    return x0, y0, max(x1, x0 + MIN_SIDE), max(y1, y0 + MIN_SIDE)


def _tab(r: Rect) -> Rect:
    x0, y0 = r[0], r[1]
    return max(x0 - MARGIN_TAB - 4, 0.0), y0, max(x0 - 4, MARGIN_TAB), y0 + MARGIN_TAB


def _place(item: Item, bbox: Rect, width: float, height: float) -> Rect:
    rect = _fit(bbox, width, height)
    return _fit(_tab(rect), width, height) if item.kind == "correction" else rect


def page_boxes(items: list[Item], width: float, height: float) -> list[Box]:
    """The boxes of one page's facts, the larger first (so that a smaller one is drawn over it)."""
    first: dict[tuple[bool, tuple[int, ...]], list[Box]] = defaultdict(list)
    for item in items:
        if item.bbox is not None:
            box = Box(_place(item, item.bbox, width, height), (item,))
            first[(item.kind == "correction", tuple(round(v) for v in box.bbox))].append(box)
    boxes = [_union(same) for same in first.values()]
    while len(boxes) <= MAX_MERGED:
        merged = _merge_once(boxes)
        if len(merged) == len(boxes):
            break
        boxes = merged
    order = {item.id: n for n, item in enumerate(items)}
    boxes = [Box(b.bbox, tuple(sorted(b.items, key=lambda it: order[it.id]))) for b in boxes]
    return sorted(boxes, key=lambda b: (-_area(b.bbox), order[b.items[0].id]))


def _clash(a: Rect, b: Rect) -> bool:
    """Whether two boxes must be one: they mostly overlap, or the smaller covers the larger's centre."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return False
    small, large = sorted((a, b), key=_area)
    cx, cy = (large[0] + large[2]) / 2, (large[1] + large[3]) / 2
    return w * h >= 0.5 * _area(small) or (small[0] <= cx <= small[2] and small[1] <= cy <= small[3])


def _merge_once(boxes: list[Box]) -> list[Box]:
    """One pass of merging clashing boxes (a sweep down the page, so lines far apart are never compared)."""
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    active: list[int] = []
    for i in sorted(range(len(boxes)), key=lambda n: boxes[n].bbox[1]):
        active = [j for j in active if boxes[j].bbox[3] > boxes[i].bbox[1]]
        for j in active:
            if _clash(boxes[i].bbox, boxes[j].bbox):
                parent[root(i)] = root(j)
        active.append(i)
    groups: dict[int, list[Box]] = defaultdict(list)
    for i, box in enumerate(boxes):
        groups[root(i)].append(box)
    return [_union(found) for found in groups.values()]


def _union(boxes: list[Box]) -> Box:
    rects = [b.bbox for b in boxes]
    rect = (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))
    return Box(rect, tuple(item for b in boxes for item in b.items))
