"""A load generator that fails costs its step, not the bench: the step did not hold, and no
generator process outlives it."""

from __future__ import annotations

import asyncio
import socket
import sys

from snakepit.bench.controller import BenchOptions, Target, _line, run_step


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_step_whose_generators_cannot_connect_fails_and_leaves_nothing_running():
    options = BenchOptions(steps=(8,), seconds=0.5, warmup=0.2, generators=1)
    target = Target("snakepit", options, 0)
    target.port = unused_port()  # nobody listens: every connection is refused
    target.proc = await asyncio.create_subprocess_exec(sys.executable, "-c",
                                                       "import time; time.sleep(60)")
    try:
        step = await asyncio.wait_for(run_step(target, 8, options), 60)
    finally:
        target.proc.kill()
        await target.proc.wait()
    assert step["holds"] is False and step["connected"] == 0
    assert "load generator failed" in str(step["error"])
    assert "fails" in _line("snakepit", step)  # the progress line copes with no figures
    for pattern in (f"--port {target.port}", f"127.0.0.1 {target.port} "):  # Python, C
        children = await asyncio.create_subprocess_exec(
            "pgrep", "-f", pattern, stdout=asyncio.subprocess.PIPE)
        assert (await children.communicate())[0] == b"", pattern
