"""How a server process runs Python's garbage collector, so that its pauses stay short.

A tick never waits for a client, but it does wait for the collector: every collection
stops the whole loop. With thousands of connections the defaults made it stop for long:
full collections every 20 s or so, and middle-generation ones, which walk every connection
made since the last one, of 40-90 ms (docs/performance-log.md, the section of 4 December
2026). Two settings keep the pauses short without collecting less garbage:

- :func:`tune` (before anything is built): the youngest generation is collected every
  2,000 allocations, not 700; the middle one every 10 young collections, so that it walks
  a few seconds' worth of new connections at a time instead of a minute's; the oldest one
  only every 100 middle collections (and, as always, only once it has grown by a quarter).
  Snakes live seconds and die before they are promoted.
- :func:`freeze_startup` (once the server is up): what exists then (modules, classes,
  functions, the application) lives as long as the process, so it is moved out of the
  collector's sight, and a full collection walks only what came after.
"""

from __future__ import annotations

import gc

#: Allocations between young collections; young collections between middle ones; middle
#: collections between full ones.
THRESHOLDS = (2000, 10, 100)


def tune() -> None:
    """Set the collector's thresholds for a long-running server with many connections."""
    gc.set_threshold(*THRESHOLDS)


def freeze_startup() -> None:
    """Collect once, then take every object alive now out of future collections (they
    are never freed: call this only for what lives as long as the process)."""
    gc.collect()
    gc.freeze()
