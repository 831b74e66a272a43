"""Extract: one module per kind of fact, each reading the section tree and the tables."""

from __future__ import annotations

from typing import Any

from pipeline.records import Document
from pipeline.stages.extract.bodies import extract_bodies
from pipeline.stages.extract.budget import extract_budget
from pipeline.stages.extract.events import extract_events
from pipeline.stages.extract.quotas import extract_quota_tables
from pipeline.stages.extract.targets import extract_targets
from pipeline.stages.structure import Layout


def extract_facts(doc: Document, lay: Layout, metadata: dict[str, Any]) -> dict[str, Any]:
    """Targets, events, responsible bodies, quota tables and budget, with the warnings they raise."""
    titles = [a["appendix_title"] for a in metadata.get("appendices", []) if a.get("appendix_title")]
    quota_tables, warnings = extract_quota_tables(doc, titles)
    return {
        "targets": extract_targets(doc, lay, metadata.get("plan_year")),
        "events": extract_events(doc, lay, metadata.get("plan_year"), metadata.get("date")),
        "responsible_bodies": extract_bodies(doc, lay),
        "quota_tables": quota_tables,
        "budget": extract_budget(doc, lay),
        "warnings": warnings,
    }
