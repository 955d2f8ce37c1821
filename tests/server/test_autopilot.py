"""Autopilot players (used by the benchmark) really play: they join, eat and re-join."""

from __future__ import annotations

import asyncio

from snakepit.client.pilot import fly

from .playing import until


async def test_autopilot_players_join_score_and_come_back_after_dying(server, hub, connect):
    watcher = await connect("Watcher")
    url = str(server.make_url("/ws"))
    pilots = asyncio.gather(*(fly(url, f"pilot{i}", 4.0) for i in range(4)))
    names = set()
    scored = False
    while not pilots.done():
        frame = await until(watcher, "frame")
        names |= {s.name for s in frame.spawns}
        scored = scored or bool(frame.scores)
    await pilots
    assert names == {f"pilot{i}" for i in range(4)}
    assert scored
