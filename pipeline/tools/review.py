"""Review page: one self-contained HTML file that shows every extracted fact on the page it came from.

The pages of the source are JPEG images inlined as data URIs, with a box over the evidence of the facts, coloured by
kind (facts of one passage share one box, see review_boxes.py). Beside them, the facts as tables by kind; clicking a
row scrolls to its box, clicking a box lists its facts with their fields. For text input there are no pages: the
corrected text is shown, with each fact's evidence highlighted. No server, no network: the styles, the script and
the data are in the file.

Every string of a result or an audit is taken as hostile: text and attributes are escaped, the data travels as JSON
with `<`, `>`, `&` and the line separators escaped (so `</script>` or `<!--<script` in a text stays text), and the
Content Security Policy lets only the page's own script run (by its hash: no inline handler, no injected script).
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import InputError, NotFound, SourceChanged
from pipeline.plan import Paragraph, Plan, PlanWarning
from pipeline.stages.write import write_atomic
from pipeline.tools.page_images import MAX_PIXELS, PageImage, page_images
from pipeline.tools.review_boxes import Box, page_boxes
from pipeline.tools.review_items import COLUMNS, KINDS, Item, collect_items, short

__all__ = ["build_html", "check_same", "collect_items", "find_source", "page_images", "read_audit", "review_page",
           "write_review"]  # fmt: skip

MAX_TIP = 8  # facts named in a box's tooltip; the details panel lists them all
STATUS = {"stated": "✔ stated", "ok": "✔ ok", "missing": "✘ missing", "unclear": "? unclear",
          "inconsistent": "⚠ inconsistent", "info": "ℹ info"}  # fmt: skip
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def e(value: object) -> str:
    """Text or an attribute value, escaped (quotes included)."""
    return html.escape(str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON that can sit inside a <script> element: nothing in it can close the element or open a comment."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def _resource(name: str) -> str:
    return resources.files("pipeline").joinpath(f"data/{name}").read_text("utf-8")


def build_html(plan: Plan, pages: list[PageImage] | None, audit: dict[str, Any] | None = None) -> str:
    """The review page of one result; `pages` None for text input, which is shown as corrected text instead."""
    items = collect_items(plan)
    doc = plan.document
    title = f"{doc.doc_type or 'Văn bản'} {doc.number or ''} — {plan.source.file}".strip()
    left = _pages_html(pages, items) if pages is not None else _text_html(plan, items)
    right = _tables_html(items) + _audit_html(audit, len(pages or [])) + _warnings_html(plan.warnings)
    script = _resource("review.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    values = {"title": e(title), "style_kinds": _kind_styles(), "legend": _legend(items), "left": left,
              "right": right, "data": script_json({it.id: it.as_data() for it in items}), "script": script,
              "script_hash": f"'sha256-{digest}'"}  # fmt: skip
    # one pass, so that a plan's own text can never be taken for a placeholder
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], _resource("review.html"))


def _kind_styles() -> str:
    return "\n".join(f".k-{kind} {{ --c: {colour}; }}" for kind, (_, _, colour) in KINDS.items())


def _legend(items: list[Item]) -> str:
    counts = {kind: sum(it.kind == kind for it in items) for kind in KINDS}
    return " ".join(
        f'<a class="legend k-{kind}" href="#facts-{kind}"><i></i>{e(KINDS[kind][0])} ({n})</a>'
        for kind, n in counts.items()
        if n
    )


def _pages_html(pages: list[PageImage], items: list[Item]) -> str:
    by_page: dict[int | None, list[Item]] = defaultdict(list)
    for item in items:
        by_page[item.page].append(item)
    out = []
    for number, page in enumerate(pages, 1):
        boxes = page_boxes(by_page[number], page.width, page.height)
        drawn = "".join(_box_html(box, page, z) for z, box in enumerate(boxes, 1))
        out.append(
            f'<figure class="page" id="page-{number}" style="aspect-ratio: {page.width:.2f} / {page.height:.2f}">'
            f'<img src="{e(page.data_uri)}" alt="page {number}">{drawn}<figcaption>{number}</figcaption></figure>'
        )
    return "\n".join(out)


def _box_html(box: Box, page: PageImage, z: int) -> str:
    x0, y0, x1, y1 = box.bbox
    style = (
        f"left:{100 * x0 / page.width:.2f}%;top:{100 * y0 / page.height:.2f}%;"
        f"width:{100 * (x1 - x0) / page.width:.2f}%;height:{100 * (y1 - y0) / page.height:.2f}%;z-index:{z}"
    )
    tip = _tip(box.items)
    ids = " ".join(it.id for it in box.items)
    count = f'<span class="n">{len(box.items)}</span>' if len(box.items) > 1 else ""
    return (
        f'<button type="button" class="box k-{e(box.kind)}" data-items="{e(ids)}" style="{style}" title="{e(tip)}" '
        f'aria-label="{e(tip)}">{count}</button>'
    )


def _tip(items: tuple[Item, ...]) -> str:
    """A box's tooltip: each fact on a line, without empty slots."""
    lines = [it.summary() for it in items[:MAX_TIP]]
    if len(items) > MAX_TIP:
        lines.append(f"… and {len(items) - MAX_TIP} more")
    return "\n".join(([f"{len(items)} facts from this passage:"] if len(items) > 1 else []) + lines)


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
    """Cut the text at every span edge; each piece is marked with the facts that cover it."""
    text = p.text
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(end for _, end, _ in spans)})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [it for s, f, it in spans if s <= start and end <= f]
        piece = e(text[start:end])
        if not covering:
            pieces.append(piece)
            continue
        ids = " ".join(it.id for it in covering)
        tip = _tip(tuple(covering))
        pieces.append(f'<mark class="k-{e(covering[-1].kind)}" data-items="{e(ids)}" title="{e(tip)}">{piece}</mark>')
    return f'<p class="para"><span class="pno">{e(p.page)}</span>{"".join(pieces)}</p>'


