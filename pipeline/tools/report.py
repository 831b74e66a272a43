"""Audit reports: JSON for systems, Markdown and HTML for people, CSV (plans × requirements) for spreadsheets.

Every report names each plan by its result file and its `doc_id`, the key of the export's tables, so an audit joins
the exported tables on it."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from pipeline.tools.audit import Finding, PlanAudit
from pipeline.tools.cells import safe_cell

MARK = {
    "stated": "✔ stated",
    "missing": "✘ missing",
    "unclear": "? unclear",
    "ok": "✔ ok",
    "inconsistent": "⚠",
    "info": "ℹ",
}


def to_json(audits: list[PlanAudit]) -> str:
    data = [a.as_dict() for a in audits]
    return json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"


def requirement_ids(audits: list[PlanAudit]) -> list[str]:
    seen: dict[str, None] = {}
    for a in audits:
        for f in a.requirements:
            seen.setdefault(f.requirement, None)
    return list(seen)


def to_csv(audits: list[PlanAudit]) -> str:
    """One row a plan, keyed by `doc_id` (the export's key), then two columns a requirement: its status and its
    value. Text cells that a spreadsheet would run as a formula are neutralised (cells.py)."""
    ids = requirement_ids(audits)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["doc_id", "file", "number", "province", "plan_year",
                *[f"{i}.{part}" for i in ids for part in ("status", "value")], "inconsistencies"])  # fmt: skip
    for a in audits:
        by_id = {f.requirement: f for f in a.requirements}
        cells: list[Any] = [a.doc_id, a.file, a.document.get("number"), a.document.get("province"),
                            a.document.get("plan_year")]  # fmt: skip
        for i in ids:
            f = by_id.get(i)
            cells += [f.status, f.value] if f else ["", ""]
        cells.append(sum(f.status == "inconsistent" for f in a.consistency))
        w.writerow([safe_cell(c) for c in cells])
    return buf.getvalue()


def _md_finding(f: Finding) -> str:
    where = f"p. {f.page}" if f.page else ""
    quote = (f.quote or "").replace("\n", " ").replace("|", "\\|")
    quote = quote[:160] + ("…" if len(quote) > 160 else "")
    value = "" if f.value is None else str(f.value).replace("|", "\\|")
    return f"| {MARK.get(f.status, f.status)} | {f.title} | {value} | {where} | {quote} |"


def to_markdown(audits: list[PlanAudit]) -> str:
    out: list[str] = []
    if len(audits) > 1:
        ids = requirement_ids(audits)
        out += [
            "# Audit of " + f"{len(audits)} plans",
            "",
            "| plan | " + " | ".join(ids) + " |",
            "|---|" + "---|" * len(ids),
        ]
        for a in audits:
            by_id = {f.requirement: f for f in a.requirements}
            out.append(f"| {a.file} | " + " | ".join(by_id[i].status if i in by_id else "" for i in ids) + " |")
        out.append("")
    for a in audits:
        d = a.document
        out += [
            f"## {a.file}: {d.get('number') or '(no number)'}, {d.get('province') or ''} {d.get('plan_year') or ''}",
            "",
            f"*{d.get('title') or ''}*, issued {d.get('date') or '(no date)'} by {d.get('issuer') or '?'}",
            "",
            f"### Requirements ({', '.join(a.profiles)})",
            "",
            "| status | requirement | value | page | evidence |",
            "|---|---|---|---|---|",
        ]
        out += [_md_finding(f) for f in a.requirements]
        missing = a.missing_mandatory()
        out += [
            "",
            f"**Mandatory requirements missing: {len(missing)}**"
            + (": " + ", ".join(f.title for f in missing) if missing else ""),
            "",
        ]
        out += ["### Consistency", "", "| status | check | value | page | evidence |", "|---|---|---|---|---|"]
        out += [_md_finding(f).replace(f"| {f.title} |", f"| {f.message or f.title} |") for f in a.consistency]
        out.append("")
    return "\n".join(out) + "\n"


_CSS = """body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #bbb;padding:4px 8px;vertical-align:top;font-size:14px;overflow-wrap:break-word}
.stated,.ok{background:#e3f5e1}.missing,.inconsistent{background:#fbe3e1}.unclear,.info{background:#fff6d6}
blockquote{margin:0;color:#444}.wide{overflow-x:auto}.matrix td,.matrix th{padding:3px 5px;text-align:center}
.matrix th.req{vertical-align:bottom;font-weight:normal;font-size:12px}
.matrix th.req span{writing-mode:vertical-rl;transform:rotate(180deg);max-height:16em;text-align:left}
.matrix td:first-child,.matrix th:first-child{text-align:left}.matrix a{text-decoration:none;color:inherit}"""
# Reports hold text from documents and profiles: no script is ever needed, so none may run.
_CSP = "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
SYMBOL = {"stated": "✔", "ok": "✔", "missing": "✘", "unclear": "?", "inconsistent": "⚠", "info": "ℹ"}


def requirement_titles(audits: list[PlanAudit]) -> dict[str, str]:
    """Each requirement's title (as its profile words it), by id, in order of first appearance."""
    titles: dict[str, str] = {}
    for a in audits:
        for f in a.requirements:
            titles.setdefault(f.requirement, f.title or f.requirement)
    return titles


def _matrix_html(audits: list[PlanAudit]) -> list[str]:
    """Plans by requirements, headed by the requirements' titles (set upright, so that twenty fit a screen), each
    cell a sign linked to its evidence."""
    e = html.escape
    titles = requirement_titles(audits)
    parts = [f"<h1>Audit of {len(audits)} plans</h1><div class='wide'><table class='matrix'><tr><th>plan</th>"]
    parts += [f"<th class='req' title='{e(i)}'><span>{e(t)}</span></th>" for i, t in titles.items()] + ["</tr>"]
    for n, a in enumerate(audits):
        by_id = {f.requirement: f for f in a.requirements}
        parts.append(f"<tr><td><a href='#plan{n}'>{e(a.file)}</a></td>")
        for i in titles:
            f = by_id.get(i)
            cell = f"<a href='#plan{n}-{e(i)}'>{e(SYMBOL.get(f.status, f.status))}</a>" if f else ""
            parts.append(f"<td class='{e(f.status) if f else ''}' title='{e(f.status) if f else ''}'>{cell}</td>")
        parts.append("</tr>")
    totals = [
        sum(1 for a in audits for f in a.requirements if f.requirement == i and f.status == "stated") for i in titles
    ]
    parts.append("<tr><th>stated</th>" + "".join(f"<th>{n}/{len(audits)}</th>" for n in totals) + "</tr></table></div>")
    parts.append("<p>" + " · ".join(f"{e(SYMBOL[s])} {s}" for s in ("stated", "unclear", "missing")) + "</p>")
    return parts


def to_html(audits: list[PlanAudit]) -> str:
    e = html.escape
    parts = [f"<!doctype html><html lang='vi'><meta charset='utf-8'>{_CSP}<title>vnplan audit</title>"
             f"<style>{_CSS}</style>"]  # fmt: skip
    if len(audits) > 1:
        parts += _matrix_html(audits)
    for n, a in enumerate(audits):
        d = a.document
        parts.append(f"<h2 id='plan{n}'>{e(a.file)}: {e(str(d.get('number')))} — {e(str(d.get('title')))}</h2>")
        parts.append("<table><tr><th>status</th><th>requirement</th><th>value</th><th>page</th><th>evidence</th></tr>")
        for f in [*a.requirements, *a.consistency]:
            anchor = f"plan{n}-{e(f.requirement)}"
            parts.append(
                f"<tr id='{anchor}' class='{e(f.status)}'><td>{e(f.status)}</td><td>{e(f.message or f.title)}</td>"
                f"<td>{e('' if f.value is None else str(f.value))}</td><td>{e(str(f.page or ''))}</td>"
                f"<td><blockquote>{e(f.quote or '')}</blockquote></td></tr>"
            )
        parts.append("</table>")
    parts.append("</html>")
    return "\n".join(parts) + "\n"


RENDERERS = {"json": to_json, "md": to_markdown, "html": to_html, "csv": to_csv}
