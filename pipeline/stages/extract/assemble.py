"""The parts of a plan that are the document itself rather than facts: its source, sections, paragraphs and the
corrections made to its text."""

from __future__ import annotations

from pathlib import Path

from pipeline import plan
from pipeline.records import Document, RawDocument
from pipeline.stages.extract.evidence import source
from pipeline.stages.structure import Layout, Section


def input_source(raw: RawDocument) -> plan.Source:
    return plan.Source(
        file=Path(raw.path).name,
        sha256=raw.sha256,
        pages=raw.pages,
        ocr_pages=list(raw.ocr_pages),
        ocr_reasons=[plan.OcrPage(page=page, reason=reason) for page, reason in raw.ocr_reasons],
        overlays=[plan.Overlay(page=o.page, bbox=_box(o.bbox), text=o.text) for o in raw.overlays],
        input_kind=raw.input_kind,
        page_sizes=[list(s) for s in raw.page_sizes],
    )


def _box(bbox: tuple[float, float, float, float] | None) -> list[float] | None:
    return [round(v, 1) for v in bbox] if bbox else None


def section_model(doc: Document, s: Section) -> plan.Section:
    paras = [doc.paragraphs[i] for i in s.paragraphs]
    first = paras[0]
    own_text = [first.text[s.heading_end :].strip()] + [p.text for p in paras[1:]]
    return plan.Section(
        number=s.number,
        heading=s.heading,
        level=s.level,
        topic=s.topic,
        text="\n".join(t for t in own_text if t),
        page=first.page,
        paragraphs=s.paragraphs,
        children=[section_model(doc, c) for c in s.children],
    )


def sections(doc: Document, lay: Layout) -> list[plan.Section]:
    return [section_model(doc, s) for s in lay.sections]


def paragraphs(doc: Document) -> list[plan.Paragraph]:
    out = []
    for i, p in enumerate(doc.paragraphs):
        confs = [ln.confidence for ln in p.lines if ln.confidence is not None]
        out.append(
            plan.Paragraph(
                id=i,
                page=p.page,
                bbox=source(p).bbox,
                text=p.text,
                raw_text=p.raw,
                ocr_confidence=round(sum(confs) / len(confs), 3) if confs else None,
            )
        )
    return out


def corrections(doc: Document) -> list[plan.Correction]:
    """Every fix: in a paragraph (offsets into its raw_text) or in a table cell (offsets into the cell's raw text)."""
    in_paragraphs = [
        plan.Correction(
            original=f.original, corrected=f.corrected, rule=f.rule, page=p.page, paragraph=i, start=f.start, end=f.end
        )
        for i, p in enumerate(doc.paragraphs)
        for f in p.fixes
    ]
    in_tables = [
        plan.Correction(
            original=f.original,
            corrected=f.corrected,
            rule=f.rule,
            page=t.page,
            table=ti,
            row=ri,
            col=ci,
            start=f.start,
            end=f.end,
        )
        for ti, t in enumerate(doc.tables)
        for ri, row in enumerate(t.rows)
        for ci, cell in enumerate(row)
        for f in cell.fixes
    ]
    return in_paragraphs + in_tables


def ingest_warnings(raw: RawDocument) -> list[plan.PlanWarning]:
    return [plan.PlanWarning(code=w.code, message=w.message, page=w.page) for w in raw.warnings]
