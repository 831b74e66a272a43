"""Text that Tesseract's page layout dropped, read again from the ink no word covers (stages/ingest/recover.py).

Each test starts from a real page reading (Tesseract's TSV of the page as the pipeline renders it, kept in
tests/data/recover/) and the real page image, so that only the recovery's own Tesseract call is made here.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

from pipeline.stages.ingest import recover
from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.ocr import drop_specks, parse_tsv, words_to_drafts
from pipeline.stages.ingest.options import IngestOptions
from pipeline.stages.ingest.recover import _long_runs, dropped_pieces, recover_dropped
from pipeline.stages.ingest.scanned import page_image

DATA = Path(__file__).parent / "data" / "recover"
REAL = Path(__file__).parent / "data" / "realdocs"


def reading(tsv: str, dpi: int, height: int | None = None) -> list[Draft]:
    """The page's lines as the pipeline makes them from Tesseract's TSV (words below `height` pixels left out)."""
    words = [w for w in drop_specks(parse_tsv(tsv)) if height is None or w.top + w.height <= height]
    return words_to_drafts(words, 1, 72.0 / dpi)


def scanned(pdf: Path) -> tuple[bytes, int]:
    """Page 1 of a scanned PDF rendered for OCR as the pipeline renders it: the image and its resolution."""
    scan = page_image(pymupdf.open(pdf)[0], IngestOptions())
    return scan.image, scan.dpi


def texts(drafts: list[Draft]) -> list[str]:
    return [d.line.text for d in drafts]


def test_a_paragraph_dropped_from_a_warped_page_is_read_back_in_its_place() -> None:
    # s12 page 3 (cut below the signature block): a 300-dpi scan, curved; Tesseract's page layout drops item 5
    # whole, though it is plain print; the seal over the signature and the recipients' list are on the crop too
    image = Image.open(DATA / "s12_p3_top.jpg").convert("L")
    buf = io.BytesIO()
    image.save(buf, format="PPM")
    before = reading((DATA / "s12_p3.tsv").read_text("utf-8"), 300, image.height)
    assert not any("Tỉnh đoàn và các tổ chức" in t for t in texts(before))
    after = recover_dropped(before, buf.getvalue(), 300, "vie", 120.0)
    added = [d.line.text for d in after if not any(d is b for b in before)]
    assert added == [
        "5. Đề nghị Ủy ban MTTQ Việt Nam tỉnh, Bộ Chỉ huy Quân sự tỉnh, Bộ",
        "Chỉ huy Bộ đội biên phòng tỉnh, Tỉnh đoàn và các tổ chức chính trị - xã hội",
        "phối hợp chặt chẽ với UBND huyện Bình Sơn và các địa phương trên địa bàn",
        "tỉnh trong công tác huy động nguồn lực, hỗ trợ nhân lực, vật lực thực hiện",
        "thành công Chương trình xóa nhà tạm, nhà dột nát trên địa bàn tỉnh.",
    ]
    # in reading order, after item 4 and before the closing paragraph; every line read before kept as it was
    at = texts(after).index(added[0])
    assert texts(after)[at - 1] == "tiên độ đê ra." and texts(after)[at + 5].startswith("Nay thông báo kết luận")
    assert [t for t in texts(after) if t not in added] == texts(before)
    # one paragraph of its own: its lines run on from each other, not from item 4 above it
    blocks = {d.line.block for d in after if d.line.text in added}
    assert len(blocks) == 1 and blocks != {after[at - 1].line.block}


def test_words_dropped_from_the_lines_of_a_faded_low_resolution_scan_join_their_lines() -> None:
    # s20 page 1: a faded grey 100-dpi scan read at 150 dpi; Tesseract keeps the start of some lines and drops words
    image, dpi = scanned(REAL / "s20.pdf")
    before = reading((DATA / "s20_p1.tsv").read_text("utf-8"), dpi)
    after = recover_dropped(before, image, dpi, "vie", 120.0)
    assert len(after) == len(before)  # each piece read again belongs to a line already read: no line of its own
    old, new = texts(before), texts(after)
    assert "Bộ Công an hướcg dẫn trình tự, thủ thẩm: quyền xét duyệt £" in old
    assert "Bộ Công an hướcg dẫn trình tự, thủ tục, thẩm: quyền xét duyệt £ lyên, địa bản" in new  # put in place
    assert "trong đó với mục tiêu ạt đựng 2" in old
    assert any(t.startswith("trong đó với mục tiêu ạt đựng 2 ") and "đặc khu không có" in t for t in new)
    assert "không ma ! tủy và Kế hoạc" in new


def test_a_page_whose_reading_missed_nothing_gets_no_word_and_no_tesseract_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # s29: a 100-dpi scan with its number and day written by hand in blue, a red seal and a signature
    image, dpi = scanned(REAL / "s29.pdf")
    before = reading((DATA / "s29_p1.tsv").read_text("utf-8"), dpi)

    def no_call(*args: object, **kwargs: object) -> str:
        raise AssertionError("Tesseract called on a page with nothing dropped")

    monkeypatch.setattr(recover, "run_tesseract", no_call)
    grey = np.asarray(Image.open(io.BytesIO(image)).convert("L"))
    assert dropped_pieces(before, grey, dpi).pieces == []
    assert recover_dropped(before, image, dpi, "vie", 120.0) is before


def test_a_rule_down_the_page_is_not_taken_for_type() -> None:
    ink = np.zeros((40, 4), dtype=bool)
    ink[2:30, 0] = True  # a rule 28 pixels long
    ink[5:9, 1] = True  # a stroke of a letter
    ink[:, 3] = True  # a border
    runs = _long_runs(ink, 20)
    assert runs[2:30, 0].all() and not runs[:2, 0].any() and not runs[30:, 0].any()
    assert not runs[:, 1].any() and runs[:, 3].all()
