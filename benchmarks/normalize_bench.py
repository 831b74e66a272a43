"""How well the normalize stage repairs Vietnamese text: prints the figures issue #4 asks for.

1. Real OCR: the Tesseract text of the scanned samples against the true text (seed text with the gold `ocr_fixes`
   applied): word error rate before and after correction, and how many of the changes made are right.
2. Synthetic damage: the true text with the marks of 5% of its syllables swapped or dropped (seeded), corrected:
   the share of damaged syllables restored, and the share of changes that are right.
3. Seeds: whether each gold `ocr_fixes` pair is made on the seed texts, and every other change, for a person to judge.
4. Throughput of the whole normalize stage, in characters per second.

Run: `make bench-normalize` (or `.venv/bin/python benchmarks/normalize_bench.py [--no-ocr]`).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from pipeline.records import Document
from pipeline.stages.ingest import IngestOptions, ingest, ingest_bytes
from pipeline.stages.normalize import NormalizeOptions, normalize
from pipeline.stages.normalize.unicode import place_tone
from pipeline.vi.lexicon import SYLLABLE, lexicon
from pipeline.vi.text import toneless

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Words for WER: NFC, lower case, punctuation dropped, one tone placement (`khoẻ` = `khỏe`)."""
    return [place_tone(w) for w in _WORD.findall(unicodedata.normalize("NFC", text).lower())]


def true_text(seed: str) -> str:
    text = (SAMPLES / f"{seed}.txt").read_text("utf-8")
    for wrong, right in json.loads((SAMPLES / "gold" / f"{seed}.json").read_text("utf-8"))["ocr_fixes"]:
        text = text.replace(wrong, right)
    return text


def doc_text(doc: Document, corrected: bool) -> str:
    parts = [p.text if corrected else p.raw for p in doc.paragraphs]
    parts += [(c.text if corrected else c.raw or c.text) for t in doc.tables for row in t.rows for c in row]
    return "\n".join(parts)


@dataclass
class Changes:
    made: int = 0
    right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.made if self.made else 1.0


def judge_changes(before: list[str], after: list[str], truth: list[str]) -> Changes:
    """Align `before` to the truth; a change (a word re-marked, or one word split into several) is right when what
    it wrote equals the truth words aligned to what it replaced."""
    changes = Changes()
    aligned: dict[int, int] = {}
    for op in Levenshtein.opcodes(before, truth):
        if op.tag in ("equal", "replace") and op.src_end - op.src_start == op.dest_end - op.dest_start:
            for k in range(op.src_end - op.src_start):
                aligned[op.src_start + k] = op.dest_start + k
        elif op.tag == "replace" and op.src_end - op.src_start == 1:
            aligned[op.src_start] = op.dest_start  # a glued word against its syllables
    for op in Levenshtein.opcodes(before, after):
        if op.tag == "equal":
            continue
        for k in range(op.src_start, op.src_end):
            written = (
                after[op.dest_start : op.dest_end]
                if op.src_end - op.src_start == 1
                else [after[op.dest_start + k - op.src_start]]
                if op.dest_end - op.dest_start == op.src_end - op.src_start
                else []
            )
            changes.made += 1
            j = aligned.get(k)
            changes.right += j is not None and bool(written) and truth[j : j + len(written)] == written
    return changes


def mark_errors(hyp: list[str], ref: list[str]) -> int:
    """Words that differ from the truth by their marks alone (same toneless form): what correction can fix."""
    count = 0
    for op in Levenshtein.opcodes(hyp, ref):
        if op.tag == "replace" and op.src_end - op.src_start == op.dest_end - op.dest_start:
            pairs = zip(hyp[op.src_start : op.src_end], ref[op.dest_start : op.dest_end], strict=True)
            count += sum(1 for h, r in pairs if h != r and toneless(h) == toneless(r))
    return count


def wer(hyp: list[str], ref: list[str]) -> float:
    return Levenshtein.distance(hyp, ref) / max(len(ref), 1)


def real_ocr(seed: str) -> tuple[float, float, Changes, tuple[int, int]]:
    """WER of the scan's OCR before and after correction, and the changes judged against the truth."""
    raw = ingest(SAMPLES / f"{seed}.scan.pdf", IngestOptions())
    doc = normalize(raw)
    plain = normalize(raw, NormalizeOptions(correct=False))
    truth = words(true_text(seed))
    before, after = words(doc_text(plain, True)), words(doc_text(doc, True))
    marks = (mark_errors(before, truth), mark_errors(after, truth))
    return wer(before, truth), wer(after, truth), judge_changes(before, after, truth), marks


