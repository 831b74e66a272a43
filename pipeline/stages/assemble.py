"""Assemble the plan JSON from what the stages found (plain dicts, in the schema's shape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.records import Document
from pipeline.stages.extract.evidence import source
from pipeline.stages.structure import Layout, Section


def section_json(doc: Document, s: Section) -> dict[str, Any]:
    paras = [doc.paragraphs[i] for i in s.paragraphs]
    first = paras[0]
    own_text = [first.text[s.heading_end :].strip()] + [p.text for p in paras[1:]]
    return {
        "number": s.number,
        "heading": s.heading,
        "level": s.level,
        "topic": s.topic,
        "text": "\n".join(t for t in own_text if t),
        "page": first.page,
        "paragraphs": s.paragraphs,
        "children": [section_json(doc, c) for c in s.children],
    }


def paragraphs_json(doc: Document) -> list[dict[str, Any]]:
    out = []
    for i, p in enumerate(doc.paragraphs):
        ev = source(p)
        confs = [ln.confidence for ln in p.lines if ln.confidence is not None]
        out.append(
            {
                "id": i,
                "page": p.page,
                "bbox": ev["bbox"],
                "text": p.text,
                "raw_text": p.raw,
                "ocr_confidence": round(sum(confs) / len(confs), 3) if confs else None,
            }
        )
    return out


def corrections_json(doc: Document) -> list[dict[str, Any]]:
    """Every fix: in a paragraph (offsets into its raw_text) or in a table cell (offsets into the cell's raw text)."""
    in_tables = [
        {
            "original": f.original,
            "corrected": f.corrected,
            "rule": f.rule,
            "page": t.page,
            "table": ti,
            "row": ri,
            "col": ci,
            "start": f.start,
            "end": f.end,
        }
        for ti, t in enumerate(doc.tables)
        for ri, row in enumerate(t.rows)
        for ci, cell in enumerate(row)
        for f in cell.fixes
    ]
    return [
        {
            "original": f.original,
            "corrected": f.corrected,
            "rule": f.rule,
            "page": p.page,
            "paragraph": i,
            "start": f.start,
            "end": f.end,
        }
        for i, p in enumerate(doc.paragraphs)
        for f in p.fixes
    ] + in_tables


def assemble(
    doc: Document, lay: Layout, metadata: dict[str, Any], facts: dict[str, Any], version: str
) -> dict[str, Any]:
    raw = doc.raw
    metadata = dict(metadata)
    header_warnings = metadata.pop("warnings", [])
    warnings = [{"code": w.code, "message": w.message} for w in raw.warnings] + header_warnings
    warnings += facts.get("warnings", [])
    return {
        "schema_version": "1.0.0",
        "pipeline_version": version,
        "source": {
            "file": Path(raw.path).name,
            "sha256": raw.sha256,
            "pages": raw.pages,
            "ocr_pages": list(raw.ocr_pages),
            "input_kind": raw.input_kind,
            "page_sizes": [list(s) for s in raw.page_sizes],
        },
        "document": metadata,
        "sections": [section_json(doc, s) for s in lay.sections],
        "paragraphs": paragraphs_json(doc),
        "targets": facts.get("targets", []),
        "events": facts.get("events", []),
        "responsible_bodies": facts.get("responsible_bodies", []),
        "quota_tables": facts.get("quota_tables", []),
        "budget": facts.get("budget"),
        "corrections": corrections_json(doc),
        "warnings": warnings,
    }
