"""What a table is, from its column headings: an allocation of quantities to units (a quota table), or another
table that plans carry (tasks, indicators, coordinates, codes, procedures, members, a list).

A quota table allocates a quantity to units: one column names the units (`Tên đơn vị`, `Đơn vị`, `Địa phương`,
`Cơ quan`, `Xã, phường`), another gives their quantity (`Chỉ tiêu`, `Số lượng`, `Phân bổ`, `Kế hoạch`, `Giao`).
A column of units of measure (`ĐVT`, `Đơn vị tính`) makes it a table of indicators; `Cơ quan chủ trì` and `Thời
gian hoàn thành` a table of tasks; `Tọa độ`, `X`, `Y` a table of coordinates; `Mã` a code list; `Thủ tục`,
`TTHC` a list of procedures. Those are kept as tables, not quotas.
"""

from __future__ import annotations

import re
from typing import Literal

from pipeline.plan import DataTable, Evidence
from pipeline.plan import TableKind as DataKind
from pipeline.records import Table
from pipeline.vi.text import key

TableKind = Literal["quota", "tasks", "indicators", "coordinates", "codes", "procedures", "members", "other"]

_KINDS: tuple[tuple[TableKind, re.Pattern[str]], ...] = (
    ("coordinates", re.compile(r"\b(toa do|kinh do|vi do)\b|^[xy]\s*(\(m\))?$")),
    ("procedures", re.compile(r"\b(thu tuc hanh chinh|tthc|ten thu tuc|linh vuc|can cu phap ly)\b")),
    ("codes", re.compile(r"^(ma|ma so|ma hieu|ky hieu)\b")),
    ("tasks", re.compile(r"\b(chu tri|phoi hop|thoi gian hoan thanh|thoi gian thuc hien|thoi han|san pham du kien)\b")),
    ("indicators", re.compile(r"^(dvt|don vi tinh)\b|\bdon vi tinh\b")),
    ("members", re.compile(r"\b(chuc vu|chuc danh|ho va ten|ho ten)\b")),
)
_UNIT_HEAD = re.compile(r"\b(ten don vi|don vi|dia phuong|co quan|xa|phuong|huyen|truong|ten)\b")
_QUOTA_HEAD = re.compile(r"\b(chi tieu|so luong|phan bo|ke hoach|giao|dinh muc|so don vi)\b")


def headings(table: Table, rows: int = 2) -> list[str]:
    """The heading keys of each column: the first rows' cells, joined."""
    width = max((len(r) for r in table.rows), default=0)
    return [" ".join(key(r[i].text) for r in table.rows[:rows] if i < len(r)).strip() for i in range(width)]


def table_kind(table: Table) -> TableKind:
    """The kind of a table, by its column headings."""
    heads = headings(table)
    for kind, regex in _KINDS:
        if any(regex.search(h) for h in heads):
            return kind
    units = any(_UNIT_HEAD.search(h) and "don vi tinh" not in h for h in heads)
    quotas = any(_QUOTA_HEAD.search(h) for h in heads)
    return "quota" if units and quotas else "other"


def data_table(table: Table, kind: DataKind, title: str | None) -> DataTable:
    """A table that is not a quota table, kept with its rows as read."""
    rows = [[c.text for c in row] for row in table.rows]
    first = " | ".join(rows[0]) if rows else ""
    return DataTable(
        kind=kind,
        title=title,
        columns=rows[0] if rows else [],
        rows=rows[1:],
        pages=list(table.pages or (table.page,)),
        source=Evidence(page=table.page, bbox=list(table.bbox) if table.bbox else None, text=first, raw_text=first),
    )
