"""The issue's floors for the header on real documents: each field right on >= 90% of the documents whose gold
has it, filled but wrong on <= 3% (a field vnplan is unsure of is null with a warning instead).

Every whole document of tests/data/realdocs is read as a user would read it (default options) and scored as
`vnplan eval` scores it. The floors are the issue's; a field that does not reach one is marked as an expected
failure with the share measured when it was written, strictly, so the mark must go when the field gets there.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pymupdf
import pytest

from pipeline.errors import VnplanError
from pipeline.runner import run
from pipeline.tools.evaluate import HEADER_FIELDS, FieldScore, score_header

REAL = Path(__file__).parent / "data" / "realdocs"
RIGHT_FLOOR, WRONG_CEILING = 0.90, 0.03


def whole_documents() -> list[Path]:
    """The PDFs of the folder that are whole: as many pages as their source row gives (some are cut for ingest)."""
    pages: dict[str, int] = {}
    for table in ("SOURCES.tsv", "HEADER.tsv"):
        with (REAL / table).open(encoding="utf-8") as f:
            pages.update({row["id"]: int(row["pages"]) for row in csv.DictReader(f, delimiter="\t")})
    out = []
    for pdf in sorted(REAL.glob("s*.pdf")):
        with pymupdf.open(pdf) as doc:
            if pages.get(pdf.stem) == doc.page_count and (REAL / f"{pdf.stem}.json").exists():
                out.append(pdf)
    return out


@pytest.fixture(scope="module")
def totals() -> dict[str, FieldScore]:
    out = {name: FieldScore(name) for name in HEADER_FIELDS}
    for pdf in whole_documents():
        gold = json.loads((REAL / f"{pdf.stem}.json").read_text("utf-8"))
        try:
            result = run(pdf).model_dump(mode="json")
        except VnplanError:  # a document that fails counts as every field null, as `vnplan eval` counts it
            result = {}
        for name, s in score_header(gold, result).items():
            out[name].add(s)
    return out


def test_the_set_is_the_whole_documents() -> None:
    names = [p.stem for p in whole_documents()]
    assert len(names) >= 10 and "s11" not in names and "s25" not in names


# Right shares measured when this was written, on main's ingest (before its page triage, stamp merge and blanks
# reader), and with the ingest branch's reading, which took doc_type, issuer, province to 1.00 and title to 0.91
# (their marks are gone); signer.name reached 0.91 when the signature block of a scan was read again on its own
# (its mark is gone). Still under the floor: number and date, whose handwritten digits are emptied rather than
# guessed.
GAPS_RIGHT = {
    "number": "0.73 on these 11 (handwritten numbers read only when sure, else emptied; 2026-11-30, networks of 60k)",
    "date": "0.82 on these 11 (handwritten days and months read only when sure or confirmed, else emptied; 2026-11-30)",
}


@pytest.mark.parametrize(
    "field",
    [
        pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=GAPS_RIGHT[f])) if f in GAPS_RIGHT else f
        for f in HEADER_FIELDS
    ],
)
def test_right_on_ninety_percent(totals: dict[str, FieldScore], field: str) -> None:
    s = totals[field]
    assert s.gold > 0
    assert s.right_share >= RIGHT_FLOOR, s.misses


@pytest.mark.parametrize("field", HEADER_FIELDS)
def test_wrong_on_three_percent_at_most(totals: dict[str, FieldScore], field: str) -> None:
    s = totals[field]
    assert s.wrong_share <= WRONG_CEILING, s.misses


DEVTEXTS = Path(__file__).parent / "data" / "devtexts"


def test_real_plans_as_text_reach_the_floors() -> None:
    """The 17 crawled plans (Markdown, t03 a news article marked `skip`): the same floors, on text input."""
    out = {name: FieldScore(name) for name in HEADER_FIELDS}
    for gold_path in sorted((DEVTEXTS / "gold").glob("t*.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        result = run(DEVTEXTS / f"{gold_path.stem}.md").model_dump(mode="json")
        for name, s in score_header(gold, result).items():
            out[name].add(s)
    assert out["issuer"].gold == 17
    for name, s in out.items():
        assert s.right_share >= RIGHT_FLOOR and s.wrong_share <= WRONG_CEILING, (name, s.misses)
