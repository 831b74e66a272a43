"""Review page: one self-contained HTML file that shows every extracted fact on the page it came from.

The pages of the source are JPEG images inlined as data URIs, with a box over each fact's evidence, coloured by
kind. Beside them, the facts as tables by kind; clicking a row scrolls to its box, clicking a box shows its fields.
For text input there are no pages: the corrected text is shown, with each fact's evidence highlighted. No server,
no network: the styles, the script and the data are in the file.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pymupdf
from pydantic import BaseModel

from pipeline.errors import CorruptPdf, InputError, NotFound, SourceChanged
from pipeline.plan import Body, Evidence, Paragraph, Plan, PlanWarning
from pipeline.stages.ingest.pdf import MUPDF_ERRORS
from pipeline.stages.write import write_atomic
from pipeline.vi.text import format_number

KINDS = {  # kind -> (heading, colour)
    "target": ("Targets", "#d62728"),
    "event": ("Events", "#1f77b4"),
    "body": ("Responsible bodies", "#2ca02c"),
    "quota_row": ("Quota rows", "#9467bd"),
    "correction": ("Corrections", "#ff7f0e"),
    "document": ("Document", "#7f7f7f"),
}
_SIGNS = {"=": "", ">=": "≥", "<=": "≤", "~": "≈"}
PAGE_DPI = 110  # readable at a glance, small: six A4 pages come to well under 1 MB
LONG_DOCUMENT, MIN_DPI = 30, 60  # past 30 pages the resolution drops, down to 60 dpi
JPEG_QUALITY = 60


@dataclass(frozen=True)
class PageImage:
    width: float  # PDF points
    height: float
    data_uri: str


@dataclass(frozen=True)
class Item:
    """One fact as the page shows it: where its box goes, what its row says, and its fields."""

    id: str
    kind: str
    page: int | None
    bbox: tuple[float, float, float, float] | None
    columns: tuple[str, ...]
    fields: dict[str, Any] = field(default_factory=dict)
    text: str = ""  # the evidence text, highlighted in text mode


def page_images(path: Path, dpi: int = PAGE_DPI) -> list[PageImage]:
    """Every page of a PDF as an inline JPEG; long documents at a lower resolution, so the page stays small."""
    if not path.is_file():
        raise NotFound("the source document is not there; give it with --source", path=str(path))
    try:
        doc = pymupdf.open(path)
    except MUPDF_ERRORS as e:
        raise CorruptPdf(f"cannot be opened as a PDF ({e})", path=str(path)) from e
    with doc:
        if doc.page_count > LONG_DOCUMENT:  # image bytes grow with dpi squared: keep the page near a fixed size
            dpi = max(MIN_DPI, round(dpi * (LONG_DOCUMENT / doc.page_count) ** 0.5))
        out = []
        for page in doc.pages():
            jpeg = page.get_pixmap(dpi=dpi).tobytes("jpeg", jpg_quality=JPEG_QUALITY)
            uri = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
            out.append(PageImage(page.rect.width, page.rect.height, uri))
        return out


def _box(source: Evidence | None) -> tuple[int | None, tuple[float, float, float, float] | None]:
    if source is None:
        return None, None
    b = source.bbox
    return source.page, ((b[0], b[1], b[2], b[3]) if b else None)


def _short(text: str | None, n: int = 90) -> str:
    text = text or ""
    return text if len(text) <= n else text[: n - 1] + "…"


def collect_items(plan: Plan) -> list[Item]:
    """Every fact of a result that the page can point at, in the order of the result."""
    items: list[Item] = []
    for i, t in enumerate(plan.targets):
        sign = _SIGNS.get(t.comparator, t.comparator)
        value = f"{sign} {format_number(t.value)} {t.unit or ''}".strip()
        cols: tuple[str, ...] = (value, t.metric or "", t.subject or "", t.period or "")
        items.append(Item(f"target-{i}", "target", *_box(t.source), cols, _fields(t), t.source.text))
    for i, e in enumerate(plan.events):
        when = " – ".join(d for d in (e.date_start, e.date_end) if d) or e.period_text or ""
        cols = (e.name, e.kind, when, "; ".join(e.organizers))
        items.append(Item(f"event-{i}", "event", *_box(e.source), cols, _fields(e), e.source.text))
    for i, b in enumerate(plan.responsible_bodies):
        task = _short(b.tasks[0].text) if b.tasks else ""
        cols = (b.name, b.role, str(len(b.tasks)), task)
        items.append(Item(f"body-{i}", "body", *_box(b.source), cols, _fields(b), b.source.text))
    for n, table in enumerate(plan.quota_tables):
        for i, row in enumerate(table.rows):
            months = ", ".join(map(str, row.months))
            cols = (str(row.no or ""), row.group or "", row.unit, format_number(row.quota), months)
            items.append(Item(f"quota-{n}-{i}", "quota_row", *_box(row.source), cols, _fields(row), row.source.text))
    items += _corrections(plan)
    document = plan.document.model_dump(mode="json")
    for name, src in plan.document.sources.items():
        found = document.get(name)
        shown = found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)
        cols = (name, _short(shown))
        items.append(Item(f"document-{name}", "document", *_box(src), cols, {name: found}, src.text))
    return items


def _corrections(plan: Plan) -> list[Item]:
    """A correction has offsets in its paragraph, not a box of its own: it points at its paragraph's box."""
    paragraphs = {p.id: p for p in plan.paragraphs}
    items = []
    for i, c in enumerate(plan.corrections):
        para = paragraphs.get(c.paragraph if c.paragraph is not None else -1)
        bbox = (para.bbox[0], para.bbox[1], para.bbox[2], para.bbox[3]) if para and para.bbox else None
        cols = (c.original, c.corrected, c.rule)
        text = para.text if para else ""
        items.append(Item(f"correction-{i}", "correction", c.page, bbox, cols, c.model_dump(mode="json"), text))
    return items


