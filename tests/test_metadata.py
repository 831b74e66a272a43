"""The document fields of all six samples (text, text-layer PDF, scan) equal the gold files' values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.vi.text import key

from .conftest import SAMPLES, extracted

Sample = tuple[Path, dict[str, Any], dict[str, Any]]


def test_number_date_place_province_year(sample: Sample) -> None:
    _, result, gold = sample
    doc, want = result["document"], gold["document"]
    assert doc["doc_type"] == want["doc_type"]
    assert doc["number"] == want["number"]
    assert doc["date"] == want["date"]
    assert doc["place"] == want["place"]
    assert doc["province"] == want["province"]
    assert doc["plan_year"] == want["plan_year"]


def test_title_issuer_signer(sample: Sample) -> None:
    _, result, gold = sample
    doc, want = result["document"], gold["document"]
    assert key(doc["title"]) == key(want["title"])
    assert key(doc["issuer"]) == key(want["issuer"])
    for field in ("name", "title", "authority"):
        assert key(doc["signer"][field]) == key(want["signer"][field]), field


def test_legal_bases_and_references(sample: Sample) -> None:
    _, result, gold = sample
    doc, want = result["document"], gold["document"]
    assert [b["number"] for b in doc["legal_bases"]] == want["legal_bases"]
    assert doc["referenced_documents"] == want["referenced_documents"]  # the plan's own number excluded


def test_recipients_and_contacts(sample: Sample) -> None:
    _, result, gold = sample
    doc, want = result["document"], gold["document"]
    assert len(doc["recipients"]) == want["recipients_count"]
    assert key(doc["recipients"][-1]["name"]).startswith("luu")
    assert doc["contact_phone"] == want["contact_phone"]
    assert doc["contact_email"] == want.get("contact_email")


def test_receiving_stamp_is_not_the_number(sample: Sample) -> None:
    _, result, gold = sample
    stamp = gold["document"].get("received_stamp")
    got = result["document"]["received_stamp"]
    if stamp is None:
        assert got is None
    else:
        assert got["number"] == stamp["number"]
        assert got["date"] == stamp["date"]
        assert result["document"]["number"] != stamp["number"]


def test_every_field_has_evidence_in_its_source(sample: Sample) -> None:
    _, result, _ = sample
    doc = result["document"]
    for field in ("number", "date", "title", "signer"):
        ev = doc["sources"][field]
        assert ev["page"] >= 1 and ev["text"], field
    assert doc["number"].replace(" ", "") in doc["sources"]["number"]["text"].replace(" ", "")
    for basis in doc["legal_bases"]:
        assert basis["number"] in basis["source"]["text"].replace(" ", "") or basis["number"] in basis["source"]["text"]


def test_title_evidence_covers_every_line_of_the_title() -> None:
    """The Lào Cai title is set on two lines: its box must hold both, as the PDF draws them."""
    import pymupdf

    path = SAMPLES / "000_475196faf128e58a.layer.pdf"
    box = pymupdf.Rect(extracted(path)["document"]["sources"]["title"]["bbox"])
    with pymupdf.open(path) as doc:
        for words in ("Tuyên truyền, vận động", "tỉnh Lào Cai năm 2021"):
            (hit,) = doc[0].search_for(words)[:1]
            inner = pymupdf.Rect(hit.x0 + 1, hit.y0 + 1, hit.x1 - 1, hit.y1 - 1)  # the glyphs, not their leading
            assert box.contains(inner), words
