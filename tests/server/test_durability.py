"""A score acknowledged is a score kept: ``saved`` comes only after COMMIT, and survives
``kill -9`` in the middle of play, however many games are in flight."""

from __future__ import annotations

import asyncio
import signal
import sqlite3

import aiohttp

from snakepit.client import Connection

from .playing import play, toward_wall, until
from .test_serve_command import get_json, spawn_server  # noqa: F401 -- a fixture


async def test_a_player_hears_saved_after_died_once_the_game_is_committed(connect, hub):
    conn = await connect("Ada")
    sid = await play(conn)
    await conn.turn(toward_wall(conn.view, sid))
    died = await until(conn, "died")
    saved = await until(conn, "saved")
    assert saved.score == died.score
    assert "Ada" in {r.name for r in hub.store.best(limit=100)}


async def crash_again_and_again(url: str, name: str, acked: dict[str, int]) -> None:
    """Play short games into the wall until the server goes away; note every acknowledged
    score (the best per name, as the top lists keep)."""
    try:
        async with await Connection.open(url) as conn:
            await conn.hello(name)
            while True:
                sid = await play(conn)
                if sid in conn.view.snakes:
                    await conn.turn(toward_wall(conn.view, sid))
                await until(conn, "died")
                saved = await until(conn, "saved")
                acked[name] = max(acked.get(name, -1), saved.score)
    except (ConnectionError, aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return  # the server was killed under us


async def test_every_acknowledged_score_survives_repeated_kill_9_with_games_in_flight(
        spawn_server, tmp_path):  # noqa: F811
    data = tmp_path / "data"
    acked: dict[str, int] = {}
    names = [f"Crash{i}" for i in range(8)]
    for _ in range(3):
        server = spawn_server("--data-dir", str(data), "--tick-rate", "50", "--bots", "0",
                              "--max-per-address", "0")
        players = [asyncio.create_task(crash_again_and_again(server.ws_url, n, acked))
                   for n in names]
        await asyncio.sleep(2.0)  # dozens of games end, some are being written right now
        server.stop(signal.SIGKILL)
        await asyncio.wait_for(asyncio.gather(*players), 30)

        with sqlite3.connect(data / "scores.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(acked) == len(names), "every player had games acknowledged"

    restarted = spawn_server("--data-dir", str(data), "--bots", "0")
    top = await get_json(restarted.url + "api/top-scores")
    best = {entry["name"]: entry["score"] for entry in top["all_time"]}
    for name, score in acked.items():
        assert best.get(name, -1) >= score, f"{name}'s acknowledged {score} is gone"
