"""The embedded score store: best game per name, all time and today, kept across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from snakepit.storage import GameRecord, SqliteScoreStore

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def game(name: str, score: int, hours_ago: float = 0.0) -> GameRecord:
    return GameRecord(name, score, 3 + score, 0, "wall", NOW - timedelta(hours=hours_ago))


@pytest.fixture
def store(tmp_path):
    store = SqliteScoreStore(tmp_path / "scores.sqlite3")
    yield store
    store.close()


def test_the_list_holds_each_names_best_game_best_first(store):
    store.add([game("ann", 5), game("ann", 12), game("bob", 9), game("cy", 1)])
    assert [(r.name, r.score) for r in store.best()] == [("ann", 12), ("bob", 9), ("cy", 1)]


def test_today_only_counts_games_since_the_given_moment(store):
    store.add([game("ann", 50, hours_ago=30), game("ann", 4), game("bob", 9, hours_ago=2)])
    midnight = NOW.replace(hour=0)
    assert [(r.name, r.score) for r in store.best(since=midnight)] == [("bob", 9), ("ann", 4)]


def test_equal_scores_rank_the_earlier_game_first(store):
    store.add([game("late", 7, hours_ago=1), game("early", 7, hours_ago=5)])
    assert [r.name for r in store.best()] == ["early", "late"]


def test_the_limit_caps_the_list(store):
    store.add([game(f"p{i}", i) for i in range(20)])
    assert len(store.best(limit=10)) == 10


def test_games_survive_closing_and_reopening_the_file(tmp_path):
    path = tmp_path / "scores.sqlite3"
    first = SqliteScoreStore(path)
    first.add([game("ann", 5)])
    first.close()
    again = SqliteScoreStore(path)
    assert [r.name for r in again.best()] == ["ann"]
    assert again.integrity() == "ok"
    again.close()


def test_the_file_is_in_wal_mode(store):
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_record_keeps_every_field(store):
    record = GameRecord("zoë", 42, 45, 3, "head-on", NOW)
    store.add([record])
    assert store.best() == [record]
