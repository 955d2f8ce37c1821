"""The processes of a soak: helpers pinned to a core, and the server under test.

A :class:`Child` is a ``python -m`` process pinned to one core whose standard output is
JSON lines (read as they come, waited for by ``event``) and whose standard error goes to a
log file; it is ended by its own PID, after a grace period if asked. :class:`Server` is
the ``snakepit serve`` process of :mod:`snakepit.bench.soak`, with its data in a
temporary folder that goes when it stops. Only ever started on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .generators import cpu_seconds, end_process, pin_to, printed_port, rss_bytes

if TYPE_CHECKING:
    from .soak import SoakOptions

#: A line of a child's output: JSON-shaped, nested.
Report = dict[str, Any]


class Child:
    """A helper process pinned to a core, whose stdout is JSON lines (kept by ``event``)
    and whose stderr goes to ``log``."""

    def __init__(self, name: str, log: Path) -> None:
        self.name, self.log = name, log
        self.proc: asyncio.subprocess.Process | None = None
        self.lines: list[Report] = []
        self.seen = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    async def start(self, core: int, *args: str) -> None:
        with self.log.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", *args, preexec_fn=pin_to(core),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for raw in self.proc.stdout:
            with contextlib.suppress(ValueError):
                self.lines.append(json.loads(raw))
                self.seen.set()

    async def wait_for(self, event: str, timeout: float) -> Report:
        """The first line with ``event`` (or any line, for event ""), waiting up to
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines:
                if not event or line.get("event") == event:
                    return line
            if self.proc is not None and self.proc.returncode is not None and (
                    self._reader is None or self._reader.done()):
                raise RuntimeError(f"the {self.name} process ended without {event or 'a result'}")
            self.seen.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the {self.name} process gave no {event or 'result'}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.seen.wait(), min(left, 1.0))

    def tell(self, text: str) -> None:
        if self.proc is not None and self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.write(text.encode())

    async def stop(self, grace: float = 0.0) -> None:
        """End the process (by its PID) if it has not ended within ``grace`` seconds."""
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.proc.wait(), grace)
        if self.proc is not None:
            await end_process(self.proc)
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


class Server(Child):
    """The ``snakepit serve`` process under test (production settings, but no bots), its
    log in a file and its data in a temporary folder removed at the end."""

    def __init__(self, options: SoakOptions, log: Path) -> None:
        super().__init__("server", log)
        self.options = options
        self.port = 0
        self.data = Path(tempfile.mkdtemp(prefix="snakepit-soak-"))

    async def start(self, core: int, *args: str) -> None:
        o = self.options
        with self.log.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "snakepit", "serve", "--port", "0", "--data-dir",
                str(self.data), "--tick-rate", str(o.tick_rate), "--max-players",
                str(o.arena_size), "--bots", "0", "--log-level", "warning",
                "--max-per-address", str(o.max_per_address),
                "--max-http-per-address", "0",  # its clients all come from 127.0.0.1
                "--header-timeout",
                str(o.header_timeout),
                # The crowd's watchers name the pit-K they watch, which may open it before
                # matchmaking does, up to six arenas from one address: no arena quota.
                "--arenas-per-address", "0", "--new-arenas-per-minute", "0",
                preexec_fn=pin_to(core), stdout=asyncio.subprocess.PIPE, stderr=log)
        self.port = await printed_port(self.proc, "the server")

    async def stop(self, grace: float = 0.0) -> None:
        await super().stop(grace)
        shutil.rmtree(self.data, ignore_errors=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def rss(self) -> int:
        assert self.proc is not None
        return rss_bytes(self.proc.pid)

    @property
    def cpu(self) -> float:
        assert self.proc is not None
        return cpu_seconds(self.proc.pid)

    @property
    def waited(self) -> float:
        """Seconds the server's event-loop thread has spent ready to run but waiting for a
        CPU (other processes on its core): ticks it made late are not the server's doing."""
        assert self.proc is not None
        try:
            return int(Path(f"/proc/{self.proc.pid}/schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0

    def log_problems(self) -> list[str]:
        """Lines of the server's log at ERROR or worse, and tracebacks."""
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return [ln for ln in lines if " ERROR " in ln or " CRITICAL " in ln
                or ln.startswith("Traceback")]
