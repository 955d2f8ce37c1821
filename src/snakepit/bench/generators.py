"""The load generators of ``snakepit bench``: processes on the spare cores that connect a
step's clients, and the window they all measure.

The clients, players and watchers, are the C program ``clients.c`` where a C compiler is at
hand, and the Python ``loadgen.py`` (the same clients, at several times the cost a frame)
where there is none.
Each generator connects its clients and says ``ready``; then all of them are given the same
window (``go START END``, ``time.monotonic()`` seconds, which on Linux is one clock for
every process), over which this module also takes the server's and the generators' CPU
time from ``/proc``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cores() -> tuple[int, list[int]]:
    """The server's core and the generators' cores (the first of the cores this process may
    use, and the others; on a one-core machine, that core for both)."""
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    return usable[0], (usable[1:] or usable)


def _libc() -> ctypes.CDLL | None:
    """The C library, for ``prctl`` (Linux only; None elsewhere)."""
    try:
        return ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
    except OSError:
        return None


_LIBC = _libc()
_PR_SET_PDEATHSIG = 1


def pin_to(core: int) -> Callable[[], None]:
    """A preexec_fn that pins the child process to ``core`` and, on Linux, has it killed
    when the process that started it dies, however it dies: a bench stopped by a signal
    or killed outright leaves no server or load generator running."""

    def pin() -> None:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {core})
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    return pin


async def end_process(proc: asyncio.subprocess.Process, wait: float = 20.0) -> None:
    """End ``proc`` (one this process started, by its PID): SIGTERM, then SIGKILL if it
    has not ended within ``wait`` seconds. Nothing if it has ended already."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), wait)
    except TimeoutError:
        proc.kill()
        await proc.wait()


async def printed_port(proc: asyncio.subprocess.Process, what: str) -> int:
    """The port a server process just started says it listens on, from the first line of
    its standard output (``... http://HOST:PORT/ ...``); waits up to 30 s for it."""
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    match = re.search(r"http://[^:]+:(\d+)/", line)
    if not match:
        raise RuntimeError(f"{what} did not start: {line!r}")
    return int(match.group(1))


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) that process ``pid`` has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


#: What ``core_shares`` tells apart, from the columns of a core's line in /proc/stat.
CORE_TIMES = ("user", "system", "interrupts", "steal", "idle")


def core_times(core: int) -> list[int] | None:
    """The kernel's time counters of one core so far, from /proc/stat, in clock ticks:
    user (with nice), system, interrupts (hard and soft), stolen (by the hypervisor, from a
    virtual machine) and idle (with waiting for I/O); None if /proc/stat has no such core."""
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"cpu{core} "):
            user, nice, system, idle, iowait, irq, softirq, steal = (
                [int(n) for n in line.split()[1:9]] + [0] * 8)[:8]
            return [user + nice, system, irq + softirq, steal, idle + iowait]
    return None


def core_shares(before: list[int] | None, after: list[int] | None) -> dict[str, float] | None:
    """Each of :data:`CORE_TIMES` as a share of all the core's time between two readings
    of :func:`core_times` (None if either is missing). The time is everything that ran on
    the core, not only the server pinned there; but the server's own CPU time already
    holds the interrupts its writes cause (loopback delivers each packet, through the
    receiver's TCP stack, on the core that sent it), so with nothing else on the core
    these shares say how the server's time divides, and how much was left idle."""
    if before is None or after is None:
        return None
    spent = [b - a for a, b in zip(before, after)]
    total = sum(spent) or 1
    return {name: part / total for name, part in zip(CORE_TIMES, spent)}


