"""Quota tables: allocation tables row by row (`no`, `group`, `unit`, `quota`, `months`), checked against their total.

Columns are recognised by their headings (`TT`, `Tên đơn vị`, `Chỉ tiêu`, `Thời gian … (tháng)`) and, failing that,
by what their cells hold. Group rows (`II  Các trường THPT`) set the group of the rows under them; a group row
with its own quota is a row too. The total row (`TỔNG SỐ`, `Tổng cộng`, `Cộng`) gives `total_stated`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.plan import DataTable, Evidence, PlanWarning, QuotaRow, QuotaTable
from pipeline.records import Cell, Document, Table
from pipeline.stages.extract.confidence import text_quality
from pipeline.stages.extract.evidence import union_box
from pipeline.stages.extract.tables import data_table, table_kind
from pipeline.stages.structure import ROMAN
from pipeline.vi.text import NUMBER, key, parse_number

_LEADING_NUMBER = re.compile(rf"^\s*({NUMBER})")
_TOTAL = re.compile(r"(tổng( số| cộng)?|cộng)\s*:?", re.IGNORECASE)
_YEAR = re.compile(r"\bnam\s+((?:19|20)\d{2})\b")


@dataclass(frozen=True)
class Columns:
    no: int | None
    unit: int | None
    quota: int | None
    months: int | None
    names: tuple[str, ...]


def _texts(row: tuple[Cell, ...]) -> list[str]:
    return [c.text.strip() for c in row]


def is_total(text: str) -> bool:
    """`TỔNG SỐ`, `Tổng cộng`, `Cộng:` (OCR may lose the marks of `TỔNG`, never those of a unit's name)."""
    return bool(_TOTAL.fullmatch(text.strip())) or key(text).startswith(("tong so", "tong cong"))


def leading_number(text: str) -> float | None:
    """`12.500 đơn vị máu` -> 12500; None when the cell does not start with a number. In a quota cell `2,900` is
    OCR's comma for the thousands dot: a comma followed by exactly three digits is read as one."""
    text = re.sub(r"^(\d{1,3}),(\d{3})(?!\d)", r"\1.\2", text.strip())
    m = _LEADING_NUMBER.match(text)
    return parse_number(m.group(1)) if m else None


def find_columns(rows: list[list[str]], header_rows: int) -> Columns:
    heads = [" ".join(r[i] for r in rows[:header_rows] if i < len(r)) for i in range(max(len(r) for r in rows))]
    keys = [key(h) for h in heads]
    body = rows[header_rows:]

    def numeric_share(i: int) -> float:
        cells = [r[i] for r in body if i < len(r) and r[i]]
        return sum(leading_number(c) is not None for c in cells) / len(cells) if cells else 0.0

    def first(pred: Callable[[int, str], bool]) -> int | None:
        return next((i for i, k in enumerate(keys) if pred(i, k)), None)

    no = first(lambda i, k: k in ("tt", "stt", "so tt", "so thu tu"))
    months = first(lambda i, k: "thang" in k and ("thoi gian" in k or k.endswith("(thang)") or k.startswith("thang")))
    quota = first(lambda i, k: i != months and ("chi tieu" in k or "so luong" in k or "ke hoach" in k))
    if quota is None:
        numeric = [i for i in range(len(keys)) if i not in (no, months) and numeric_share(i) > 0.6]
        quota = numeric[0] if numeric else None
    unit = first(lambda i, k: i not in (no, quota, months) and ("ten" in k or "don vi" in k or "dia phuong" in k))
    if unit is None:
        unit = next((i for i in range(len(keys)) if i not in (no, quota, months)), None)
    return Columns(no, unit, quota, months, tuple(heads))


def header_row_count(rows: list[list[str]]) -> int:
    """Heading rows come before the first row whose first cell is a number or a Roman numeral."""
    for n, row in enumerate(rows):
        first = row[0] if row else ""
        if first.isdigit() or first.upper() in ROMAN:
            return max(n, 1)
    return 1


def months_of(text: str) -> list[int]:
    """`1, 5, 11` -> [1, 5, 11]. Each comma-separated part gives its first number (OCR may add a stray digit from a
    cell's border: `3, 6,7 3`)."""
    months = []
    for part in re.split(r"[,;.]", text):
        m = re.search(r"\d{1,2}", part)
        if m and 1 <= int(m.group()) <= 12:
            months.append(int(m.group()))
    return months


def _source(row: tuple[Cell, ...], page: int) -> Evidence:
    return Evidence(
        page=page,
        bbox=union_box([c.bbox for c in row if c.bbox is not None]),
        text=" | ".join(c.text for c in row),
        raw_text=" | ".join(c.raw or c.text for c in row),
    )


def quota_table(table: Table, title: str | None, confidence: float) -> QuotaTable | None:
    """The table as a quota table, or None when it holds no quotas."""
    rows = [_texts(r) for r in table.rows]
    if len(rows) < 3:
        return None
    head_n = header_row_count(rows)
    cols = find_columns(rows, head_n)
    if cols.quota is None or cols.unit is None:
        return None
    out_rows: list[QuotaRow] = []
    group: str | None = None
    total: float | None = None
    total_source: Evidence | None = None
    for cells, texts in zip(table.rows[head_n:], rows[head_n:], strict=True):
        first = _cell(texts, cols.no) if cols.no is not None else texts[0]
        name, quota_text = _cell(texts, cols.unit), _cell(texts, cols.quota)
        quota = leading_number(quota_text)
        if is_total(name) or is_total(first):
            total, total_source = quota, _source(cells, table.page)
            continue
        numbered = bool(re.match(r"^\d+", first))
        if first.upper() in ROMAN or (not numbered and quota is None and name):  # a group row
            group = name or group
            if quota is None:
                continue
        if quota is None:
            continue
        number = re.match(r"\d+", first)
        out_rows.append(
            QuotaRow(
                no=int(number.group()) if number else None,
                group=group,
                unit=name,
                quota=int(quota) if quota == int(quota) else quota,
                months=months_of(_cell(texts, cols.months)) if cols.months is not None else [],
                other={
                    cols.names[i]: t
                    for i, t in enumerate(texts)
                    if i not in (cols.no, cols.unit, cols.quota, cols.months)
                },
                source=_source(cells, table.page),
                # a row whose name OCR garbled is still a row, but the reviewer should look at it first
                confidence=round(confidence * text_quality(name), 2),
            )
        )
    if len(out_rows) < 2:
        return None
    computed = sum(r.quota for r in out_rows)
    year = _YEAR.search(key(cols.names[cols.quota])) if cols.quota is not None else None
    return QuotaTable(
        title=title,
        columns=list(cols.names),
        quota_column_year=int(year.group(1)) if year else None,
        rows=out_rows,
        total_stated=total,
        total_computed=computed,
        pages=list(table.pages or (table.page,)),
        source=total_source or out_rows[0].source,
        confidence=confidence,
    )


def _cell(texts: list[str], i: int | None) -> str:
    return texts[i] if i is not None and i < len(texts) else ""


def extract_quota_tables(
    doc: Document, appendix_titles: list[str]
) -> tuple[list[QuotaTable], list[DataTable], list[PlanWarning]]:
    """(quota tables, the other tables, warnings): a warning wherever the rows do not add up to the stated total."""
    tables: list[QuotaTable] = []
    others: list[DataTable] = []
    warnings: list[PlanWarning] = []
    for n, table in enumerate(doc.tables):
        title = appendix_titles[n] if n < len(appendix_titles) else (appendix_titles[-1] if appendix_titles else None)
        kind = table_kind(table)
        found = quota_table(table, title, confidence=0.95) if kind == "quota" else None
        if found is None:
            others.append(data_table(table, "other" if kind == "quota" else kind, title))
            continue
        if found.total_stated is None:
            found.total_stated = total_after(doc, found.pages[-1])
        tables.append(found)
        stated, computed = found.total_stated, found.total_computed or 0
        if stated is not None and abs(stated - computed) > 1e-6:
            warnings.append(
                PlanWarning(
                    code="quota_total_mismatch",
                    message=f"quota rows add up to {computed:,.0f}, the table states {stated:,.0f}",
                    page=found.pages[0],
                )
            )
    return tables, others, warnings


_TOTAL_LINE = re.compile(rf"^\W*(?:tong so|tong cong|cong)\b[^\d]{{0,20}}({NUMBER})")


def total_after(doc: Document, page: int) -> float | None:
    """The total row of a table that fell alone at the top of the next page, read there as text (`TỔNG SỐ 12.300`)."""
    following = [p for p in doc.paragraphs if p.page == page + 1][:3]
    for p in following:
        m = _TOTAL_LINE.match(key(p.text))
        if m:
            return leading_number(m.group(1))
    return None