def damage(text: str, rate: float, rng: random.Random) -> tuple[str, int]:
    """Swap or drop the marks of `rate` of the syllables that have another reading; return the text and how many."""
    lex = lexicon()
    out: list[str] = []
    pos = damaged = 0
    for m in SYLLABLE.finditer(text):
        word = m.group()
        others = [v for v in lex.variants.get(toneless(word.lower()), ()) if v != word.lower()]
        out.append(text[pos : m.start()])
        if others and rng.random() < rate:
            plain = toneless(word.lower())
            new = plain if plain in others and rng.random() < 0.3 else rng.choice(others)
            word = new.upper() if word.isupper() and len(word) > 1 else (new.capitalize() if word[0].isupper() else new)
            damaged += 1
        out.append(word)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), damaged


def synthetic(seed: str, rate: float = 0.05, rng_seed: int = 2021) -> tuple[int, int, Changes]:
    """(damaged, restored, changes judged) for the true text of one seed, damaged at `rate`."""
    truth_text = true_text(seed)
    damaged_text, count = damage(truth_text, rate, random.Random(rng_seed))
    doc = normalize(ingest_bytes(damaged_text.encode("utf-8"), f"{seed}.txt"))
    clean = normalize(ingest_bytes(truth_text.encode("utf-8"), f"{seed}.txt"), NormalizeOptions(correct=False))
    plain = normalize(ingest_bytes(damaged_text.encode("utf-8"), f"{seed}.txt"), NormalizeOptions(correct=False))
    truth, before, after = words(doc_text(clean, True)), words(doc_text(plain, True)), words(doc_text(doc, True))
    restored = sum(1 for b, a, t in zip(before, after, truth, strict=False) if b != t and a == t)
    return count, restored, judge_changes(before, after, truth)


def seed_fixes(seed: str) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """Each gold fix with whether it was made; and every correction made on the seed text, as readable lines."""
    doc = normalize(ingest(SAMPLES / f"{seed}.txt"))
    text = doc_text(doc, True)
    gold = json.loads((SAMPLES / "gold" / f"{seed}.json").read_text("utf-8"))["ocr_fixes"]
    made = [(wrong, right, right in text and wrong not in text) for wrong, right in gold]
    listing = []
    for p in doc.paragraphs:
        for f in p.fixes:
            if not f.rule.startswith("unicode.char") and not f.rule.startswith("unicode.spaces"):
                listing.append(
                    f"{f.rule:28} {f.original!r} -> {f.corrected!r}  | {p.raw[max(0, f.start - 25) : f.end + 25]!r}"
                )
    for t in doc.tables:
        for row in t.rows:
            for c in row:
                for f in c.fixes:
                    listing.append(f"{f.rule:28} {f.original!r} -> {f.corrected!r}  | cell {c.raw!r}")
    return made, listing


def throughput(seeds: list[str], repeat: int = 5) -> float:
    raws = [ingest(SAMPLES / f"{s}.txt") for s in seeds]
    chars = sum(len(line.text) for r in raws for line in r.lines) * repeat
    normalize(raws[0])  # load the lexicon first: start-up is counted by the pipeline benchmark, not here
    started = time.perf_counter()
    for _ in range(repeat):
        for r in raws:
            normalize(r)
    return chars / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-ocr", action="store_true", help="skip the real-OCR part (it runs Tesseract)")
    args = parser.parse_args()
    seeds = sorted(p.stem for p in (SAMPLES / "gold").glob("*.json"))
    if not args.no_ocr:
        print("1. Real OCR (scanned samples)")
        for seed in seeds:
            w0, w1, ch, (m0, m1) = real_ocr(seed)
            print(
                f"   {seed}: WER {w0:.2%} -> {w1:.2%} ({(w0 - w1) / w0:.0%} of word errors removed); "
                f"wrong-mark words {m0} -> {m1} ({(m0 - m1) / max(m0, 1):.0%} removed); "
                f"{ch.made} words changed, {ch.right} right ({ch.precision:.0%})"
            )
    print("2. Synthetic damage (5% of syllables with another reading, seeded)")
    total = Changes()
    damaged = restored = 0
    for seed in seeds:
        n, r, ch = synthetic(seed)
        damaged, restored = damaged + n, restored + r
        total.made, total.right = total.made + ch.made, total.right + ch.right
        print(
            f"   {seed}: {n} damaged, {r} restored ({r / n:.0%}); "
            f"{ch.made} changes, {ch.right} right ({ch.precision:.0%})"
        )
    print(f"   all: {restored / damaged:.0%} restored, {total.precision:.0%} of changes right")
    print("3. Seeds: gold fixes, then every change made")
    for seed in seeds:
        made, listing = seed_fixes(seed)
        for wrong, right, ok in made:
            print(f"   {'made   ' if ok else 'MISSED '} {wrong!r} -> {right!r}")
        for line in listing:
            print(f"     {line}")
    print(f"4. Throughput: {throughput(seeds):,.0f} characters per second (normalize stage, one core)")


if __name__ == "__main__":
    main()
