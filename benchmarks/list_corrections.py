"""List every OCR-mark correction vnplan makes on the given files, with context, for a person to judge.

Run: `.venv/bin/python benchmarks/list_corrections.py samples/*.txt`
"""

from __future__ import annotations

import sys

from pipeline.stages.ingest import ingest
from pipeline.stages.normalize import normalize


def main(paths: list[str]) -> None:
    for path in paths:
        doc = normalize(ingest(path))
        count = 0
        for p in doc.paragraphs:
            for fix in p.fixes:
                if fix.rule.startswith("ocr"):
                    count += 1
                    left = max(0, fix.start - 25)
                    print(f"  {fix.original!r:>12} -> {fix.corrected!r:<12} | {p.raw[left : fix.end + 25]!r}")
        print(f"{path}: {count} OCR-mark corrections")


if __name__ == "__main__":
    main(sys.argv[1:])