def _tables_html(items: list[Item]) -> str:
    out = []
    for kind, (heading, _, _) in KINDS.items():
        rows = [it for it in items if it.kind == kind]
        if not rows:
            continue
        body = "".join(_row_html(it) for it in rows)
        out.append(
            f'<section class="facts k-{kind}" id="facts-{kind}"><h2><i></i>{e(heading)} ({len(rows)})</h2>'
            f"<table>{_head(COLUMNS[kind])}<tbody>{body}</tbody></table></section>"
        )
    return "\n".join(out)


def _head(columns: tuple[tuple[str, int], ...]) -> str:
    """Column widths fixed by share, so that a long word wraps inside its cell instead of widening the table."""
    cols = "".join(f'<col style="width:{width}%">' for _, width in columns)
    names = "".join(f"<th>{e(name)}</th>" for name, _ in columns)
    return f'<colgroup><col class="pno">{cols}</colgroup><thead><tr><th>p.</th>{names}</tr></thead>'


def _row_html(item: Item) -> str:
    cells = "".join(f"<td>{e(short(c, 160))}</td>" for c in item.columns)
    where = "" if item.page is None else e(item.page)
    return f'<tr id="row-{e(item.id)}" data-item="{e(item.id)}" tabindex="0"><td>{where}</td>{cells}</tr>'


def _audit_html(audit: dict[str, Any] | None, pages: int) -> str:
    """The findings of `vnplan audit -f json`: a file given by the user, so every value is checked for its type."""
    if not isinstance(audit, dict):
        return ""
    findings = [f for key in ("requirements", "consistency") for f in _list(audit.get(key)) if isinstance(f, dict)]
    profiles = ", ".join(str(p) for p in _list(audit.get("profiles")))
    rows = "".join(_finding_html(f, pages) for f in findings)
    cols = '<colgroup><col style="width:17%"><col style="width:31%"><col class="pno"><col style="width:52%"></colgroup>'
    return (
        f'<section class="audit" id="audit"><h2>Audit ({e(profiles)})</h2><table>{cols}<thead><tr><th>status</th>'
        f"<th>requirement</th><th>p.</th><th>finding</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _finding_html(f: dict[str, Any], pages: int) -> str:
    status = str(f.get("status") or "")
    title = str(f.get("title") or f.get("requirement") or "")
    finding = short(str(f.get("message") or f.get("quote") or ""), 160)
    page = f.get("page")
    page = page if isinstance(page, int) and not isinstance(page, bool) and 1 <= page <= pages else None
    status_class = re.sub(r"[^a-z]", "", status.lower())
    jump = f' data-page="{page}" tabindex="0"' if page else ""
    return (
        f'<tr class="st-{status_class}"{jump}><td>{e(STATUS.get(status, status))}</td><td>{e(title)}</td>'
        f"<td>{e(f.get('page') or '')}</td><td>{e(finding)}</td></tr>"
    )


def _warnings_html(warnings: Iterable[PlanWarning]) -> str:
    rows = "".join(f"<li><code>{e(w.code)}</code> {e(w.message)}</li>" for w in warnings)
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


def review_page(
    plan: Plan, source: Path | None, audit: dict[str, Any] | None = None, max_pixels: int = MAX_PIXELS
) -> str:
    """The page of a (valid) result; `source` is the PDF it was read from, None for text input."""
    pages = page_images(source, max_pixels=max_pixels) if plan.source.input_kind == "pdf" and source else None
    return build_html(plan, pages, audit)


def write_review(
    plan: Plan,
    result_path: Path,
    out: Path,
    source: Path | None = None,
    audit_data: Any = None,
    max_pixels: int = MAX_PIXELS,
) -> Path:
    """Find and check the result's source, and write its page atomically."""
    pdf = None
    if plan.source.input_kind == "pdf":
        pdf = source or find_source(plan, result_path)
        check_same(pdf, plan)
    audit = pick_audit(audit_data, result_path.name) if audit_data is not None else None
    return write_atomic(out, review_page(plan, pdf, audit, max_pixels))