def _fields(item: BaseModel) -> dict[str, Any]:
    """An item's fields for the details panel: everything but the bulky evidence."""
    out = item.model_dump(mode="json", exclude={"source", "tasks"})
    if isinstance(item, Body):
        out["tasks"] = [t.text for t in item.tasks]
    return out


COLUMNS = {
    "target": ("value", "metric", "subject", "period"),
    "event": ("name", "kind", "when", "organisers"),
    "body": ("name", "role", "tasks", "first task"),
    "quota_row": ("no", "group", "unit", "quota", "months"),
    "correction": ("original", "corrected", "rule"),
    "document": ("field", "value"),
}


def build_html(plan: Plan, pages: list[PageImage] | None, audit: dict[str, Any] | None = None) -> str:
    """The review page of one result; `pages` None for text input, which is shown as corrected text instead."""
    items = collect_items(plan)
    doc = plan.document
    title = f"{doc.doc_type or 'Văn bản'} {doc.number or ''} — {plan.source.file}".strip()
    left = _pages_html(pages, items) if pages is not None else _text_html(plan, items)
    right = _tables_html(items) + _audit_html(audit) + _warnings_html(plan.warnings)
    data = json.dumps({it.id: it.fields for it in items}, ensure_ascii=False).replace("</", "<\\/")
    values = {"title": html.escape(title), "style_kinds": _kind_styles(), "legend": _legend(items), "left": left,
              "right": right, "data": data}  # fmt: skip
    template = resources.files("pipeline").joinpath("data/review.html").read_text("utf-8")
    # one pass, so that a plan's own text can never be taken for a placeholder
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def _kind_styles() -> str:
    return "\n".join(f".k-{kind} {{ --c: {colour}; }}" for kind, (_, colour) in KINDS.items())


def _legend(items: list[Item]) -> str:
    counts = {kind: sum(it.kind == kind for it in items) for kind in KINDS}
    return " ".join(
        f'<span class="legend k-{kind}"><i></i>{html.escape(KINDS[kind][0])} ({n})</span>'
        for kind, n in counts.items()
        if n
    )


NESTED_INSET = 3.0  # points between the edges of boxes that would fall on one another
MARGIN_TAB = 9.0  # side of a correction's tab in the margin, in points


def _pages_html(pages: list[PageImage], items: list[Item]) -> str:
    out = []
    for number, page in enumerate(pages, 1):
        boxes = "".join(_box_html(it, page, bbox) for it, bbox in _placed([i for i in items if i.page == number]))
        out.append(
            f'<figure class="page" id="page-{number}" style="aspect-ratio: {page.width} / {page.height}">'
            f'<img src="{page.data_uri}" alt="page {number}">{boxes}<figcaption>{number}</figcaption></figure>'
        )
    return "\n".join(out)


