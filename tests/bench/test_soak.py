"""`snakepit soak` runs end to end: every fault kind is exercised and answered as promised,
and the report has its figures (none of them is asserted, except that faults got their
answers)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from snakepit.bench.faults import KINDS

SNAKEPIT = str(Path(sys.executable).with_name("snakepit"))


def test_a_short_soak_exercises_every_fault_and_writes_a_complete_report(tmp_path):
    out = tmp_path / "soak.json"
    # The half-open peer sets the pace: the server's heartbeat closes it within ~40 s.
    result = subprocess.run(
        [SNAKEPIT, "soak", "--clients", "60", "--minutes", "0.3", "--fault-rate", "5",
         "--out", str(out)],
        check=False, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "dropped legit clients" in result.stdout
    report = json.loads(out.read_text())
    assert report["command"].startswith("snakepit soak --clients 60")
    assert set(report["faults"]) == set(KINDS)
    for kind, tally in report["faults"].items():
        assert tally["sent"] >= 1, kind
        assert tally["expected"] == tally["sent"], (kind, tally["unexpected_samples"])
    assert isinstance(report["dropped_legit_clients"], int)
    assert report["legit"]["clients"] == 60
    memory = report["memory"]
    assert min(memory["rss_idle_mb"], memory["rss_after_ramp_mb"], memory["rss_end_mb"]) > 0
    assert isinstance(memory["drift_mb"], float) and memory["samples"]
    assert {"ticks", "overruns", "work_p50_ms_median_second", "work_p99_ms_worst_second"} <= (
        report["ticks"].keys())
    assert report["ticks"]["ticks"] > 0
