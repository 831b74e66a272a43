"""CSV cells that a spreadsheet cannot run: formula injection neutralised as OWASP recommends.

Excel, LibreOffice Calc and Google Sheets read a cell that begins with `=`, `+`, `-` or `@` (or a tab, a carriage
return or a NUL, which they skip) as a formula: `=HYPERLINK(…)` in a subject or a file name would run when a
colleague opens the export. Such a text cell gets a single quote in front (`'=1+1`), which spreadsheets read as
"this is text" and do not show. The full-width forms (`＝`, `＋`, `－`, `＠`), which some spreadsheets also
accept, are treated alike. Numbers are never touched: a negative value in a number column stays a number.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """A text cell as it is safe to put in a CSV file; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
