"""notebooks/explore.ipynb runs from top to bottom, so it can never go stale."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from .conftest import ROOT


def test_explore_notebook_runs() -> None:
    path = ROOT / "notebooks" / "explore.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "0 failed" in text
    assert sum(1 for o in outputs if "image/png" in o.get("data", {})) == 2  # the quota chart and the timeline
