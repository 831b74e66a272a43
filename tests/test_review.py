"""vnplan review: a self-contained page; tested in a real headless Chromium (Debian's, installed by `make test`).

The browser test counts the boxes against the items that have a box, clicks a table row and checks that its box
was scrolled into view, clicks a box and checks its row, and saves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.tools.cli import app
from pipeline.tools.results import load_plan
from pipeline.tools.review import build_html, collect_items, page_images, write_review
from pipeline.vi.text import format_number

from .conftest import ROOT, SAMPLES, extracted, extracted_plan

runner = CliRunner()
SCAN = SAMPLES / "001_3e86aff22814d78e.scan.pdf"
TEXT = SAMPLES / "000_475196faf128e58a.txt"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def expected_boxes(result: dict[str, Any]) -> int:
    """Items with a box, counted from the result itself (not through the review module)."""
    sources = [t["source"] for t in result["targets"]] + [e["source"] for e in result["events"]]
    sources += [b["source"] for b in result["responsible_bodies"]]
    sources += [r["source"] for t in result["quota_tables"] for r in t["rows"]]
    sources += list(result["document"]["sources"].values())
    boxed = {p["id"] for p in result["paragraphs"] if p["bbox"]}
    corrections = sum(c.get("paragraph") in boxed for c in result["corrections"])
    return sum(bool(s.get("bbox")) for s in sources) + corrections


@pytest.fixture(scope="module")
def scan_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    result = extracted(SCAN)
    folder = tmp_path_factory.mktemp("review")
    result_path = folder / "plan.json"
    result_path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    audit = runner.invoke(app, ["audit", str(result_path), "-p", "plan-basics", "-f", "json", "-o",
                                str(folder / "audit.json")])  # fmt: skip
    assert audit.exit_code == 0, audit.output
    done = runner.invoke(app, ["review", str(result_path), "--source", str(SCAN), "--audit", str(folder / "audit.json"),
                               "-o", str(folder / "plan.html")])  # fmt: skip
    assert done.exit_code == 0, done.output
    return folder / "plan.html", result


def test_page_is_self_contained_and_small(scan_page: tuple[Path, dict[str, Any]]) -> None:
    page, result = scan_page
    text = page.read_text("utf-8")
    assert page.stat().st_size < 3_000_000  # six pages; the ceiling is 10 MB
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", text)  # nothing fetched from anywhere
    assert "default-src 'none'" in text  # and the browser is told so
    assert text.count('class="page"') == result["source"]["pages"]
    assert text.count('class="box ') == expected_boxes(result)
    assert "Audit (plan-basics)" in text and "Số, ký hiệu" in text


def test_text_input_shows_corrected_text_with_highlights(tmp_path: Path) -> None:
    result = extracted(TEXT)
    html = build_html(extracted_plan(TEXT), None)
    assert 'class="page"' not in html
    items = collect_items(extracted_plan(TEXT))
    for item in items:
        if item.kind in ("target", "event", "quota_row"):
            assert f'id="box-{item.id}"' in html, item.id
    # the corrected text is shown, not the raw one: a fix the pipeline makes in this plan
    assert "hiến máu tình nguyện" in html
    # values as plans write them, comparators as signs
    at_least = next(t for t in result["targets"] if t["comparator"] == ">=")
    assert f"≥ {format_number(at_least['value'])}" in html


def test_review_refuses_a_changed_source(tmp_path: Path) -> None:
    result = extracted(SCAN)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    done = runner.invoke(app, ["review", str(path), "--source", str(SAMPLES / "001_3e86aff22814d78e.layer.pdf")])
    assert done.exit_code == 2
    assert "error [source_changed]" in done.output and "is not the document this result was read from" in done.output
    missing = runner.invoke(app, ["review", str(path)])
    assert missing.exit_code == 2 and "give it with --source" in missing.output
    (tmp_path / "other.json").write_text('{"a": 1}')
    other = runner.invoke(app, ["review", str(tmp_path / "other.json")])
    assert other.exit_code == 2 and "is not a vnplan result" in other.output


def test_batch_review_writes_a_page_per_document(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(TEXT, src / "lao-cai.txt")
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.layer.pdf", src / "thai-nguyen.pdf")
    done = runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "out"), "--review", "-q"])
    assert done.exit_code == 0, done.output
    pages = sorted(p.name for p in (tmp_path / "out" / "review").iterdir())
    assert pages == ["lao-cai.html", "thai-nguyen.html"]
    # the manifest finds the source again for a later `vnplan review`
    assert write_review(load_plan(tmp_path / "out" / "thai-nguyen.json"), tmp_path / "out" / "thai-nguyen.json",
                        tmp_path / "again.html").is_file()  # fmt: skip


def test_page_images_are_jpeg() -> None:
    images = page_images(SCAN)
    assert len(images) == 6 and all(i.data_uri.startswith("data:image/jpeg;base64,") for i in images)
    assert (images[0].width, images[0].height) == pytest.approx((595.3, 841.9), abs=0.1)


def test_in_a_real_browser(scan_page: tuple[Path, dict[str, Any]]) -> None:
    if CHROMIUM is None:
        pytest.fail("Chromium is needed for this test: `sudo apt-get install chromium` (`make test` does)", False)
    from playwright.sync_api import sync_playwright

    page_file, result = scan_page
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(page_file.as_uri())
        assert page.locator(".box").count() == expected_boxes(result)
        page.screenshot(path=str(ARTIFACTS / "review.png"))

        last = len(result["quota_tables"][0]["rows"]) - 1
        box = page.locator(f"#box-quota-0-{last}")
        assert not box.evaluate(_visible)  # page 6: out of sight before the click
        page.locator(f"#row-quota-0-{last}").click()
        page.wait_for_function(f"() => ({_visible})(document.getElementById('box-quota-0-{last}'))")
        assert box.evaluate(_visible)
        assert "on" in (box.get_attribute("class") or "")
        assert page.locator("#details").is_visible()
        assert f'"unit": "{result["quota_tables"][0]["rows"][last]["unit"]}"' in page.locator("#details").inner_text()
        page.screenshot(path=str(ARTIFACTS / "review-after-click.png"))

        page.locator("#box-target-0").click(
            position={"x": 2, "y": 2}
        )  # its edge: later facts of its sentence lie inside
        assert "on" in (page.locator("#row-target-0").get_attribute("class") or "")
        browser.close()
    assert (ARTIFACTS / "review.png").stat().st_size > 10_000


_visible = """el => { const r = el.getBoundingClientRect();
                      const pane = document.getElementById('pages').getBoundingClientRect();
                      return r.top >= pane.top && r.bottom <= pane.bottom; }"""
