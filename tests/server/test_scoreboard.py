"""Top scores: every game is saved; the lists are sent to clients only when they change."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

from snakepit.engine import Cause, Death
from snakepit.server import scoreboard as scoreboard_module
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


class LockedStore(SqliteScoreStore):
    """A store whose file is "locked by another program" until ``unlock()``."""

    def __init__(self, path) -> None:
        super().__init__(path)
        self.locked = True
        self.attempts = 0

    def add(self, records) -> None:
        self.attempts += 1
        if self.locked:
            raise sqlite3.OperationalError("database is locked")
        super().add(records)


async def test_games_refused_by_a_locked_database_are_kept_and_written_once_it_is_free(
        tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(scoreboard_module, "RETRY_INTERVAL", 0.2)
    path = tmp_path / "scores.sqlite3"
    store = LockedStore(path)
    board = Scoreboard(store, limit=10)
    await board.start()
    try:
        board.record(death("patient", 42))
        async def failed_for_a_while() -> None:
            while store.attempts < 6:  # two rounds of bounded retries
                await asyncio.sleep(0.02)
        await asyncio.wait_for(failed_for_a_while(), 10)
        assert await saved_games(path) == 0
        assert "scores not saved yet games=1" in caplog.text
        board.record(death("later", 7))  # the game goes on meanwhile
        store.locked = False
        await wait_for_games(path, 2)
        assert "score lost" not in caplog.text
    finally:
        await board.stop()


async def test_games_the_database_never_takes_are_reported_lost_one_by_one_at_stop(
        tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(scoreboard_module, "RETRY_INTERVAL", 0.1)
    store = LockedStore(tmp_path / "scores.sqlite3")
    board = Scoreboard(store, limit=10)
    await board.start()
    board.record(death("unlucky", 5))
    board.record(death("unluckier", 3))
    await asyncio.sleep(0.5)
    await board.stop()
    lost = [r.getMessage() for r in caplog.records if "score lost" in r.getMessage()]
    assert len(lost) == 2
    assert any("'unlucky' score=5" in line for line in lost)
