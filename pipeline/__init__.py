"""vnplan: Vietnamese government plan documents to structured, schema-validated JSON.

The flow, one document at a time: ingest -> normalize -> structure -> extract -> validate -> write.

    from pipeline import extract_file
    result = extract_file("plan.pdf")        # raises a VnplanError subclass on bad input
    result["document"]["number"]             # e.g. '33/KH-BCĐ'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import VnplanError
from pipeline.stages.assemble import assemble
from pipeline.stages.extract import extract_facts
from pipeline.stages.extract.metadata import extract_metadata
from pipeline.stages.ingest import IngestOptions, ingest
from pipeline.stages.ingest.options import check_deadline
from pipeline.stages.normalize import NormalizeOptions, normalize
from pipeline.stages.normalize.language import require_vietnamese
from pipeline.stages.structure import layout
from pipeline.stages.validate import validate

__version__ = "0.1.0"
__all__ = ["Options", "VnplanError", "__version__", "extract_file", "load_results"]


def load_results(folder: str | Path) -> Any:
    """Every result in a folder as flat pandas tables (see pipeline.tools.export)."""
    from pipeline.tools.export import load_results as load

    return load(folder)


@dataclass(frozen=True)
class Options:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)


def extract_file(path: str | Path, options: Options | None = None) -> dict[str, Any]:
    """Read one plan and return its validated JSON. Raises a VnplanError subclass on bad input."""
    options = options or Options()
    raw = ingest(path, options.ingest)
    check_deadline(options.ingest)
    doc = normalize(raw, options.normalize)
    require_vietnamese(doc)
    check_deadline(options.ingest)
    lay = layout(doc)
    metadata = extract_metadata(doc, lay)
    facts = extract_facts(doc, lay, metadata)
    return validate(assemble(doc, lay, metadata, facts, __version__), path=str(path))
