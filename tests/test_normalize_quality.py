"""Quality thresholds of the normalize stage (issue #4), measured as benchmarks/normalize_bench.py measures them."""

from __future__ import annotations

import sys

import pytest

from .conftest import ROOT, SEED_IDS

sys.path.insert(0, str(ROOT / "benchmarks"))
import normalize_bench as bench


def test_synthetic_damage_is_mostly_restored_and_changes_are_right() -> None:
    damaged = restored = made = right = 0
    for seed in SEED_IDS:
        n, r, changes = bench.synthetic(seed, rate=0.05, rng_seed=2021)
        damaged, restored, made, right = damaged + n, restored + r, made + changes.made, right + changes.right
    assert restored / damaged >= 0.70
    assert right / made >= 0.95


@pytest.mark.parametrize("rng_seed", [7, 99])
def test_synthetic_precision_holds_on_other_draws(rng_seed: int) -> None:
    made = right = 0
    for seed in SEED_IDS:
        _, _, changes = bench.synthetic(seed, rate=0.05, rng_seed=rng_seed)
        made, right = made + changes.made, right + changes.right
    assert right / made >= 0.95


@pytest.mark.parametrize("seed", SEED_IDS)
def test_every_gold_fix_is_made_on_the_seed_text(seed: str) -> None:
    made, _ = bench.seed_fixes(seed)
    assert [(wrong, right) for wrong, right, ok in made if not ok] == []


def test_real_ocr_wrong_marks_are_mostly_fixed_and_changes_are_right() -> None:
    made = right = 0
    for seed in SEED_IDS:
        wer_before, wer_after, changes, (marks_before, marks_after) = bench.real_ocr(seed)
        assert wer_after < wer_before
        assert (marks_before - marks_after) / marks_before >= 0.5
        made, right = made + changes.made, right + changes.right
    assert right / made >= 0.95
