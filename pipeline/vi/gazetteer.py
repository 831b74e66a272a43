"""Province names before and after the 2025 merger, from pipeline/data/gazetteer.json (see scripts/)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from pipeline.vi.text import key


@lru_cache(maxsize=1)
def _data() -> dict[str, dict[str, dict[str, object]]]:
    text = (resources.files("pipeline") / "data" / "gazetteer.json").read_text("utf-8")
    data: dict[str, dict[str, dict[str, object]]] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def province_names() -> dict[str, str]:
    """Matching key -> province name, for the 63 old and the 34 new units (both tone placements)."""
    names: dict[str, str] = {}
    for era in ("old", "new"):
        for unit in _data()[era].values():
            name = str(unit["name"])
            names[key(name)] = name
    names[key("Thừa Thiên - Huế")] = "Thừa Thiên Huế"
    names[key("Hồ Chí Minh")] = "Hồ Chí Minh"
    return names


def find_province(text: str) -> str | None:
    """The province named in a text: after `tỉnh`/`thành phố`, or a place that is itself a province's name."""
    k = key(text)
    names = province_names()
    for m in re.finditer(r"(?:tinh|thanh pho|tp\.?)\s+((?:\w+\s?){1,4})", k):
        words = m.group(1).split()
        for n in range(min(4, len(words)), 0, -1):
            candidate = " ".join(words[:n])
            if candidate in names:
                return names[candidate]
    return names.get(k)


@lru_cache(maxsize=1)
def _lower_names() -> re.Pattern[str]:
    names = sorted({str(u["name"]) for era in ("old", "new") for u in _data()[era].values()}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n.lower()) for n in names) + r")(?!\w)")


def restore_place_case(text: str) -> str:
    """Capitalise province names that sentence-casing lowered: `UBND tỉnh hà giang` -> `UBND tỉnh Hà Giang`."""
    return _lower_names().sub(lambda m: m.group(1).title(), text)
