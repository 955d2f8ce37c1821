"""Helpers for the replay tests: busy recorded games, and editing recordings' lines.

(Named ``replay_helpers`` so that it cannot clash with another test folder's helpers.)
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from pathlib import Path

from snakepit.client import Connection
from snakepit.engine import (
    DIRECTIONS,
    Intent,
    Join,
    Leave,
    TickReport,
    Turn,
    World,
    WorldConfig,
)
from snakepit.replay import DiskWriter, ReplayLibrary
from snakepit.replay.recording import FULL_EVERY

#: A small, crowded world where stones come and go quickly: everything happens often.
BUSY = WorldConfig(width=30, height=20, stone_interval=5, stone_ttl=60, corpse_ttl=40)


def busy_intents(world: World, rng: random.Random, refs: list[int]) -> list[Intent]:
    """What a crowd of players might send in one tick: turns (sometimes two for one snake),
    a leave now and then, and joins while there is room, every fourth one a bot's
    (negative ref, as the server's bots have)."""
    intents: list[Intent] = []
    for sid in list(world.snakes):
        roll = rng.random()
        if roll < 0.3:
            intents.append(Turn(sid, rng.choice(DIRECTIONS)))
            if roll < 0.05:
                intents.append(Turn(sid, rng.choice(DIRECTIONS)))
        elif roll < 0.31:
            intents.append(Leave(sid))
    if len(world.snakes) < 14 and rng.random() < 0.6:
        refs[0] += 1
        ref = -refs[0] if refs[0] % 4 == 0 else refs[0]
        intents.append(Join(ref, f"{'bot' if ref < 0 else 'player'}{refs[0]}"))
    return intents


def record_busy_game(folder: Path, ticks: int, *, seed: int = 11, driver_seed: int = 5,
                     keep: int = 0, full_every: int = FULL_EVERY,
                     ) -> tuple[Path, list[tuple[list[Intent], TickReport]]]:
    """Play ``ticks`` busy ticks in a recorded world the way the game loop does (step, then
    record); close the recording and wait for the disk. Returns the file and every tick's
    intents and report."""
    library = ReplayLibrary(folder, keep=keep, writer=DiskWriter())
    world = World(BUSY, seed=seed)
    recorder = library.start("busy", world, tick_rate=10, full_every=full_every)
    rng = random.Random(driver_seed)
    refs = [0]
    played = []
    for _ in range(ticks):
        intents = busy_intents(world, rng, refs)
        report = world.step(intents)
        recorder.record(report.tick, intents, world)
        played.append((intents, report))
    recorder.close()
    library.close()
    return recorder.path, played


def lines_of(path: Path) -> list[str]:
    return path.read_text().splitlines()


def rewrite_line(path: Path, number: int, change: Callable[[list], list]) -> None:
    """Replace line ``number`` (1-based; a tick line) by ``change`` of its JSON value."""
    lines = lines_of(path)
    lines[number - 1] = json.dumps(change(json.loads(lines[number - 1])),
                                   separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n")


def line_of_tick(path: Path, predicate: Callable[[list], bool]) -> int:
    """The number of the first tick line whose JSON value satisfies ``predicate``."""
    for number, line in enumerate(lines_of(path), start=1):
        if line.startswith("[") and predicate(json.loads(line)):
            return number
    raise AssertionError("no such tick line")


async def until(conn: Connection, kind: str, check: Callable[[object], bool] = lambda m: True,
                timeout: float = 15.0):
    """Receive until a message of type ``kind`` satisfying ``check`` arrives; return it."""

    async def wait():
        while True:
            message = await conn.receive()
            if type(message).__name__.lower() == kind and check(message):
                return message

    return await asyncio.wait_for(wait(), timeout)
