"""Linear-time benchmark: every stage's CPU time on input shapes that once made one quadratic (issue 17).

    make bench-linear        (or: .venv/bin/python benchmarks/linear.py [MAX_BYTES])

Shapes: a long run of word characters (an e-mail pattern free to start anywhere once scanned it once per letter),
many numbers in one sentence (each target kept the whole sentence and re-read the text before it), and ordinary
prose. For each shape and each size (10 kB, 100 kB, 1 MB by default) it prints each stage's CPU seconds and the
growth per tenfold size: about 10 is linear, about 100 quadratic. CPU time (not wall) so that a busy machine
disturbs it less; still, measure alone.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.runner import STAGES, run

HEAD = "UBND TỈNH NGHỆ AN\nSố: 45/KH-UBND\nNghệ An, ngày 10 tháng 01 năm 2024\nKẾ HOẠCH\nTriển khai năm 2024\n\n"


def word_run(n: int) -> str:
    return HEAD + "I. LIÊN HỆ\nĐịa chỉ thư: " + "a" * n + " @ xem tại trang " + "b" * (n // 10) + "\n"


def numbers(n: int) -> str:
    parts, size, i = [], 0, 0
    while size < n:
        i += 1
        part = f"đạt {i % 97 + 1}% số xã loại {i}"
        parts.append(part)
        size += len(part) + 2
    return HEAD + "I. MỤC TIÊU\nPhấn đấu " + ", ".join(parts) + ".\n"


def prose(n: int) -> str:
    sentence = "Các sở, ban, ngành tổ chức tuyên truyền sâu rộng đến cán bộ, công chức và nhân dân trên địa bàn tỉnh. "
    body = (sentence * (n // len(sentence) + 1))[:n]
    return HEAD + "I. NHIỆM VỤ\n1. Sở Tư pháp chủ trì: " + body + "\n"


SHAPES: dict[str, Callable[[int], str]] = {"word_run": word_run, "numbers": numbers, "prose": prose}


def cpu_per_stage(text: str, path: Path) -> dict[str, float]:
    path.write_text(text, "utf-8")
    timings: dict[str, float] = {}
    run(path, timings=timings, clock=time.process_time)
    return timings


def main() -> None:
    largest = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sizes = [n for n in (10_000, 100_000, 1_000_000, 10_000_000) if n <= largest]
    print(f"CPU seconds per stage, {time.strftime('%Y-%m-%d %H:%M')}; growth per tenfold in brackets")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in SHAPES.items():
            cpu_per_stage(make(2_000), Path(tmp) / "warm.txt")  # the lexicon and schema load once, not per size
            spent = [cpu_per_stage(make(n), Path(tmp) / f"{n}.txt") for n in sizes]
            for stage in STAGES:
                cells = [f"{spent[0][stage]:8.3f}"]
                for small, large in itertools.pairwise(spent):
                    growth = large[stage] / small[stage] if small[stage] > 0.005 else float("nan")
                    cells.append(f"{large[stage]:8.3f} [{growth:5.1f}]")
                print(f"  {name:9} {stage:10} " + "  ".join(cells))


if __name__ == "__main__":
    main()
