"""`snakepit bench` runs end to end and writes a complete report (no figure is asserted)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from snakepit.bench.verdict import capped, cpu_ratio, how_it_ended

SNAKEPIT = str(Path(sys.executable).with_name("snakepit"))

STEP_FIGURES = {
    "clients", "connected", "ticks_per_second_per_arena", "tick_overrun_share",
    "tick_work_p50_ms", "tick_work_p99_ms", "fanout_delay_p50_ms", "fanout_delay_p99_ms",
    "bytes_per_client_per_tick", "server_cpu_percent", "generator_cpu_percent",
    "server_rss_per_client_kb", "server_core_percent",
    "input_to_frame_p50_ms", "input_to_frame_p99_ms", "holds",
}


def test_a_short_bench_writes_a_json_report_and_a_chart(tmp_path):
    out, chart = tmp_path / "report.json", tmp_path / "report.png"
    result = subprocess.run(
        [SNAKEPIT, "bench", "--steps", "24,80", "--seconds", "1.5", "--warmup", "1",
         "--generators", "1", "--tries", "1", "--out", str(out), "--chart", str(chart)],
        capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "capacity:" in result.stdout
    report = json.loads(out.read_text())
    for kind in ("snakepit", "raw"):
        assert [step["clients"] for step in report[kind]] == [24, 80]
        for step in report[kind]:
            assert STEP_FIGURES <= step.keys()
            assert step["connected"] == step["clients"]
            # How the server's core spent the window: every part of its time, once.
            core = step["server_core_percent"]
            assert set(core) == {"user", "system", "interrupts", "steal", "idle"}
            assert 99 <= sum(core.values()) <= 101
    assert {"snakepit_capacity", "raw_capacity", "ratio", "raw_frame_bytes"} <= report.keys()
    # A server that held the ramp's last step is marked: its capacity is only a lower bound.
    for kind in ("snakepit", "raw"):
        assert report["capped"][kind] is (report[f"{kind}_capacity"] == 80)
        assert report["ended"][kind] is None or set(report["ended"][kind]) == {
            "measurements", "delay_alone", "generator_cpu_percent"}
    # The CPU ratio, or None where no count kept both cores busy (24 and 80 clients seldom do).
    assert "cpu_ratio" in report
    assert report["cpu_ratio"] is None or set(report["cpu_ratio"]) == {
        "steps", "low", "median", "high"}
    if shutil.which(os.environ.get("CC", "cc")):
        assert report["clients"] == "C (clients.c)"
    # The raw baseline wrote frames of the size Snakepit sent in the same step, to as many
    # groups as Snakepit had arenas (80 clients: 20 players, so 2 arenas).
    for ours, raw in zip(report["snakepit"], report["raw"], strict=True):
        assert abs(raw["bytes_per_client_per_tick"] - ours["bytes_per_client_per_tick"]) < 8
        assert raw["arenas"] == ours["arenas"] == -(-ours["clients"] // 4 // 16)
    # Players really played: their turns were timed from sending to the frame showing them.
    assert any(step["input_to_frame_p50_ms"] is not None for step in report["snakepit"])
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_without_a_c_compiler_the_python_generator_plays_and_watches_and_the_report_is_complete(
        tmp_path):
    out, chart = tmp_path / "report.json", tmp_path / "report.png"
    env = {**os.environ, "CC": str(tmp_path / "no-such-compiler"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [SNAKEPIT, "bench", "--steps", "24", "--seconds", "1.5", "--warmup", "1",
         "--tries", "1", "--out", str(out), "--chart", str(chart)],
        capture_output=True, text=True, timeout=240, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["clients"] == "Python (loadgen.py)"
    for kind in ("snakepit", "raw"):
        (step,) = report[kind]
        assert STEP_FIGURES <= step.keys() and step["connected"] == 24


def measured(clients: int, holds: bool, overrun: float = 0.0, delay: float = 5.0,
             generators: float = 50.0) -> dict[str, object]:
    return {"clients": clients, "holds": holds, "tick_overrun_share": overrun,
            "fanout_delay_p99_ms": delay, "generator_cpu_percent": generators}


def test_the_report_tells_how_a_ramp_ended_and_whether_it_ended_at_all():
    steps = [measured(1000, True), measured(2000, False, overrun=0.3, generators=60),
             measured(2000, True), measured(3000, False, delay=40, generators=85),
             measured(3500, False, overrun=0.02, delay=30, generators=88)]
    # Capacity 2,000; what ended the ramp is above it: one failure on the delay alone
    # (ticks on time, frames late: the receiving side), one on late ticks too.
    assert how_it_ended(steps) == {"measurements": 2, "delay_alone": 1,
                                   "generator_cpu_percent": [85.0, 88.0]}
    assert not capped(steps, (1000, 2000, 3000, 3500))
    # A ramp whose last count held ended for want of counts, not by failing.
    held = [measured(1000, True), measured(2000, True)]
    assert how_it_ended(held) is None and capped(held, (1000, 2000))


def test_the_cpu_ratio_compares_the_counts_both_servers_held_with_a_busy_core():
    def step(clients: int, holds: bool, cpu: float) -> dict[str, object]:
        return {"clients": clients, "holds": holds, "server_cpu_percent": cpu}

    ours = [step(1000, True, 15), step(2000, True, 30), step(3000, True, 60),
            step(4000, False, 99), step(4000, True, 90), step(5000, False, 99)]
    raw = [step(1000, True, 10), step(2000, True, 20), step(3000, True, 30),
           step(4000, True, 45), step(5000, True, 50)]
    # 1,000: the raw server's core too idle to divide by; 5,000: Snakepit failed there.
    # Left: 2,000 (1.5), 3,000 (2.0), 4,000 (90 / 45 = 2.0, its held measurement).
    assert cpu_ratio(ours, raw) == {"steps": 3, "low": 1.5, "median": 2.0, "high": 2.0}
    assert cpu_ratio(ours[:1], raw[:1]) is None
