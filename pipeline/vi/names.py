"""Names of bodies in running text: lists split into names, and what makes a phrase a body's name."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from pipeline.vi.text import key

LEADING = re.compile(r"^(?:đề nghị|giao cho|giao|yêu cầu|lãnh đạo|đối với)\s+", re.IGNORECASE)
_ROLE_TAIL = re.compile(r"\s+-\s+(?=[Cc]ơ quan|[Đđ]ơn vị|[Tt]hường trực)")
PAREN = re.compile(r"\s*\([^)]*\)")
BULLET = re.compile(r"^\s*[-+•–]\s*")
NOT_BODIES = ("bao cao", "hoi nghi", "hoi thao", "hoi thi", "phong trao", "ban hanh", "cac hoat dong", "cac su kien")
# What makes a capitalised phrase a body's name.
ORG_HEADS = (
    "ban", "báo", "đài", "cổng", "sở", "trường", "bệnh viện", "trung tâm", "hội", "công an", "liên đoàn", "tỉnh đoàn",
    "thành đoàn", "huyện đoàn", "đoàn", "viện", "ubnd", "ủy ban", "hđnd", "phân hiệu", "bộ", "văn phòng", "cục",
    "chi cục", "phòng", "mặt trận", "quỹ", "công ty", "ngân hàng", "kho bạc", "cơ quan", "các", "đại học", "học viện",
    "bảo hiểm", "bưu điện", "lãnh đạo", "thường trực", "câu lạc bộ", "clb", "bch", "bcđ", "tổng công ty",
)  # fmt: skip


_LIST_SPLIT = re.compile(r"(,\s+|\s+và\s+(?=[A-ZĐ]|các\s))")


def split_parts(subject: str) -> list[tuple[str, str]]:
    """(separator before, part) for each part of a list: `A, B và C` -> ('', A), (', ', B), (' và ', C)."""
    pieces = _LIST_SPLIT.split(subject)
    out = [("", pieces[0].strip())]
    out += [(pieces[i], pieces[i + 1].strip()) for i in range(1, len(pieces) - 1, 2)]
    return [(sep, part) for sep, part in out if part]


def split_list(subject: str) -> list[str]:
    """`Công an tỉnh, Liên đoàn Lao động tỉnh, Tỉnh đoàn` -> three names; a lower-case tail (`các huyện, thị xã`)
    is part of the name before it."""
    merged: list[str] = []
    for sep, part in split_parts(subject):
        if merged and not part[:1].isupper() and not part.startswith("các "):
            merged[-1] = f"{merged[-1]}{sep}{part}"
        else:
            merged.append(part)
    return merged


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    text = (resources.files("pipeline") / "data" / "abbreviations.json").read_text("utf-8")
    data: dict[str, str] = json.loads(text)["expansions"]
    return data


def canonical(name: str) -> str:
    """Abbreviations expanded: `Đài PT-TH tỉnh` -> `Đài Phát thanh - Truyền hình tỉnh`."""
    table = abbreviations()
    words = [table.get(w.strip(",;"), w) for w in name.split()]
    return " ".join(words)


def is_body_name(name: str) -> bool:
    """A phrase headed by a body noun (`Sở …`, `Báo …`, `UBND …`, `Các cơ quan …`). Heads are compared with their
    marks, since toneless forms collide: `Báo Lâm Đồng` is a newspaper, `Bảo Lâm` a district."""
    if key(name).startswith(NOT_BODIES):
        return False
    low = " ".join(name.lower().split())
    headed = any(low == h or low.startswith(h + " ") for h in ORG_HEADS)
    return (name[:1].isupper() or low.startswith("các ")) and headed


def clean_name(text: str) -> str:
    text = BULLET.sub("", text).strip().rstrip(":.;,")
    text = LEADING.sub("", text)
    text = PAREN.sub("", text)
    text = _ROLE_TAIL.split(text)[0]
    return text.strip().rstrip(":.;,")


def names_in(text: str) -> list[str]:
    """The bodies a list names; a part that is no body's name (`Mường Khương` in `… các huyện Si Ma Cai, Mường
    Khương`) belongs to the name before it."""
    names: list[str] = []
    for sep, raw in split_parts(clean_name(text)):
        part = clean_name(raw)
        if not part:
            continue
        if is_body_name(part):  # `Sở Y tế và UBND các huyện`: two bodies; `Sở Giáo dục và Đào tạo`: one
            names.append(part)
        elif names:
            names[-1] = f"{names[-1]}{sep}{part}"
    return [n[:1].upper() + n[1:] for n in names]
