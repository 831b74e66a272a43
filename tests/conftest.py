"""Shared fixtures: the bundled samples, their gold files, and each sample extracted once per test session."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from pipeline import extract_file
from pipeline.plan import Plan
from pipeline.stages.write import dumps

# The suite's property tests are reproducible: the same examples every run, so a red CI is a bug, never luck.
# VNPLAN_FUZZ_RANDOM=1 draws new examples (with VNPLAN_FUZZ_EXAMPLES for the PDF fuzzing, see test_fuzz.py).
settings.register_profile("suite", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("VNPLAN_FUZZ_RANDOM") else "suite")

# The developer's OCR cache (VNPLAN_OCR_CACHE) never answers for the tests: they measure real OCR, and its time.
os.environ.pop("VNPLAN_OCR_CACHE", None)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLD = SAMPLES / "gold"
SEED_IDS = sorted(p.stem for p in GOLD.glob("*.json"))
# Each seed comes as its text, a text-layer PDF and a scanned PDF.
VARIANTS = ("txt", "layer.pdf", "scan.pdf")
SAMPLE_FILES = [SAMPLES / f"{seed}.{variant}" for seed in SEED_IDS for variant in VARIANTS]


def gold_for(path: Path) -> dict[str, Any]:
    seed = path.name.split(".")[0]
    data: dict[str, Any] = json.loads((GOLD / f"{seed}.json").read_text("utf-8"))
    return data


_cache: dict[Path, Plan] = {}


def extracted_plan(path: Path) -> Plan:
    """The plan of one sample, computed once per session (OCR is the slow part)."""
    if path not in _cache:
        _cache[path] = extract_file(path)
    return _cache[path]


def extracted(path: Path) -> dict[str, Any]:
    """The result of one sample as the JSON that `vnplan extract` writes (a fresh copy each time)."""
    data: dict[str, Any] = json.loads(dumps(extracted_plan(path)))
    return data


@pytest.fixture(params=SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def sample(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    path: Path = request.param
    return path, extracted(path), gold_for(path)


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """A folder of two results (the Lào Cai text, the Thái Nguyên text-layer PDF) and a manifest, as a batch makes."""
    folder = tmp_path / "results"
    folder.mkdir()
    for path in (SAMPLES / "000_475196faf128e58a.txt", SAMPLES / "001_3e86aff22814d78e.layer.pdf"):
        (folder / f"{path.name.rsplit('.', 1)[0]}.json").write_text(json.dumps(extracted(path), ensure_ascii=False))
    (folder / "manifest.json").write_text('{"documents": {}}')  # not a result: skipped
    return folder
