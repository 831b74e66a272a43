"""samples/build.py builds what is committed: same pages, same text layer, same-looking scans."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image

from .conftest import SAMPLES, SEED_IDS

sys.path.insert(0, str(SAMPLES))
import build


def _page_texts(path: Path) -> list[str]:
    with pymupdf.open(path) as doc:
        return [page.get_text() for page in doc]


def _page_pixels(path: Path) -> list[np.ndarray]:
    with pymupdf.open(path) as doc:
        return [
            np.asarray(Image.open(io.BytesIO(p.get_pixmap(dpi=50, colorspace=pymupdf.csGRAY).tobytes("png"))))
            for p in doc
        ]


def test_committed_samples_are_what_build_makes(tmp_path: Path) -> None:
    build.build(tmp_path, [SAMPLES / f"{seed}.txt" for seed in SEED_IDS])
    for seed in SEED_IDS:
        layer = f"{seed}.layer.pdf"
        assert _page_texts(tmp_path / layer) == _page_texts(SAMPLES / layer)
        scan = f"{seed}.scan.pdf"
        built, committed = _page_pixels(tmp_path / scan), _page_pixels(SAMPLES / scan)
        assert len(built) == len(committed)
        for a, b in zip(built, committed, strict=True):
            assert np.abs(a.astype(int) - b.astype(int)).mean() < 2.0


def test_layer_pdf_is_a4_with_the_table_on_its_own_page() -> None:
    with pymupdf.open(SAMPLES / "001_3e86aff22814d78e.layer.pdf") as doc:
        assert round(doc[0].rect.width) == 595 and round(doc[0].rect.height) == 842
        last = doc[-1]
        assert "Kèm theo Kế hoạch số" in last.get_text()
        assert last.find_tables().tables


def test_scan_has_no_text_layer() -> None:
    for seed in SEED_IDS:
        assert all(not t.strip() for t in _page_texts(SAMPLES / f"{seed}.scan.pdf"))
