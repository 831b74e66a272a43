"""Does text repair harm text that is right? Prints the share of changes made on known-right text that are right.

Known-right text: Markdown plans as published (`*.md`) and the text layers of born-digital PDFs whose text layer
is good (read with OCR off; a document counts when at least 97% of its words are Vietnamese syllables, so broken
font encodings are left out). On such text a change is right only when it normalises Unicode or tone placement
(the documented convention: `unicode.*`, `layout.*` join rules, `unicode.tone_placement.v1`); any other change
(`ocr.*`) alters a word that was right, so it is wrong.

Two figures for each corpus:
- as configured: what the pipeline does (typed text, text layers and Markdown, gets only lossless clean-up; OCR
  corrections are for text that was read: OCR'd lines, legacy encodings, plain text files);
- forced: the full OCR correction run on the same text as if it had been read by OCR, to show how often the
  corrector itself changes a right word.

Run: `.venv/bin/python benchmarks/repair_bench.py [FOLDER_OR_FILE ...]` (default: tests/data/devtexts and
tests/data/realdocs). The goal: as configured, at least 99.5% of changes are right.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from pipeline.errors import VnplanError
from pipeline.records import RawDocument
from pipeline.stages.ingest import IngestOptions, ingest
from pipeline.stages.normalize import NormalizeOptions, normalize
from pipeline.vi.lexicon import SYLLABLE, lexicon
from pipeline.vi.syllable import is_valid_syllable

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "tests" / "data" / "devtexts", ROOT / "tests" / "data" / "realdocs"]
LOSSLESS = re.compile(r"^(unicode\.|layout\.)")


def good_layer(raw: RawDocument) -> bool:
    """A text layer whose words are Vietnamese: at least 97% valid syllables or known words."""
    words = [t for line in raw.lines for t in SYLLABLE.findall(line.text) if not t.isupper()]
    if len(words) < 50:
        return False
    known = lexicon().unigrams
    good = sum(1 for w in words if is_valid_syllable(w.lower()) or w.lower() in known)
    return good / len(words) >= 0.97


def files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.glob("*.md") if f.name != "README.md") + sorted(p.glob("*.pdf"))
        elif p.is_file():
            out.append(p)
    return out


def as_read(raw: RawDocument) -> RawDocument:
    """The same document as if OCR had read it: every line flagged as OCR'd, and a `.txt` name for text input."""
    lines = tuple(replace(line, ocr=True) for line in raw.lines)
    path = str(Path(raw.path).with_suffix(".txt")) if raw.input_kind == "text" else raw.path
    pages = tuple(range(1, raw.pages + 1))
    return replace(raw, lines=lines, path=path, ocr_pages=pages)


def changes(raw: RawDocument) -> Counter[str]:
    doc = normalize(raw, NormalizeOptions())
    rules: Counter[str] = Counter()
    for p in doc.paragraphs:
        rules.update(f.rule for f in p.fixes)
    for t in doc.tables:
        rules.update(f.rule for row in t.rows for c in row for f in c.fixes)
    return rules


def report(name: str, rules: Counter[str]) -> None:
    total = sum(rules.values())
    right = sum(n for rule, n in rules.items() if LOSSLESS.match(rule))
    share = right / total if total else 1.0
    wrong = {rule: n for rule, n in rules.items() if not LOSSLESS.match(rule)}
    print(f"  {name:14} changes {total:6}  right {right:6}  {share:7.2%}   wrong by rule: {wrong or '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT)
    args = parser.parse_args()
    configured: Counter[str] = Counter()
    forced: Counter[str] = Counter()
    used, skipped = [], []
    for path in files(args.paths):
        try:
            raw = ingest(path, IngestOptions(ocr="never")) if path.suffix == ".pdf" else ingest(path)
        except VnplanError:
            skipped.append(path.name)  # a scan: no text layer at all
            continue
        if raw.input_kind == "pdf" and not good_layer(raw):
            skipped.append(path.name)
            continue
        used.append(path.name)
        configured += changes(raw)
        forced += changes(as_read(raw))
    print(f"known-right text: {len(used)} documents ({', '.join(used)})")
    if skipped:
        print(f"left out (no good text layer): {', '.join(skipped)}")
    report("as configured", configured)
    report("forced OCR", forced)


if __name__ == "__main__":
    main()
