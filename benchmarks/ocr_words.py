"""How many of the gold's words OCR finds on the real scans, per document: a word-level measure of OCR settings.

The real scans have no full transcription, but their gold holds text read from the page images: the title, the
signer's name, the responsible bodies, every document number cited. Each gold string's words (lower case, NFC,
punctuation stripped) are looked for in the text ingest reads from the document, each text word used at most once;
document numbers ("123/2020/NĐ-CP") count as one word each, so a single wrong digit misses it.

Run: `python benchmarks/ocr_words.py [--upscale F] [--max-dpi N] [--colour MODE] [sNN ...]` (with
VNPLAN_OCR_CACHE set, re-runs of one setting are quick). Prints one row per document and the totals.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.stages.ingest import IngestOptions, ingest

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs"
_STRIP = ".,;:!?()[]\"'“”‘’…"


def words(text: str) -> list[str]:
    out = []
    for w in unicodedata.normalize("NFC", text).lower().split():
        w = w.strip(_STRIP)
        if w:
            out.append(w)
    return out


def gold_strings(gold: dict[str, Any]) -> dict[str, list[str]]:
    doc = gold["document"]
    signer = (doc.get("signer") or {}).get("name")
    return {
        "title": [doc["title"]] if doc.get("title") else [],
        "names": ([signer] if signer else []) + list(gold.get("bodies") or []),
        "numbers": list(doc.get("referenced_documents") or []) + ([doc["number"]] if doc.get("number") else []),
    }


def recall(found: Counter[str], strings: list[str], whole: bool) -> tuple[int, int]:
    """Gold words found (each text word used once) and gold words in all, over the strings."""
    left = found.copy()
    hit = total = 0
    for s in strings:
        for w in [s.lower().strip(_STRIP)] if whole else words(s):
            total += 1
            if left[w] > 0:
                left[w] -= 1
                hit += 1
    return hit, total


def measure(path: Path, gold: dict[str, Any], options: IngestOptions) -> dict[str, Any]:
    started = time.perf_counter()
    raw = ingest(path, options)
    seconds = time.perf_counter() - started
    text = "\n".join(line.text for line in raw.lines)
    text += "\n" + "\n".join(c.text for t in raw.tables for row in t.rows for c in row)
    found = Counter(words(text))
    numbers = Counter(re.sub(r"\s+", "", w).strip(_STRIP).lower() for w in re.findall(r"\S+", text))
    row: dict[str, Any] = {"doc": path.stem, "ocr_pages": len(raw.ocr_pages), "seconds": seconds}
    for kind, strings in gold_strings(gold).items():
        row[kind] = recall(numbers if kind == "numbers" else found, strings, whole=kind == "numbers")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", nargs="*", help="document ids (default: every document with an OCR'd page)")
    parser.add_argument("--folder", type=Path, default=REALDOCS)
    parser.add_argument("--upscale", type=float, default=IngestOptions().ocr_upscale)
    parser.add_argument("--max-dpi", type=int, default=IngestOptions().ocr_dpi)
    parser.add_argument("--colour", default=IngestOptions().ocr_colour)
    args = parser.parse_args()
    options = IngestOptions(ocr_upscale=args.upscale, ocr_dpi=args.max_dpi, ocr_colour=args.colour)
    ids = args.docs or sorted(p.stem for p in (args.folder / "gold").glob("s*.json"))
    totals: dict[str, list[int]] = {"title": [0, 0], "names": [0, 0], "numbers": [0, 0]}
    print(f"{'doc':5} {'pages':>5} {'s':>6}  {'title':>9} {'names':>9} {'numbers':>9}")
    for doc_id in ids:
        gold = json.loads((args.folder / "gold" / f"{doc_id}.json").read_text("utf-8"))
        row = measure(args.folder / f"{doc_id}.pdf", gold, options)
        if not row["ocr_pages"] and not args.docs:
            continue
        cells = []
        for kind in totals:
            hit, total = row[kind]
            totals[kind][0] += hit
            totals[kind][1] += total
            cells.append(f"{hit:>4}/{total:<4}")
        print(f"{doc_id:5} {row['ocr_pages']:>5} {row['seconds']:6.1f}  " + " ".join(cells))
    print("total", " ".join(f"{k} {h}/{t} = {h / max(t, 1):.1%}" for k, (h, t) in totals.items()))


if __name__ == "__main__":
    main()
