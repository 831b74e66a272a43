"""The floors issue #15 sets, held on real plans the repository carries: the 18 crawled plans of 2025
(tests/data/devtexts, Markdown as published) and five plan-like real PDFs (tests/data/realdocs: s02, s04, s20,
s21, s24), each with gold made by the gold protocol from the documents themselves.

Floors: recall of targets, events and bodies at least 0.85 (pooled over every gold item, and as the mean of the
documents' own recall), precision of targets at least 0.85 (counted against gold items, as `vnplan eval` does),
and quota rows with their months at least 0.95 (on the seeds' text and text-layer plans, the only plans with gold
quota rows). The recall and precision floors are held again on the five PDFs alone, where they are not all met yet
(strict xfails, with the reason). The scans are read with OCR on every page: their only text layer is an
e-signature box or a hidden layer of ASCII-fied OCR, which says nothing of the plan.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline import extract_file
from pipeline.runner import Options
from pipeline.stages.ingest import IngestOptions
from pipeline.tools.evaluate import Score, Summary, evaluate_dirs, summarize

from .conftest import SAMPLES

DATA = Path(__file__).parent / "data"
DEVTEXTS = DATA / "devtexts"
REALDOCS = DATA / "realdocs"
PLAN_LIKE = ("s02", "s04", "s20", "s21", "s24")
FLOOR = 0.85


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Score]]:
    root = tmp_path_factory.mktemp("real")
    gold, out = root / "gold", root / "out"
    gold.mkdir()
    out.mkdir()
    for path in sorted((DEVTEXTS / "gold").glob("t*.json")):
        shutil.copy(path, gold / path.name)
    inputs = sorted(DEVTEXTS.glob("t*.md"))
    for doc in PLAN_LIKE:
        shutil.copy(REALDOCS / f"{doc}.json", gold / f"{doc}.json")
        inputs.append(REALDOCS / f"{doc}.pdf")
    ocr_every_page = Options(ingest=IngestOptions(ocr="always"))
    for path in inputs:
        plan = extract_file(path, ocr_every_page if path.suffix == ".pdf" else None)
        (out / f"{path.stem}.json").write_text(plan.model_dump_json(), "utf-8")
    scores = evaluate_dirs(gold, out)
    assert len(scores) == len(inputs) - 1  # t03 is a press article: its gold says skip
    return scores


@pytest.fixture(scope="module")
def summary(scored: dict[str, dict[str, Score]]) -> dict[str, Summary]:
    return summarize(scored)


@pytest.fixture(scope="module")
def pdf_summary(scored: dict[str, dict[str, Score]]) -> dict[str, Summary]:
    """The plan-like real PDFs alone: pooled with the Markdown plans, their misses hide behind the plans' hits."""
    return summarize({name: s for name, s in scored.items() if name.split(".")[0] in PLAN_LIKE})


@pytest.mark.parametrize("category", ["targets", "events", "bodies"])
def test_recall_floor_on_real_plans(summary: dict[str, Summary], category: str) -> None:
    s = summary[category]
    assert s.total.recall >= FLOOR, (category, s.total.found, s.total.gold, s.total.misses)
    assert s.mean_recall >= FLOOR, (category, s.mean_recall)


def test_target_precision_floor_on_real_plans(summary: dict[str, Summary]) -> None:
    s = summary["targets"].total
    assert s.precision >= FLOOR, (s.correct, s.extracted)


# Where the PDFs alone are below a floor, and why (issue 15; see the realdocs gold for each document):
# s20 is a faded 100-dpi scan whose italic line holding the quoted goal (`Xây dựng 20% xã, phường, đặc khu không
# có ma túy`) Tesseract's page layout drops; read again on its own (ingest/recover.py) it gives `đặc khu không có`
# but not the `20%`, so its one target is missed; with three documents holding targets, that one scan takes the
# mean under 0.85. (Its bodies, missed too before the dropped text was read again, now hold the floor.)
_PDF_SHORT = {"targets": "s20's goal line is not read by OCR"}


@pytest.mark.parametrize(
    "category",
    [
        pytest.param(c, marks=pytest.mark.xfail(reason=_PDF_SHORT[c], strict=True)) if c in _PDF_SHORT else c
        for c in ("targets", "events", "bodies")
    ],
)
def test_recall_floor_on_the_real_plan_pdfs_alone(pdf_summary: dict[str, Summary], category: str) -> None:
    s = pdf_summary[category]
    assert s.documents >= 3, (category, s.documents)  # a mean over too few documents holds nothing
    assert s.total.recall >= FLOOR, (category, s.total.found, s.total.gold, s.total.misses)
    assert s.mean_recall >= FLOOR, (category, s.mean_recall)


def test_target_precision_floor_on_the_real_plan_pdfs_alone(pdf_summary: dict[str, Summary]) -> None:
    s = pdf_summary["targets"].total
    assert s.extracted >= 5 and s.precision >= FLOOR, (s.correct, s.extracted)  # five to make a measure


def test_quota_rows_with_months_on_the_seeds(tmp_path: Path) -> None:
    gold, out = tmp_path / "gold", tmp_path / "out"
    gold.mkdir()
    out.mkdir()
    for path in [*SAMPLES.glob("*.txt"), *SAMPLES.glob("*.layer.pdf")]:
        seed = path.name.split(".")[0]
        shutil.copy(SAMPLES / "gold" / f"{seed}.json", gold / f"{seed}.json")
        (out / f"{path.name}.json").write_text(extract_file(path).model_dump_json(), "utf-8")
    rows = summarize(evaluate_dirs(gold, out))["quota_rows"].total
    assert rows.gold == 2 * sum(len(json.loads(p.read_text("utf-8"))["quota_rows"]) for p in gold.glob("*.json"))
    assert rows.recall >= 0.95 and rows.precision >= 0.95, (rows.found, rows.gold, rows.misses)
