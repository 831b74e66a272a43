"""Rendering guards of the review page: every page within a pixel budget, every image checked before it is decoded.

The memory figures come from a child process (its peak resident size), so a guard that fails shows as gigabytes, not
as a crash of the test run. Without the guards, the huge page took 2.5 GB and the inline-image bomb 0.9 GB.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pymupdf
import pytest
from typer.testing import CliRunner

from pipeline.errors import TooLarge
from pipeline.stages.ingest.images import check_images, image_sizes, inline_image_sizes
from pipeline.tools.cli import app
from pipeline.tools.page_images import DOCUMENT_PIXELS, PAGE_PIXELS, page_images, zooms

from .conftest import SAMPLES, extracted
from .hostile import _CATALOG, _page, _stream, huge_page_pdf, inline_bomb_pdf, inline_image, raw_pdf

A4 = (595.3, 841.9)
runner = CliRunner()


def pixels(uri: str) -> tuple[int, int]:
    pix = pymupdf.Pixmap(base64.b64decode(uri.split(",", 1)[1]))
    return pix.width, pix.height


def peak_mb(code: str) -> tuple[float, str]:
    """Run `code` in a fresh interpreter; its peak resident memory in MB and what it printed. The peak is VmHWM,
    which starts afresh with the new program (ru_maxrss would keep the test process's own, from before the exec)."""
    probe = (
        f"{code}\nimport re\nprint(int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1]) // 1024)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True)
    *lines, peak = done.stdout.strip().splitlines()
    return float(peak), "\n".join(lines)


def test_an_a4_document_is_drawn_at_110_dpi() -> None:
    assert zooms([A4] * 6) == pytest.approx([110 / 72] * 6)


def test_a_long_document_stays_within_the_document_budget() -> None:
    scales = zooms([A4] * 102)
    assert sum(A4[0] * A4[1] * z * z for z in scales) == pytest.approx(DOCUMENT_PIXELS, rel=1e-6)
    assert 60 < scales[0] * 72 < 70  # a 102-page scan: about 64 dpi, still readable


def test_a_huge_page_is_drawn_within_the_page_budget() -> None:
    side = 150 * 72.0
    small, huge = zooms([A4, (side, side)])
    assert small == pytest.approx(110 / 72)  # the other pages keep their resolution
    assert (side * huge) ** 2 == pytest.approx(PAGE_PIXELS)


def test_review_of_a_huge_page_renders_within_budget_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    path.write_bytes(huge_page_pdf(150))
    [image] = page_images(path)
    width, height = pixels(image.data_uri)
    assert width * height <= PAGE_PIXELS and width == height == 2000
    assert (image.width, image.height) == (150 * 72, 150 * 72)  # boxes are placed in points, whatever the scale
    code = "from pathlib import Path\nfrom pipeline.tools.page_images import page_images\n"
    code += f"page_images(Path({str(path)!r}))"
    peak, _ = peak_mb(code)
    assert peak < 600, f"{peak} MB"  # 2,500 MB before the budget


@pytest.mark.parametrize("where", ["page", "array", "form", "pattern", "type3"])
def test_inline_images_are_measured_wherever_they_are_drawn(where: str) -> None:
    doc = pymupdf.open(stream=inline_bomb_pdf(3000, where), filetype="pdf")
    assert list(image_sizes(doc)) == [(3000, 3000)]
    with pytest.raises(TooLarge, match=r"image of 3,000 x 3,000 pixels, more than --max-pixels 1,000,000"):
        check_images(doc, 1_000_000)
    check_images(doc, 9_000_000)  # at the limit: drawn


def test_image_xobjects_are_measured_from_their_dictionary() -> None:
    doc = pymupdf.open(SAMPLES / "001_3e86aff22814d78e.scan.pdf")
    assert list(image_sizes(doc)) == [(1654, 2339)] * 6


def test_inline_image_dictionaries_are_read_as_a_pdf_lexer_reads_them() -> None:
    content = (
        b"q BI /W 10 /H 20 /CS /G /BPC 8 ID \x00\x01 EI Q\n"  # abbreviated keys
        b"BI/Width 300.0/Height 40/ImageMask true/Decode[1 0]ID \xff EI\n"  # full keys, a real, no spaces
        b"BI /#57 7 /H 8 /F [/AHx /Fl] /DP << /Columns 7 /K [1 2] >> ID x EI\n"  # an escaped name, nesting
        b"BI /Foo (a (fake /W 1 /H 1) ID) % ID\n /W 30000 /H 2 ID x EI\n"  # a string and a comment holding ID
        b"BIX /W 5 /H 5 ID x EI\n"  # another operator
        b"BI 5 /H 5 ID x EI BI /W ] ID"  # not a dictionary
    )
    assert list(inline_image_sizes([content])) == [(10, 20), (300, 40), (7, 8), (30_000, 2)]
    # the same amid 40 kB of drawing, given 997 bytes at a time: a dictionary cut between two pieces is read whole
    long = content.replace(b" EI", b" EI\n" + b"0 0 m 10 10 l S\n" * 700)
    assert list(inline_image_sizes(long[i : i + 997] for i in range(0, len(long), 997))) == [
        (10, 20), (300, 40), (7, 8), (30_000, 2)
    ]  # fmt: skip


def test_bi_begins_an_inline_image_only_after_white_space_or_a_closing_delimiter() -> None:
    content = b"xBI /W 9 /H 9 ID x EI\n(a)BI /W 4 /H 6 ID x EI\n]BI /W 2 /H 3 ID x EI\0BI /W 5 /H 1 ID x EI"
    assert list(inline_image_sizes([content])) == [(4, 6), (2, 3), (5, 1)]
    assert list(inline_image_sizes([b"BI /W 7 /H 7 ID x EI"])) == [(7, 7)]  # at the very start of the stream


def test_a_content_stream_is_scanned_a_piece_at_a_time(tmp_path: Path) -> None:
    """A content stream can be a bomb too: 400 MB of drawing from 400 kB of Flate, then an inline image."""
    z = zlib.compressobj(9)
    drawing = b"".join(z.compress(b"q Q\n" * 250_000) for _ in range(400)) + z.compress(inline_image(3000))
    path = tmp_path / "long-content.pdf"
    path.write_bytes(
        raw_pdf([*_CATALOG, _page(b"<< >>", b"4 0 R"), _stream(b"/Filter /FlateDecode", drawing + z.flush())])
    )
    code = "import pymupdf\nfrom pipeline.stages.ingest.images import image_sizes\n"
    code += f"print(list(image_sizes(pymupdf.open({str(path)!r}))))"
    peak, said = peak_mb(code)
    assert said == "[(3000, 3000)]"
    assert peak < 250, f"{peak} MB"  # the whole stream at once would be 400 MB, and more in copies


def test_an_inline_dictionary_too_long_to_read_is_refused() -> None:
    content = b"BI /W 3 /Note (" + b"a" * 5000 + b") /H 30000 ID x EI"
    with pytest.raises(TooLarge, match="an inline image whose dictionary is over 4,096 bytes"):
        list(inline_image_sizes([content]))


def test_review_refuses_an_inline_image_bomb_without_decoding_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(inline_bomb_pdf(30_000))
    code = (
        "from pathlib import Path\nfrom pipeline.tools.page_images import page_images\n"
        f"try:\n    page_images(Path({str(bomb)!r}))\nexcept Exception as e:\n    print(type(e).__name__, e.message)"
    )
    peak, said = peak_mb(code)
    assert said == "TooLarge holds an image of 30,000 x 30,000 pixels, more than --max-pixels 40,000,000"
    assert peak < 400, f"{peak} MB"  # 910 MB when MuPDF decodes it

    # through the command, with a result that names this file as its source
    result = extracted(SAMPLES / "001_3e86aff22814d78e.layer.pdf")
    result["source"]["sha256"] = __import__("hashlib").sha256(bomb.read_bytes()).hexdigest()
    (tmp_path / "plan.json").write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    done = runner.invoke(app, ["review", str(tmp_path / "plan.json"), "--source", str(bomb)])
    assert done.exit_code == 2
    assert f"error [too_large] {bomb}: holds an image of 30,000 x 30,000 pixels" in done.output
