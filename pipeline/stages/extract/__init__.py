"""Extract: one module per kind of fact, each reading the section tree and the tables; together, the Plan."""

from __future__ import annotations

from pipeline import plan
from pipeline.records import Document
from pipeline.stages.extract import assemble
from pipeline.stages.extract.bodies import extract_bodies
from pipeline.stages.extract.budget import extract_budget
from pipeline.stages.extract.events import extract_events
from pipeline.stages.extract.metadata import read_document
from pipeline.stages.extract.quotas import extract_quota_tables
from pipeline.stages.extract.spans import printed_year
from pipeline.stages.extract.targets import extract_targets
from pipeline.stages.structure import Layout

__all__ = ["extract"]


def extract(doc: Document, lay: Layout, version: str) -> plan.Plan:
    """The plan: its header, targets, events, responsible bodies, quota tables and budget, with the document's
    sections, paragraphs, corrections and warnings."""
    document, header_warnings = read_document(doc, lay)
    titles = [a.appendix_title for a in document.appendices if a.appendix_title]
    quota_tables, tables, quota_warnings = extract_quota_tables(doc, titles)
    return plan.Plan(
        pipeline_version=version,
        source=assemble.input_source(doc.raw),
        document=document,
        sections=assemble.sections(doc, lay),
        paragraphs=assemble.paragraphs(doc),
        targets=extract_targets(
            doc,
            lay,
            document.plan_year,
            int(document.date[:4]) if document.date else (printed_year(doc) or document.plan_year),
        ),
        events=extract_events(doc, lay, document.plan_year, document.date),
        responsible_bodies=extract_bodies(doc, lay),
        quota_tables=quota_tables,
        tables=tables,
        budget=extract_budget(doc, lay),
        corrections=assemble.corrections(doc),
        warnings=assemble.ingest_warnings(doc.raw) + header_warnings + quota_warnings,
    )