def _placed(items: list[Item]) -> list[tuple[Item, tuple[float, float, float, float]]]:
    """Where each box of a page goes. Several facts often come from one sentence, so share one box: each further
    one is drawn a little inside the one before, so that every box keeps an edge to click. A correction has only
    its paragraph's box; it is drawn as a small tab in the margin beside the paragraph, one under the other."""
    placed = []
    seen: dict[tuple[float, ...], int] = {}
    for item in items:
        if item.bbox is None:
            continue
        x0, y0, x1, y1 = item.bbox
        key = (item.kind == "correction", *(round(v) for v in item.bbox))
        k = seen.get(key, 0)
        seen[key] = k + 1
        if item.kind == "correction":
            top = min(y0 + k * (MARGIN_TAB + 2), max(y1 - MARGIN_TAB, y0))
            placed.append((item, (max(x0 - MARGIN_TAB - 4, 0), top, max(x0 - 4, MARGIN_TAB), top + MARGIN_TAB)))
            continue
        inset = min(k * NESTED_INSET, (x1 - x0) / 3, (y1 - y0) / 3)
        placed.append((item, (x0 + inset, y0 + inset, x1 - inset, y1 - inset)))
    return placed


def _box_html(item: Item, page: PageImage, bbox: tuple[float, float, float, float]) -> str:
    x0, y0, x1, y1 = bbox
    share = (x1 - x0) * (y1 - y0) / (page.width * page.height)
    style = (
        f"left:{100 * x0 / page.width:.2f}%;top:{100 * y0 / page.height:.2f}%;"
        f"width:{100 * (x1 - x0) / page.width:.2f}%;height:{100 * (y1 - y0) / page.height:.2f}%;"
        f"z-index:{1 + round(999 * (1 - min(share, 1.0)))}"  # a smaller box lies over a larger one
    )
    tip = html.escape(f"{KINDS[item.kind][0][:-1] if item.kind != 'body' else 'Body'}: {' · '.join(item.columns)}")
    return f'<a class="box k-{item.kind}" id="box-{item.id}" data-item="{item.id}" style="{style}" title="{tip}"></a>'


def _text_html(plan: Plan, items: list[Item]) -> str:
    """Text input: the corrected paragraphs, each fact's evidence marked where it is found."""
    by_para: dict[int, list[tuple[int, int, Item]]] = {}
    for item in items:
        for p in plan.paragraphs:
            at = p.text.find(item.text) if item.text else -1
            if at >= 0:
                by_para.setdefault(p.id, []).append((at, at + len(item.text), item))
                break
    return "\n".join(_paragraph_html(p, by_para.get(p.id, [])) for p in plan.paragraphs)


def _paragraph_html(p: Paragraph, spans: list[tuple[int, int, Item]]) -> str:
    """Cut the text at every span edge; each piece is marked with the facts that cover it. The first piece of a
    fact carries its anchor, so that its row can scroll to it."""
    text = p.text
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    anchored: set[str] = set()
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [it for s, e, it in spans if s <= start and end <= e]
        piece = html.escape(text[start:end])
        if not covering:
            pieces.append(piece)
            continue
        first = [it for it in covering if it.id not in anchored]
        anchored.update(it.id for it in first)
        anchors = "".join(f'<a class="anchor" id="box-{it.id}" data-item="{it.id}"></a>' for it in first)
        kind = covering[-1].kind
        ids = " ".join(it.id for it in covering)
        pieces.append(f'{anchors}<mark class="k-{kind}" data-items="{ids}">{piece}</mark>')
    return f'<p class="para" id="para-{p.id}"><span class="pno">{p.page}</span>{"".join(pieces)}</p>'


def _tables_html(items: list[Item]) -> str:
    out = []
    for kind, (heading, _) in KINDS.items():
        rows = [it for it in items if it.kind == kind]
        if not rows:
            continue
        head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS[kind])
        body = "".join(_row_html(it) for it in rows)
        out.append(
            f'<section class="facts k-{kind}" id="facts-{kind}"><h2><i></i>{html.escape(heading)} ({len(rows)})</h2>'
            f"<table><thead><tr><th>p.</th>{head}</tr></thead><tbody>{body}</tbody></table></section>"
        )
    return "\n".join(out)


