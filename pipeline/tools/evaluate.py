"""Score results against gold annotations (the format of samples/gold/), field by field.

Text is compared case- and diacritic-insensitively (names also without spaces and punctuation), numbers and dates
exactly. A gold target matches an extracted
target with the same value, the same unit and (when the gold gives one) the same comparator, whose text, subject
or metric contains the gold `key`. A gold event matches an event whose name or text contains its key and whose
dates agree with the gold's where the gold gives them. Bodies match by name (either containing the other), quota
rows by number, unit name, quota and months. Each extracted item is used for one gold item at most.
Precision counts extracted items that match some gold item; gold files list the facts a correct extraction must
contain, not every number in a plan, so precision here is a lower bound.

Header fields (`HEADER_FIELDS`) are scored over the documents whose gold gives the field: `right` when the result
equals the gold, `wrong` when the result has a value that differs (a null is neither). Equality is exact for the
number (spaces dropped, letter case ignored: `QĐ-TTG` is `QĐ-TTg`) and the ISO date; case- and diacritic-insensitive
for the type, title, names and province, with punctuation spacing ignored; issuers also treat the standard
abbreviations as their full words (`UBND` = `Ủy ban nhân dân`, `TP` = `thành phố`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from pipeline.vi.text import key

Item = dict[str, Any]


@dataclass
class Score:
    category: str
    gold: int = 0
    found: int = 0
    extracted: int = 0
    correct: int = 0  # extracted items that match a gold item
    misses: list[str] = field(default_factory=list)
    by_threshold: dict[float, tuple[int, int]] = field(default_factory=dict)  # threshold -> (correct, extracted)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    def precision_at(self, threshold: float) -> float:
        correct, extracted = self.by_threshold.get(threshold, (0, 0))
        return correct / extracted if extracted else 1.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.found += other.found
        self.extracted += other.extracted
        self.correct += other.correct
        self.misses += other.misses
        for t, (c, e) in other.by_threshold.items():
            c0, e0 = self.by_threshold.get(t, (0, 0))
            self.by_threshold[t] = (c0 + c, e0 + e)


THRESHOLDS = (0.5, 0.9)


def _has(text: Any, phrase: str) -> bool:
    """Whether a text holds a gold key: as it is, or (for keys of 12 letters or more) with an OCR slip or two, as
    rapidfuzz's best partial alignment (≥ 92 of 100) finds it."""
    if not text:
        return False
    k, where = key(phrase), key(str(text))
    return k in where or (len(k) >= 12 and fuzz.partial_ratio(k, where, score_cutoff=92) > 0)


def target_matches(gold: Item, item: Item) -> bool:
    if abs(float(item["value"]) - float(gold["value"])) > 1e-9:
        return False
    if key(item.get("unit") or "") != key(gold.get("unit") or ""):
        return False
    if "comparator" in gold and item.get("comparator") != gold["comparator"]:
        return False
    return any(_has(item.get(f), gold["key"]) for f in ("text", "subject", "metric"))


def event_matches(gold: Item, item: Item) -> bool:
    if not (_has(item.get("name"), gold["key"]) or _has(item.get("text"), gold["key"])):
        return False
    if "date" in gold and not (item.get("date_start") == gold["date"] or item.get("date_end") == gold["date"]):
        return False
    if "start" in gold and (item.get("date_start") or "")[:7] != gold["start"]:
        return False
    return not ("end" in gold and (item.get("date_end") or "")[:7] != gold["end"])


def body_matches(gold: str, item: Item) -> bool:
    """The same body: one name holds the other and is at least 0.6 of its length, or the two are the same but for
    an OCR slip (rapidfuzz ratio ≥ 90)."""
    g = key(gold)
    names = [key(item.get("name") or ""), key(item.get("canonical_name") or "")]
    return any(
        n and (((g in n or n in g) and min(len(n), len(g)) >= 0.6 * max(len(n), len(g))) or fuzz.ratio(n, g) >= 90)
        for n in names
    )


def _name_key(text: str) -> str:
    """Names compared without spaces and punctuation: OCR spaces `Khoa Y - ĐHQG` as `Khoa Y- ĐHQG`."""
    return re.sub(r"[\W_]+", "", key(text))


def row_matches(gold: Item, item: Item) -> bool:
    return (
        gold.get("no") == item.get("no")
        and _name_key(gold["unit"]) == _name_key(item.get("unit") or "")
        and abs(float(gold["quota"]) - float(item.get("quota") or 0)) < 1e-9
        and list(gold.get("months", [])) == list(item.get("months", []))
        and (gold.get("group") is None or _name_key(gold["group"]) == _name_key(item.get("group") or ""))
    )


def _named(gold: Any, item: Item) -> bool:
    """Whether the item's own name (not just its sentence) holds the gold key."""
    return isinstance(gold, dict) and "key" in gold and _has(item.get("name"), gold["key"])


def score(category: str, gold: list[Any], items: list[Item], matches: Callable[[Any, Item], bool]) -> Score:
    s = Score(category, gold=len(gold), extracted=len(items))
    used: set[int] = set()
    for g in gold:
        # prefer an item named by the key, then the most confident (so confidence and correctness can be compared)
        order = sorted(
            range(len(items)), key=lambda i: (not _named(g, items[i]), -float(items[i].get("confidence", 0)))
        )
        hit = next((i for i in order if i not in used and matches(g, items[i])), None)
        if hit is None:
            s.misses.append(json.dumps(g, ensure_ascii=False))
        else:
            used.add(hit)
            s.found += 1
    correct_items = {i for i, item in enumerate(items) if any(matches(g, item) for g in gold)}
    s.correct = len(correct_items)
    for t in THRESHOLDS:
        kept = [i for i, item in enumerate(items) if float(item.get("confidence", 0)) >= t]
        s.by_threshold[t] = (len([i for i in kept if i in correct_items]), len(kept))
    return s


