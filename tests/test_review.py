"""vnplan review: a self-contained page; tested in a real headless Chromium (Debian's, installed by `make test`).

The browser tests load the review page of the scanned sample at 1400 px and check that no table runs off the pane,
that every fact's box can be clicked at its centre, that a row scrolls to its box and a box opens its facts; and
load a page made from a crafted result and audit (script tags, attribute breakers, `<!--<script`, `javascript:`
URLs, U+2028) and check that none of their scripts ran while the page still works. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.plan import FieldEvidence, Plan
from pipeline.tools.cli import app
from pipeline.tools.results import load_plan
from pipeline.tools.review import build_html, collect_items, page_images, review_page, script_json, write_review
from pipeline.tools.review_boxes import page_boxes
from pipeline.tools.review_items import Item, show
from pipeline.vi.text import format_number

from .conftest import ROOT, SAMPLES, extracted, extracted_plan

runner = CliRunner()
SCAN = SAMPLES / "001_3e86aff22814d78e.scan.pdf"
LAYER = SAMPLES / "001_3e86aff22814d78e.layer.pdf"
TEXT = SAMPLES / "000_475196faf128e58a.txt"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def boxed_ids(result: dict[str, Any]) -> set[str]:
    """The facts that have a box, named from the result itself (not through the review module)."""
    ids = {f"target-{i}" for i, t in enumerate(result["targets"]) if t["source"]["bbox"]}
    ids |= {f"event-{i}" for i, e in enumerate(result["events"]) if e["source"]["bbox"]}
    ids |= {f"body-{i}" for i, b in enumerate(result["responsible_bodies"]) if b["source"]["bbox"]}
    for n, table in enumerate(result["quota_tables"]):
        ids |= {f"quota-{n}-{i}" for i, r in enumerate(table["rows"]) if r["source"]["bbox"]}
    ids |= {f"document-{n}" for n, s in enumerate(result["document"]["sources"].values()) if s["bbox"]}
    boxed = {p["id"] for p in result["paragraphs"] if p["bbox"]}
    return ids | {f"correction-{i}" for i, c in enumerate(result["corrections"]) if c.get("paragraph") in boxed}


def box_items(html: str) -> list[list[str]]:
    """The facts of each box drawn on the pages, as the page lists them."""
    return [m.split(" ") for m in re.findall(r'<button type="button" class="box [^"]*" data-items="([^"]*)"', html)]


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
    boxes = box_items(text)
    assert sorted(i for box in boxes for i in box) == sorted(boxed_ids(result))  # each fact in exactly one box
    assert "Audit (plan-basics)" in text and "Số, ký hiệu" in text


def test_facts_of_one_sentence_share_one_box(scan_page: tuple[Path, dict[str, Any]]) -> None:
    page, result = scan_page
    by_place: dict[tuple[Any, ...], list[str]] = {}
    for i, t in enumerate(result["targets"]):
        by_place.setdefault((t["source"]["page"], *t["source"]["bbox"]), []).append(f"target-{i}")
    sentence = max(by_place.values(), key=len)
    assert len(sentence) == 5  # `Vận động khoảng 50.000 người …, tổ chức 70 đợt …, tiếp nhận 24.500 …`: five targets
    [box] = [b for b in box_items(page.read_text("utf-8")) if sentence[0] in b]
    assert box == sentence
    assert f'<span class="n">{len(sentence)}</span>' in page.read_text("utf-8")


def test_boxes_that_would_hide_one_another_are_merged() -> None:
    def item(name: str, bbox: tuple[float, float, float, float], kind: str = "target") -> Item:
        return Item(name, kind, 1, bbox, ())

    paragraph = item("body-0", (50, 100, 550, 200), "body")
    line = item("target-0", (60, 140, 540, 160))  # over the paragraph's centre: it would hide it
    row, same_row = item("quota-0-0", (50, 200, 550, 215), "quota_row"), item("quota-0-1", (50, 200, 550, 215.2))
    next_row = item("quota-0-2", (50, 215, 550, 230), "quota_row")  # touching is not overlapping
    fix = item("correction-0", (50, 100, 550, 200), "correction")  # a tab in the margin, not the paragraph's box
    wild = item("event-0", (float("nan"), -40, 9e9, 20), "event")  # a crafted result: kept on the page
    boxes = page_boxes([paragraph, line, row, same_row, next_row, fix, wild], 595, 842)
    by_items = {tuple(it.id for it in b.items): b.bbox for b in boxes}
    assert by_items[("body-0", "target-0")] == (50, 100, 550, 200)
    assert ("quota-0-0", "quota-0-1") in by_items and ("quota-0-2",) in by_items
    assert by_items[("correction-0",)] == (37, 100, 46, 109)
    assert by_items[("event-0",)] == (0, 0, 595, 20)
    areas = [(b.bbox[2] - b.bbox[0]) * (b.bbox[3] - b.bbox[1]) for b in boxes]
    assert areas == sorted(areas, reverse=True)  # drawn larger first, so a smaller box lies over a larger one


def test_the_script_runs_by_its_hash_and_nothing_else_can() -> None:
    html = build_html(extracted_plan(TEXT), None)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert policy is not None
    script_src = re.search(r"script-src ([^;]*);", policy.group(1))
    assert script_src is not None and "unsafe" not in script_src.group(1)  # neither inline scripts nor eval
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1  # the data block is JSON (type="application/json"), which never runs
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert script_src.group(1).strip() == f"'sha256-{digest}'"
    assert "require-trusted-types-for 'script'" in policy.group(1)  # innerHTML and the like refused outright
    assert not re.search(r"\son[a-z]+\s*=", html, re.I)  # no inline handler anywhere


def test_embedded_json_cannot_end_the_script_or_open_a_comment() -> None:
    hostile = "</script><!--<script>alert(1)//\u2028\u2029 & >"
    text = script_json({"a": hostile})
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == {"a": hostile}


def test_details_are_labelled_and_written_as_plans_write_them() -> None:
    plan = extracted_plan(SCAN)
    items = {it.id: it for it in collect_items(plan)}
    target = plan.targets[0]
    fields = dict(items["target-0"].fields)
    assert fields["Value"] == f"≈ {format_number(target.value)} {target.unit}" == "≈ 50.000 người"
    assert fields["Metric"] == target.metric and fields["Period"] == target.period
    assert fields["Confidence"] == f"{round(target.confidence * 100)}%"
    assert "Subject" not in fields  # empty: left out, not an empty slot
    assert items["target-0"].summary() == f"Target: ≈ 50.000 người · {target.metric} · {target.period}"
    assert not [it for it in items.values() if " ·  · " in it.summary() or it.summary().endswith(" · ")]
    row = dict(items["quota-0-17"].fields)
    assert row["Quota"] == "4.500" and row["Unit"] == plan.quota_tables[0].rows[17].unit
    # numbers that are not amounts keep their digits; lists and records read as text, not JSON
    assert show("plan_year", 2021) == "2021" and show("quota", 24500) == "24.500" and show("value", 97.5) == "97,5"
    assert show("signer", {"name": "Lê Văn A", "title": None, "authority": "KT. CHỦ TỊCH"}) == (
        "Name: Lê Văn A\nSigning authority: KT. CHỦ TỊCH"
    )
    assert show("recipients", [{"name": "Như trên", "source": {}}, {"name": "Lưu: VT", "source": {}}]) == (
        "Như trên; Lưu: VT"
    )


def test_every_header_field_with_evidence_is_boxed_whatever_its_name() -> None:
    plan = extracted_plan(LAYER).model_copy(deep=True)
    evidence = next(iter(plan.document.sources.values()))
    # a field the model does not name yet (the header helper adds more): shown by its name, with its confidence
    plan.document.sources["reference_code"] = FieldEvidence(**{**evidence.model_dump(), "confidence": 0.42})  # type: ignore[index]
    items = [it for it in collect_items(plan) if it.kind == "document"]
    assert len(items) == len(plan.document.sources)
    last = items[-1]
    assert last.id == f"document-{len(items) - 1}" and last.bbox is not None
    assert dict(last.fields)["Confidence"] == "42%" and last.title == "Reference code"


def test_text_input_shows_corrected_text_with_highlights() -> None:
    result = extracted(TEXT)
    html = build_html(extracted_plan(TEXT), None)
    assert 'class="page"' not in html
    marked = {i for ids in re.findall(r'<mark class="[^"]*" data-items="([^"]*)"', html) for i in ids.split(" ")}
    for item in collect_items(extracted_plan(TEXT)):
        if item.kind in ("target", "event", "quota_row"):
            assert item.id in marked, item.id
    # the corrected text is shown, not the raw one: a fix the pipeline makes in this plan
    assert "hiến máu tình nguyện" in html
    # values as plans write them, comparators as signs
    at_least = next(t for t in result["targets"] if t["comparator"] == ">=")
    assert f"≥ {format_number(at_least['value'])}" in html


def test_review_refuses_a_changed_source(tmp_path: Path) -> None:
    result = extracted(SCAN)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    done = runner.invoke(app, ["review", str(path), "--source", str(LAYER)])
    assert done.exit_code == 2
    assert "error [source_changed]" in done.output and "is not the document this result was read from" in done.output
    missing = runner.invoke(app, ["review", str(path)])
    assert missing.exit_code == 2 and "give it with --source" in missing.output
    (tmp_path / "other.json").write_text('{"a": 1}')
    other = runner.invoke(app, ["review", str(tmp_path / "other.json")])
    assert other.exit_code == 2 and "is not a vnplan result" in other.output


def test_review_takes_the_pixel_budget_of_extract(tmp_path: Path) -> None:
    result = extracted(SCAN)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    done = runner.invoke(app, ["review", str(path), "--source", str(SCAN), "--max-pixels", "10000"])
    assert done.exit_code == 2 and "error [too_large]" in done.output, done.output
    assert not (tmp_path / "plan.html").exists()


def test_batch_review_writes_a_page_per_document(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(TEXT, src / "lao-cai.txt")
    shutil.copy(LAYER, src / "thai-nguyen.pdf")
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


# ---- in the browser -------------------------------------------------------------------------------------------

CHECK_LAYOUT = """() => {
  const pane = document.getElementById('facts').getBoundingClientRect();
  const wide = [...document.querySelectorAll('#facts table')].filter(
    t => t.getBoundingClientRect().right > pane.right + 0.5 || t.scrollWidth > t.clientWidth + 0.5);
  return {wide: wide.map(t => t.closest('section').id), facts: document.getElementById('facts').scrollWidth
          - document.getElementById('facts').clientWidth, page: document.documentElement.scrollWidth - innerWidth};
}"""
CHECK_BOXES = """() => {
  const found = [], hidden = [];
  for (const box of document.querySelectorAll('#pages [data-items]')) {
    box.scrollIntoView({block: 'center'});
    const r = box.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || hit.closest('[data-items]') !== box) hidden.push(box.dataset.items);
    found.push(...box.dataset.items.split(' '));
  }
  return {found, hidden};
}"""
VISIBLE = """el => { const r = el.getBoundingClientRect();
                     const pane = document.getElementById('pages').getBoundingClientRect();
                     return r.top >= pane.top - 1 && r.bottom <= pane.bottom + 1; }"""


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Chromium is needed for this test: `sudo apt-get install chromium` (`make test` does)", False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_in_a_real_browser_at_1400_px(browser: Any, scan_page: tuple[Path, dict[str, Any]]) -> None:
    page_file, result = scan_page
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.screenshot(path=str(ARTIFACTS / "review.png"))

    layout = page.evaluate(CHECK_LAYOUT)
    assert layout == {"wide": [], "facts": 0, "page": 0}  # no table runs off its pane, nothing scrolls sideways
    boxes = page.evaluate(CHECK_BOXES)
    assert sorted(boxes["found"]) == sorted(boxed_ids(result)) and boxes["hidden"] == []

    # a row scrolls the pages to its box (on page 6, out of sight before) and shows its fact, labelled
    last = len(result["quota_tables"][0]["rows"]) - 1
    box = page.locator(f'#pages [data-items~="quota-0-{last}"]')
    assert not box.evaluate(VISIBLE)
    page.locator(f"#row-quota-0-{last}").click()
    page.wait_for_function(f"() => ({VISIBLE})(document.querySelector('#pages [data-items~=\"quota-0-{last}\"]'))")
    assert "on" in (box.get_attribute("class") or "")
    details = page.locator("#details")
    assert details.is_visible()
    unit = result["quota_tables"][0]["rows"][last]["unit"]
    assert details.locator("dt", has_text="Unit").locator("xpath=following-sibling::dd[1]").inner_text() == unit
    page.screenshot(path=str(ARTIFACTS / "review-after-click.png"))

    # the box of the five targets of one sentence, clicked at its centre: the five, each with its fields
    page.keyboard.press("Escape")
    assert not details.is_visible()
    page.locator('#pages [data-items~="target-0"]').click()
    assert page.locator("#details-title").inner_text() == "Page 1 · 5 facts from this passage"
    assert page.locator("#details .fact h3").all_inner_texts()[0] == "Target: ≈ 50.000 người"
    assert page.locator("#details .fact").count() == 5
    assert all("on" in (page.locator(f"#row-target-{i}").get_attribute("class") or "") for i in range(5))
    page.screenshot(path=str(ARTIFACTS / "review-box.png"))

    # an audit finding with a page takes the pages there
    finding = page.locator("#audit tr[data-page='6']").first
    finding.click()
    page.wait_for_function(f"() => ({VISIBLE})(document.querySelector('#page-6 figcaption'))")
    assert errors == []
    assert (ARTIFACTS / "review.png").stat().st_size > 10_000


# Each payload, if it ever ran, would set window.pwned or open a dialog.
PAYLOADS = [
    "<script>window.pwned = 'script'</script>",
    '"><img src=x onerror="window.pwned=\'img\'">',
    "'><svg onload=\"window.pwned='svg'\"></svg>",
    "<!--<script>window.pwned = 'comment'//",
    "javascript:window.pwned='url'",
    "\u2028</script><script>alert('u2028')</script>\u2029",
    "{{script}}{{data}}",
]


def hostile_plan() -> Plan:
    """The text-layer sample's result with every kind of text replaced by a payload, and a header field whose name
    is one (the model refuses such a name in a file; the page must not depend on that)."""
    data = extracted(LAYER)
    p = iter(PAYLOADS * 50)
    data["source"]["file"] = next(p) + ".pdf"
    data["document"].update(number=next(p), title=next(p), issuer=next(p))
    for t in data["targets"]:
        t.update(metric=next(p), subject=next(p), unit=next(p), text=next(p))
        t["source"].update(text=next(p), raw_text=next(p))
    for e in data["events"]:
        e.update(name=next(p), organizers=[next(p)])
    for b in data["responsible_bodies"]:
        b.update(name=next(p))
    for row in data["quota_tables"][0]["rows"]:
        row.update(unit=next(p), other={next(p): next(p)})
    for c in data["corrections"]:
        c.update(original=next(p), corrected=next(p), rule=next(p))
    data["warnings"].append({"code": next(p), "message": next(p), "page": 1})
    plan = Plan.model_validate(data)
    evidence = next(iter(plan.document.sources.values()))
    plan.document.sources[PAYLOADS[1]] = evidence  # type: ignore[index]
    return plan


HOSTILE_AUDIT = {
    "file": "plan.json",
    "profiles": [PAYLOADS[0], PAYLOADS[3]],
    "requirements": [
        {"requirement": PAYLOADS[1], "title": PAYLOADS[0], "status": PAYLOADS[2], "page": PAYLOADS[1],
         "message": PAYLOADS[3], "quote": PAYLOADS[4]},
        {"requirement": "number", "title": "Số, ký hiệu", "status": "stated", "page": 1, "message": PAYLOADS[5]},
        "not a finding",
    ],
    "consistency": {"not": "a list"},
}  # fmt: skip


def test_a_crafted_result_and_audit_run_no_script(browser: Any, tmp_path: Path) -> None:
    plan = hostile_plan()
    page_file = tmp_path / "hostile.html"
    page_file.write_text(review_page(plan, LAYER, HOSTILE_AUDIT), "utf-8")
    html = page_file.read_text("utf-8")
    assert "<script>window" not in html and "<img src=x" not in html and "<svg" not in html

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(
        "window.blocked = []; document.addEventListener('securitypolicyviolation', e => blocked.push(e.blockedURI));"
    )
    page.goto(page_file.as_uri())
    page.wait_for_timeout(300)  # an image's onerror would have fired by now
    # nothing ran, and nothing even tried: no injected element reached the page for the policy to block
    assert page.evaluate("window.pwned") is None and dialogs == []
    assert page.evaluate("window.blocked") == []
    assert page.evaluate("document.scripts.length") == 2  # the data block and the page's own script
    assert page.evaluate("[...document.images].every(i => i.src.startsWith('data:image/jpeg'))")
    assert page.evaluate("[...document.querySelectorAll('*')].every(e => ![...e.attributes].some(a => "
                         "a.name.startsWith('on')))")  # fmt: skip

    # and the page still works: the payloads are shown as text where they belong
    page.locator("#row-target-0").click()
    assert page.locator("#details").is_visible()
    assert PAYLOADS[0] in page.locator("#details").inner_text() or PAYLOADS[1] in page.locator("#details").inner_text()
    headers = page.locator("#facts-document td").all_inner_texts()
    assert PAYLOADS[1] in headers  # the hostile field name, as text
    audit = page.locator("#audit").inner_text()
    assert PAYLOADS[0] in audit and PAYLOADS[1] in audit and PAYLOADS[3] in audit
    page.locator('#pages [data-items~="target-0"]').click()
    assert page.locator("#details .fact").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "review-hostile.png"))
    assert page.evaluate("window.pwned") is None and dialogs == []