def _row_html(item: Item) -> str:
    cells = "".join(f"<td>{html.escape(_short(c, 160))}</td>" for c in item.columns)
    where = "" if item.page is None else str(item.page)
    return f'<tr id="row-{item.id}" data-item="{item.id}" class="k-{item.kind}"><td>{where}</td>{cells}</tr>'


def _audit_html(audit: dict[str, Any] | None) -> str:
    if not audit:
        return ""
    findings = list(audit.get("requirements", [])) + list(audit.get("consistency", []))
    rows = "".join(_finding_html(f) for f in findings)
    profiles = ", ".join(audit.get("profiles", []))
    return (
        f'<section class="audit" id="audit"><h2>Audit ({html.escape(profiles)})</h2><table><thead><tr><th>status</th>'
        f"<th>requirement</th><th>p.</th><th>finding</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _finding_html(f: dict[str, Any]) -> str:
    status = html.escape(str(f.get("status")))
    title = html.escape(str(f.get("title", f.get("requirement"))))
    finding = html.escape(_short(str(f.get("message") or f.get("quote") or ""), 160))
    page = f.get("page") or ""
    return f'<tr class="st-{status}"><td>{status}</td><td>{title}</td><td>{page}</td><td>{finding}</td></tr>'


def _warnings_html(warnings: Iterable[PlanWarning]) -> str:
    rows = "".join(f"<li><code>{html.escape(w.code)}</code> {html.escape(w.message)}</li>" for w in warnings)
    return f'<section class="warnings"><h2>Warnings</h2><ul>{rows}</ul></section>' if rows else ""


def find_source(plan: Plan, result_path: Path) -> Path:
    """The document a result was read from: the batch manifest beside the result says where it was; otherwise a
    file of the recorded name beside the result or in the current folder. `check_same` then makes sure it is the
    file that was extracted (same SHA-256)."""
    candidates = []
    manifest = result_path.parent / "manifest.json"
    if manifest.is_file():
        try:
            docs = json.loads(manifest.read_text("utf-8")).get("documents", {})
            candidates += [Path(d["file"]) for d in docs.values() if d.get("output") == result_path.name]
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
    name = plan.source.file
    candidates += [result_path.parent / name, Path.cwd() / name]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise NotFound(f"cannot find {name}, the document it was read from; give it with --source",
                       path=str(result_path))  # fmt: skip
    return found


def check_same(source: Path, plan: Plan) -> None:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if digest != plan.source.sha256:
        raise SourceChanged(
            f"is not the document this result was read from (SHA-256 {digest[:12]}…, the result says "
            f"{plan.source.sha256[:12]}…); extract it again",
            path=str(source),
        )


def read_audit(path: Path) -> Any:
    """What `vnplan audit -f json` wrote, to show beside the facts."""
    if not path.is_file():
        raise NotFound("no such file", path=str(path))
    try:
        return json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise InputError(f"is not JSON ({e})", path=str(path)) from e


def pick_audit(data: Any, result_name: str) -> dict[str, Any] | None:
    """The audit of this result from `vnplan audit -f json` output (one audit, or a list of them)."""
    audits = data if isinstance(data, list) else [data]
    for a in audits:
        if isinstance(a, dict) and a.get("file") == result_name:
            return a
    return audits[0] if len(audits) == 1 and isinstance(audits[0], dict) else None


def review_page(plan: Plan, source: Path | None, audit: dict[str, Any] | None = None) -> str:
    """The page of a (valid) result; `source` is the PDF it was read from, None for text input."""
    pages = page_images(source) if plan.source.input_kind == "pdf" and source else None
    return build_html(plan, pages, audit)


def write_review(plan: Plan, result_path: Path, out: Path, source: Path | None = None, audit_data: Any = None) -> Path:
    """Find and check the result's source, and write its page atomically."""
    pdf = None
    if plan.source.input_kind == "pdf":
        pdf = source or find_source(plan, result_path)
        check_same(pdf, plan)
    audit = pick_audit(audit_data, result_path.name) if audit_data is not None else None
    return write_atomic(out, review_page(plan, pdf, audit))
