"""The README demo node (`examples/nautilus_node.py`) runs against its own `paradex-mock`,
trades, prints its fills and a flat position, and exits 0 with everything stopped."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request

import pytest

from conftest import REPO

EXAMPLE = REPO / "examples" / "nautilus_node.py"


def test_demo_node_trades_and_exits_cleanly(mock_bin):
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE), "--seconds", "5", "--mock-bin", mock_bin],
        capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    fills = [line for line in proc.stdout.splitlines() if line.startswith("fill ")]
    assert fills, f"the demo did not trade: {proc.stdout[-2000:]}"
    summary = re.search(r"^fills (\d+)  position (\S+)  realized PnL (\S+) USDC", proc.stdout,
                        re.MULTILINE)
    assert summary, proc.stdout[-2000:]
    assert int(summary.group(1)) >= len(fills) - 1  # the last print may race the stop
    assert float(summary.group(2)) == 0, "the demo flattens its position on stop"
    # The mock it started is gone: its port refuses connections.
    url = re.search(r"paradex-mock at (http://\S+),", proc.stdout)
    assert url, proc.stdout[:500]
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url.group(1)}/v1/system/time", timeout=2)
