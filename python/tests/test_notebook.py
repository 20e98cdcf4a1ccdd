"""Runs examples/live_rings.ipynb headless against the mock exchange so it never rots."""

import pytest

from conftest import REPO, cargo_executable

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("matplotlib")


def test_live_rings_notebook_runs(monkeypatch):
    monkeypatch.setenv("PARADEX_MOCK_BIN", cargo_executable("paradex-mock", "paradex-mock", False))
    monkeypatch.setenv("PARADEX_NOTEBOOK_SECONDS", "2")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(REPO / "examples" / "live_rings.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "BBO records" in text and "feed health" in text
    records = int(text.split(" BBO records")[0].split()[-1])
    assert records > 0, text
