"""Extract: one module per kind of fact, each reading the section tree."""

from __future__ import annotations

from typing import Any

from pipeline.models import Document
from pipeline.structure import Layout


def extract_facts(doc: Document, lay: Layout, metadata: dict[str, Any]) -> dict[str, Any]:
    """Targets, events, responsible bodies, quota tables and budget (filled by the extractors of issue #5)."""
    return {"targets": [], "events": [], "responsible_bodies": [], "quota_tables": [], "budget": None}
