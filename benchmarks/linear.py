"""Linear-time benchmark: every stage's CPU time on input shapes that once made one quadratic (issue 17).

    make bench-linear        (or: .venv/bin/python benchmarks/linear.py [MAX_BYTES])

The shapes (`tests/hostile.py`, LONG_SHAPES): a long run of word characters, many numbers in one sentence, ordinary
prose. For each shape and size (10 kB, 100 kB, 1 MB by default) it prints each stage's CPU seconds and the growth
per tenfold size: about 10 is linear, about 100 quadratic. `tests/test_linear.py` holds the same figures to a
bound of 31.6 per tenfold (halfway between 10 and 100 on the log scale). CPU time (not wall) so that a busy machine
disturbs it less; still, measure alone.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' corpus builder

from pipeline.runner import STAGES
from tests.hostile import LONG_SHAPES
from tests.test_linear import cpu_per_stage


def main() -> None:
    largest = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sizes = [n for n in (10_000, 100_000, 1_000_000, 10_000_000) if n <= largest]
    print(f"CPU seconds per stage, {time.strftime('%Y-%m-%d %H:%M')}; growth per tenfold in brackets")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in LONG_SHAPES.items():
            cpu_per_stage(make(2_000), Path(tmp) / "warm.txt", runs=1)  # the lexicon and schema load once
            spent = [cpu_per_stage(make(n), Path(tmp) / f"{n}.txt") for n in sizes]
            for stage in STAGES:
                cells = [f"{spent[0][stage]:8.3f}"]
                for small, large in itertools.pairwise(spent):
                    growth = large[stage] / small[stage] if small[stage] > 0.005 else float("nan")
                    cells.append(f"{large[stage]:8.3f} [{growth:5.1f}]")
                print(f"  {name:9} {stage:10} " + "  ".join(cells))


if __name__ == "__main__":
    main()