def core_percent(figures: dict[str, float]) -> dict[str, float] | None:
    """The server core's shares among ``generate``'s figures, in per cent (None if the
    core's times could not be read)."""
    if f"server_core_{CORE_TIMES[0]}" not in figures:
        return None
    return {name: round(100 * figures[f"server_core_{name}"], 1) for name in CORE_TIMES}


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` now, from /proc (0 if it does not say)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


CLIENTS_FLAGS = ("-lwslay",)
"""What ``clients.c`` is compiled with after its source: Debian's libwslay (libwslay-dev)."""


@functools.cache
def clients_program() -> Path | None:
    """The C clients (``clients.c``, whose WebSocket frames are wslay's), compiled once with
    the machine's C compiler (``$CC``, else ``cc``) against libwslay into the user's cache
    folder (``$XDG_CACHE_HOME/snakepit``, else ``~/.cache/snakepit``); None where there is no
    compiler or no libwslay (Debian: ``apt-get install libwslay-dev``), and the Python load
    generator plays and watches instead."""
    source = Path(__file__).with_name("clients.c")
    # The binary is named for its source and its flags: a change to either compiles anew.
    key = source.read_bytes() + b"\0" + " ".join(CLIENTS_FLAGS).encode()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "snakepit"
    binary = cache / f"clients-{hashlib.sha256(key).hexdigest()[:12]}"
    if binary.exists():
        return binary
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if compiler is None:
        return None
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = binary.with_suffix(f".{os.getpid()}")
    done = subprocess.run([compiler, "-O2", "-o", str(partial), str(source), *CLIENTS_FLAGS],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print("bench: clients.c did not compile (it needs a C compiler and Debian's "
              f"libwslay-dev), the clients are Python:\n{done.stderr}", file=sys.stderr)
        return None
    partial.replace(binary)  # whole or not at all, should two benches compile at once
    return binary


@dataclass
class Generator:
    """One generator process, the core it is pinned to, and its CPU seconds at the
    window's ends."""

    proc: asyncio.subprocess.Process
    core: int
    cpu: tuple[float, float] = (0.0, 0.0)


async def generate(port: int, server_pid: int, players: int, spectators: int, arenas: int,
                   generators: int, warmup: float, seconds: float,
                   window: Callable[[bool], None] | None = None,
                   ) -> tuple[list[dict], dict[str, float]]:
    """Connect ``players`` and ``spectators`` (who watch ``pit-1`` ... ``pit-ARENAS``) to the
    server on ``port`` from ``generators`` processes, let them settle for
    ``warmup`` seconds, measure ``seconds``; return each generator's results and the
    server's and the generators' figures (CPU shares, the server's RSS). ``window``, if
    given, is called with True as the measured window begins and with False as it ends."""
    _, spare = cores()
    clients = players + spectators
    count = max(1, min(generators, clients))
    program = clients_program()
    gens: list[Generator] = []
    for i in range(count):
        core = spare[i % len(spare)]
        mine_players = players // count + (i < players % count)
        mine_spectators = spectators // count + (i < spectators % count)
        first = i * clients
        if not (mine_players or mine_spectators):
            continue
        if program is not None:
            gens.append(Generator(await asyncio.create_subprocess_exec(
                str(program), "127.0.0.1", str(port), str(mine_players), str(mine_spectators),
                str(arenas), str(first), preexec_fn=pin_to(core),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL), core))
        else:
            gens.append(Generator(await asyncio.create_subprocess_exec(
                sys.executable, "-m", "snakepit.bench.loadgen", "--port", str(port),
                "--players", str(mine_players), "--spectators", str(mine_spectators),
                "--arenas", str(arenas), "--first", str(first), preexec_fn=pin_to(core),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL), core))
    try:
        return await _measure(gens, server_pid, warmup, seconds, window)
    except (OSError, ValueError, TimeoutError) as exc:  # a generator died, hung or garbled
        raise GeneratorFailed(f"a load generator failed: {exc!r}") from exc
    finally:  # whatever happened, no generator outlives its step
        for gen in gens:
            if gen.proc.returncode is None:
                gen.proc.kill()
                await gen.proc.wait()


class GeneratorFailed(RuntimeError):
    """A load generator did not start, died, hung or printed nonsense: the step has no
    figures (the bench counts it as a step that did not hold)."""


async def _measure(gens: list[Generator], server_pid: int, warmup: float, seconds: float,
                   window: Callable[[bool], None] | None = None,
                   ) -> tuple[list[dict], dict[str, float]]:
    """Wait until every generator is ready, give them all the same window, take the CPU
    figures at its ends, and collect the results."""

    async def line(gen: Generator) -> str:
        assert gen.proc.stdout is not None
        return (await gen.proc.stdout.readline()).decode().strip()

    budget = warmup + seconds + 180
    ready = await asyncio.wait_for(asyncio.gather(*(line(g) for g in gens)), budget)
    if not all(r.startswith("ready") for r in ready):
        raise ValueError(f"not ready: {ready!r}")
    began = time.monotonic() + warmup
    ended = began + seconds
    for gen in gens:
        assert gen.proc.stdin is not None
        gen.proc.stdin.write(f"go {began} {ended}\n".encode())
        await gen.proc.stdin.drain()
    await asyncio.sleep(max(0.0, began - time.monotonic()))
    server_core = cores()[0]
    core = core_times(server_core)
    server = [cpu_seconds(server_pid)]
    for gen in gens:
        gen.cpu = (cpu_seconds(gen.proc.pid), 0.0)
    if window is not None:
        window(True)
    await asyncio.sleep(max(0.0, ended - time.monotonic()))
    server.append(cpu_seconds(server_pid))
    if window is not None:
        window(False)
    shares = core_shares(core, core_times(server_core))
    rss = rss_bytes(server_pid)
    for gen in gens:
        gen.cpu = (gen.cpu[0], cpu_seconds(gen.proc.pid))
    outputs = await asyncio.wait_for(asyncio.gather(*(line(g) for g in gens)), budget)
    for gen in gens:
        await asyncio.wait_for(gen.proc.wait(), budget)
    busiest: dict[int, float] = {}
    for gen in gens:
        busiest[gen.core] = busiest.get(gen.core, 0.0) + gen.cpu[1] - gen.cpu[0]
    figures: dict[str, float] = {
        "server_cpu": (server[1] - server[0]) / seconds,
        "server_rss": float(rss),
        # The busiest generators' core: near 100 %, the generators (not the server) may be
        # what delays frames.
        "generator_cpu": max(busiest.values()) / seconds,
    }
    if shares is not None:
        figures.update({f"server_core_{name}": share for name, share in shares.items()})
    return [json.loads(out) for out in outputs], figures
