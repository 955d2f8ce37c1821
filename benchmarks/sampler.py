"""Run ``python -m snakepit ARGS`` under a CPU-time sampler: where the server's time goes.

A ``SIGPROF`` timer fires every millisecond of the process's CPU time (user and kernel, so
the system calls of a socket write count against the line that made them; the kernel
delivers it at its own tick, every 4 ms here) and the handler counts the Python stack it
interrupted. At exit the counts go to ``$SNAKEPIT_SAMPLES`` as folded stacks (one
``frame;frame;frame count`` line per stack, the format flame-graph tools read), with the
garbage collector's time per generation on stderr. Unlike cProfile it adds no cost per
call, so the shares come out as they are. ``benchmarks/fixed_load.py --sample FILE`` runs
the server this way and prints the heaviest functions. ``SIGUSR1`` throws away what was
counted so far (and starts counting again, if ``SIGUSR2`` had stopped it); ``SIGUSR2``
stops counting: ``fixed_load.py`` sends them as its measured window begins and ends, so
that start-up and goodbyes are not in the counts.

    SNAKEPIT_SAMPLES=/tmp/out.folded .venv/bin/python benchmarks/sampler.py serve --port 0
"""

from __future__ import annotations

import atexit
import collections
import gc
import os
import runpy
import signal
import sys
import time
from types import FrameType

_stacks: collections.Counter[str] = collections.Counter()
_gc: dict[int, list[float]] = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
_gc_began = [0.0]
#: Process CPU time when counting (last) began, and when it stopped (0.0: still counting).
_began = [0.0, 0.0]


def _sample(signum: int, frame: FrameType | None) -> None:
    names = []
    while frame is not None:
        code = frame.f_code
        names.append(f"{os.path.basename(code.co_filename)}:{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    _stacks[";".join(reversed(names))] += 1


def _collecting(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_began[0] = time.process_time()
    elif not _began[1]:  # not stopped
        figures = _gc[info["generation"]]
        figures[0] += 1
        figures[1] += time.process_time() - _gc_began[0]


def _afresh(signum: int, frame: FrameType | None) -> None:
    _stacks.clear()
    for figures in _gc.values():
        figures[:] = [0, 0.0]
    _began[0] = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)


def _stop(signum: int, frame: FrameType | None) -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)
    _began[1] = time.process_time()


def _dump() -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)
    with open(os.environ.get("SNAKEPIT_SAMPLES", "samples.folded"), "w") as out:
        out.writelines(f"{stack} {count}\n" for stack, count in _stacks.items())
    collections_ = ", ".join(f"gen{g}: {int(n)} in {s:.3f} s" for g, (n, s) in _gc.items())
    counted = (_began[1] or time.process_time()) - _began[0]
    print(f"sampler: {counted:.2f} s CPU counted; collector {collections_}", file=sys.stderr)


def main() -> None:
    atexit.register(_dump)
    gc.callbacks.append(_collecting)
    signal.signal(signal.SIGPROF, _sample)
    signal.signal(signal.SIGUSR1, _afresh)
    signal.signal(signal.SIGUSR2, _stop)
    signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)
    sys.argv = ["snakepit", *sys.argv[1:]]
    runpy.run_module("snakepit", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
