"""Top scores: every game is saved; the lists are sent to clients only when they change."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from snakepit.engine import Cause, Death
from snakepit.server.scoreboard import Scoreboard
from snakepit.storage import GameRecord, SqliteScoreStore


def death(name: str, score: int) -> Death:
    return Death(snake_id=1, name=name, cause=Cause.WALL, killer_id=None, killer_name=None,
                 score=score, length=3, kills=0, ticks_alive=10)


async def saved_games(path) -> int:
    reader = SqliteScoreStore(path)
    try:
        return len(reader.best(limit=1000))
    finally:
        reader.close()


async def wait_for_games(path, count: int) -> None:
    async def poll() -> None:
        while await saved_games(path) < count:
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), 10)


async def test_a_game_that_enters_no_list_is_saved_but_not_broadcast(tmp_path):
    path = tmp_path / "scores.sqlite3"
    store = SqliteScoreStore(path)
    now = datetime.now(UTC)
    store.add([GameRecord(f"best{i}", 100 + i, 3, 0, "wall", now) for i in range(10)])
    sent: list[bytes] = []
    board = Scoreboard(store, limit=10, on_change=sent.append)
    await board.start()
    try:
        board.record(death("meek", 1))
        await wait_for_games(path, 11)
        await asyncio.sleep(0.2)
        assert sent == []
        board.record(death("champion", 500))
        async def broadcast() -> None:
            while not sent:
                await asyncio.sleep(0.02)
        await asyncio.wait_for(broadcast(), 10)
        assert b"champion" in sent[-1]
        assert board.lists.all_time[0].name == "champion"
    finally:
        await board.stop()


async def test_games_still_queued_at_stop_are_written(tmp_path):
    path = tmp_path / "scores.sqlite3"
    board = Scoreboard(SqliteScoreStore(path), limit=10)
    await board.start()
    for i in range(5):
        board.record(death(f"late{i}", i))
    await board.stop()
    assert await saved_games(path) == 5
