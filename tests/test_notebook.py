"""notebooks/explore.ipynb runs from top to bottom, so it can never go stale; and it leaves nothing behind."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pymupdf
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

TAB10 = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189)]  # matplotlib's first colours


def colours_used(png: bytes) -> int:
    """How many of matplotlib's first colours cover a bar's worth of the chart (500 pixels or more)."""
    pix = pymupdf.Pixmap(base64.b64decode(png))
    data, n = pix.samples, pix.n
    pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), n)]
    return sum(pixels.count(c) >= 500 for c in TAB10)


def test_explore_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # the kernel's temporary folder, which must end empty
    nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    # the total as plans write it (the title once read "Quota allocation. total 24.500": the comma replaced too)
    assert "Quota allocation, total 24.500 đơn vị máu among 29 bodies" in text
    charts = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert len(charts) == 2  # the quota chart and the timeline
    assert colours_used(charts[0]) == 4  # a colour for each group of the allocation table (all one blue before)
    assert colours_used(charts[1]) == 2  # a colour for each plan
    assert list(temporary.iterdir()) == []