def evaluate(gold: Item, result: Item) -> dict[str, Score]:
    rows = [row for table in result.get("quota_tables", []) for row in table["rows"]]
    scores = {
        "targets": score("targets", gold.get("targets", []), result.get("targets", []), target_matches),
        "events": score("events", gold.get("events", []), result.get("events", []), event_matches),
        "bodies": score("bodies", gold.get("bodies", []), result.get("responsible_bodies", []), body_matches),
        "quota_rows": score("quota_rows", gold.get("quota_rows", []), rows, row_matches),
    }
    total = gold.get("quota_total")
    stated = [t.get("total_stated") for t in result.get("quota_tables", [])]
    scores["quota_total"] = Score("quota_total", gold=1 if total else 0, found=1 if total and total in stated else 0)
    if total and total not in stated:
        scores["quota_total"].misses.append(f"total_stated {total}")
    return scores


HEADER_FIELDS = ("doc_type", "number", "date", "issuer", "title", "signer.name", "province")

# Abbreviations of issuing bodies that Decree 30 headers and gold files write either way (toneless keys).
_ISSUER_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tp": "thanh pho",
    "tw": "trung uong",
    "tu": "trung uong",
    "bcd": "ban chi dao",
}


@dataclass
class FieldScore:
    """One header field over many documents: how many golds have it, how many results are right or wrong."""

    name: str
    gold: int = 0
    right: int = 0
    wrong: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def right_share(self) -> float:
        return self.right / self.gold if self.gold else 1.0

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.gold if self.gold else 0.0

    def add(self, other: FieldScore) -> None:
        self.gold += other.gold
        self.right += other.right
        self.wrong += other.wrong
        self.misses += other.misses


def field_value(document: Item, name: str) -> Any:
    """`signer.name` -> document["signer"]["name"]; None when any step is missing."""
    value: Any = document
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _text_key(text: str) -> str:
    """Case, diacritics, punctuation spacing and a final stop ignored: `Nhâm Dần-năm 2022` = `Nhâm Dần - năm 2022`."""
    k = key(text)
    k = re.sub(r"\s*([-–,;:/()])\s*", r"\1", k.replace("–", "-"))
    return re.sub(r"[\s.;:,]+$", "", re.sub(r"[\"“”‘’']", "", k))


def header_key(name: str, value: Any) -> str | None:
    """The form two values of a header field are compared in (see the module docstring)."""
    if value is None:
        return None
    text = str(value)
    if name == "number":
        return re.sub(r"\s+", "", text).upper()
    if name == "date":
        return text
    k = _text_key(text)
    if name == "issuer":
        k = " ".join(_ISSUER_ABBREVIATIONS.get(w, w) for w in re.sub(r"[.]", " ", k).split())
    return k


def score_header(gold: Item, result: Item) -> dict[str, FieldScore]:
    """Each header field of one document: right, wrong, or neither (gold null, or result null)."""
    out: dict[str, FieldScore] = {}
    for name in HEADER_FIELDS:
        s = FieldScore(name)
        want = field_value(gold.get("document") or {}, name)
        if want is not None and not gold.get("skip"):
            got = field_value(result.get("document") or {}, name)
            s.gold = 1
            if header_key(name, got) == header_key(name, want):
                s.right = 1
            else:
                s.wrong = int(got is not None)
                s.misses.append(f"{name}: {got!r} (gold {want!r})")
        out[name] = s
    return out


def gold_id(path: Path) -> str:
    """Results are matched to gold by the gold's id, the part of the result's name before its first dot."""
    return path.name.split(".")[0]


def evaluate_dirs(gold_dir: Path, results_dir: Path) -> dict[str, dict[str, Score]]:
    """Per result file: its scores. Results with no gold file are skipped."""
    golds = {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(gold_dir.glob("*.json"))}
    out: dict[str, dict[str, Score]] = {}
    for path in sorted(results_dir.glob("*.json")):
        gold = golds.get(gold_id(path))
        if gold is not None:
            out[path.name] = evaluate(gold, json.loads(path.read_text("utf-8")))
    return out


def evaluate_header_dirs(gold_dir: Path, results_dir: Path) -> tuple[dict[str, dict[str, FieldScore]], list[str]]:
    """Header scores of every gold document (not `skip`), and the gold ids that have no result: a missing result
    counts as every field null, so a document that failed is not left out of the shares."""
    results: dict[str, Path] = {}
    for path in sorted(results_dir.glob("*.json")):
        results.setdefault(gold_id(path), path)
    out: dict[str, dict[str, FieldScore]] = {}
    missing: list[str] = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        if gold.get("skip") or "document" not in gold:
            continue
        found = results.get(gold_path.stem)
        if found is None:
            missing.append(gold_path.stem)
        result = json.loads(found.read_text("utf-8")) if found else {}
        out[gold_path.stem] = score_header(gold, result)
    return out, missing


def header_totals(scored: dict[str, dict[str, FieldScore]]) -> dict[str, FieldScore]:
    totals = {name: FieldScore(name) for name in HEADER_FIELDS}
    for scores in scored.values():
        for name, s in scores.items():
            totals[name].add(s)
    return totals
