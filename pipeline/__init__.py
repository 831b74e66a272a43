"""vnplan: Vietnamese government plan documents to structured, schema-validated JSON.

The flow, one document at a time: ingest -> normalize -> structure -> extract -> validate -> write.

    from pipeline import extract_file
    plan = extract_file("plan.pdf")          # raises a VnplanError subclass on bad input
    plan.document.number                     # e.g. '33/KH-BCĐ'
    plan.model_dump(mode="json")             # the JSON that `vnplan extract` writes

Imports are lazy: `import pipeline` loads nothing heavy, so the command starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.version import __version__

__all__ = ["Options", "Plan", "VnplanError", "__version__", "extract_file", "load_plan", "load_results"]

if TYPE_CHECKING:
    from pipeline.errors import VnplanError
    from pipeline.options import Options
    from pipeline.plan import Plan


def extract_file(path: str | Path, options: Options | None = None) -> Plan:
    """Read one document and return its validated plan. Raises a VnplanError subclass on bad input."""
    from pipeline.runner import run

    return run(path, options)


def load_plan(path: str | Path) -> Plan:
    """A result written by vnplan, read back and validated (raises NotAResult if it is not one)."""
    from pipeline.tools.results import load_plan as load

    return load(Path(path))


def load_results(folder: str | Path) -> Any:
    """Every result in a folder as flat pandas tables (see pipeline.tools.export)."""
    from pipeline.tools.export import load_results as load

    return load(folder)


def __getattr__(name: str) -> Any:
    if name == "Options":
        from pipeline.options import Options

        return Options
    if name == "Plan":
        from pipeline.plan import Plan

        return Plan
    if name == "VnplanError":
        from pipeline.errors import VnplanError

        return VnplanError
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
