"""The top lists read from summary tables: the same lists as a query over every game, kept
up to date in the transaction that stores the games, built on opening an older file, and
no costlier to read however many games are stored."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snakepit.storage import GameRecord, SqliteScoreStore

DAY0 = datetime(2026, 11, 23, tzinfo=UTC)
MIDNIGHTS = [DAY0 + timedelta(days=d) for d in range(4)]  # three days of games, and the next
LIMITS = (1, 3, 10)

# The store's schema before the summary tables: what a file written by the old code holds.
OLD_SCHEMA = """
CREATE TABLE games (
    id       INTEGER PRIMARY KEY,
    name     TEXT    NOT NULL,
    score    INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    kills    INTEGER NOT NULL,
    cause    TEXT    NOT NULL,
    ended_at TEXT    NOT NULL
);
CREATE INDEX games_by_name_score ON games (name, score DESC);
CREATE INDEX games_by_time ON games (ended_at);
"""

# The oracle: the lists as the store computed them before the summary tables, from every
# game (best game per name: highest score, then earliest ended_at, then smallest id).
ORACLE = """
SELECT name, score, length, kills, cause, ended_at FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY score DESC, ended_at, id) AS rank
    FROM games WHERE ended_at >= ?
) WHERE rank = 1
ORDER BY score DESC, ended_at, name
LIMIT ?
"""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def oracle(db: sqlite3.Connection, limit: int, since: datetime | None) -> list[GameRecord]:
    rows = db.execute(ORACLE, (iso(since) if since else "", limit)).fetchall()
    return [GameRecord(n, s, le, k, c, datetime.fromisoformat(e)) for n, s, le, k, c, e in rows]


def assert_lists_match_the_oracle(store: SqliteScoreStore) -> None:
    for since in [None, *MIDNIGHTS, DAY0 + timedelta(days=1, hours=12, milliseconds=1)]:
        for limit in LIMITS:
            assert store.best(limit, since) == oracle(store._db, limit, since), (limit, since)


def assert_summaries_match_the_games(db: sqlite3.Connection) -> None:
    """Every name's best game of all time, and of each day, as computed from ``games``."""
    all_time = db.execute("""
        SELECT name, game_id FROM best_all_time ORDER BY name""").fetchall()
    assert all_time == db.execute("""
        SELECT name, id FROM (SELECT name, id, ROW_NUMBER() OVER (
            PARTITION BY name ORDER BY score DESC, ended_at, id) AS rank FROM games)
        WHERE rank = 1 ORDER BY name""").fetchall()
    by_day = db.execute("""
        SELECT day, name, game_id FROM best_by_day ORDER BY day, name""").fetchall()
    assert by_day == db.execute("""
        SELECT day, name, id FROM (SELECT substr(ended_at, 1, 10) AS day, name, id,
            ROW_NUMBER() OVER (PARTITION BY substr(ended_at, 1, 10), name
                               ORDER BY score DESC, ended_at, id) AS rank FROM games)
        WHERE rank = 1 ORDER BY day, name""").fetchall()
    copies = db.execute("""
        SELECT count(*) FROM best_all_time b JOIN games g ON g.id = b.game_id
        WHERE (b.name, b.score, b.length, b.kills, b.cause, b.ended_at)
            IS NOT (g.name, g.score, g.length, g.kills, g.cause, g.ended_at)""").fetchone()
    assert copies == (0,), "an entry differs from the game it names"


@contextmanager
def scratch_file() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory) / "scores.sqlite3"


def write_old_file(path: Path, games: list[GameRecord]) -> None:
    """A file as the store wrote it before the summary tables: ``games`` only."""
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.executemany(
            "INSERT INTO games (name, score, length, kills, cause, ended_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(g.name, g.score, g.length, g.kills, g.cause, iso(g.ended_at)) for g in games],
        )
    db.close()


# Few names and few scores, so that equal scores are common; moments over three days, with
# midnights and repeated moments, so that ties on ended_at and day boundaries are common.
moments = st.one_of(
    st.sampled_from(MIDNIGHTS[:3]),
    st.sampled_from([DAY0 + timedelta(hours=h) for h in (6, 23.5, 30, 47.999, 60)]),
    st.integers(0, 3 * 86_400_000 - 1).map(lambda ms: DAY0 + timedelta(milliseconds=ms)),
)
games = st.builds(
    GameRecord,
    name=st.sampled_from(["ann", "bob", "cy", "dee", "Eve", "ann "]),
    score=st.integers(0, 6),
    length=st.integers(3, 9),
    kills=st.integers(0, 2),
    cause=st.sampled_from(["wall", "self", "head-on"]),
    ended_at=moments,
)
batches = st.lists(st.lists(games, max_size=12), max_size=6)


@settings(max_examples=150, deadline=None)
@given(batches=batches)
def test_the_lists_are_those_of_the_query_over_every_game(batches):
    with scratch_file() as path:
        store = SqliteScoreStore(path)
        try:
            for batch in batches:
                store.add(batch)
            assert_lists_match_the_oracle(store)
            assert_summaries_match_the_games(store._db)
        finally:
            store.close()


@settings(max_examples=50, deadline=None)
@given(old=st.lists(games, max_size=40), new=batches)
def test_a_file_from_before_the_summaries_gives_the_same_lists(old, new):
    with scratch_file() as path:
        write_old_file(path, old)
        store = SqliteScoreStore(path)
        try:
            assert_lists_match_the_oracle(store)
            for batch in new:
                store.add(batch)
            assert_lists_match_the_oracle(store)
            assert_summaries_match_the_games(store._db)
        finally:
            store.close()


def game(name: str, score: int, ended_at: datetime = DAY0 + timedelta(hours=50)) -> GameRecord:
    return GameRecord(name, score, 3 + score, 0, "wall", ended_at)


def test_an_old_file_is_summarised_once_and_opens_again_unchanged(tmp_path):
    path = tmp_path / "scores.sqlite3"
    write_old_file(path, [game("ann", 5), game("ann", 9), game("bob", 7, DAY0)])
    first = SqliteScoreStore(path)
    lists = first.best(10), first.best(10, MIDNIGHTS[2])
    assert [(r.name, r.score) for r in lists[0]] == [("ann", 9), ("bob", 7)]
    assert [(r.name, r.score) for r in lists[1]] == [("ann", 9)]
    first.close()
    again = SqliteScoreStore(path)
    assert (again.best(10), again.best(10, MIDNIGHTS[2])) == lists
    assert_summaries_match_the_games(again._db)
    assert again.integrity() == "ok"
    again.close()


def test_opening_an_old_file_drops_the_index_nothing_reads_and_keeps_its_games(tmp_path):
    path = tmp_path / "scores.sqlite3"
    write_old_file(path, [game("ann", 5), game("bob", 7, DAY0)])
    store = SqliteScoreStore(path)
    indexes = {name for (name,) in store._db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'games'")}
    assert "games_by_name_score" not in indexes and "games_by_time" in indexes
    assert [(r.name, r.score) for r in store.best(10)] == [("bob", 7), ("ann", 5)]
    store.add([game("ann", 8)])
    assert [(r.name, r.score) for r in store.best(10)] == [("ann", 8), ("bob", 7)]
    assert store.integrity() == "ok"
    store.close()


def test_games_added_by_an_older_version_after_the_summaries_are_summarised_on_opening(
    tmp_path,
):
    path = tmp_path / "scores.sqlite3"
    SqliteScoreStore(path).close()
    with sqlite3.connect(path) as db:  # as the code before the summary tables would add it
        db.execute("INSERT INTO games (name, score, length, kills, cause, ended_at)"
                   " VALUES ('cy', 11, 14, 0, 'wall', ?)", (iso(DAY0),))
    db.close()
    store = SqliteScoreStore(path)
    assert [(r.name, r.score) for r in store.best()] == [("cy", 11)]
    assert_summaries_match_the_games(store._db)
    store.close()


@pytest.fixture
def store(tmp_path):
    store = SqliteScoreStore(tmp_path / "scores.sqlite3")
    yield store
    store.close()


def test_a_batch_that_fails_halfway_stores_nothing_of_itself(store):
    store.add([game("ann", 5), game("bob", 7)])
    before = store.best(10), store.best(10, MIDNIGHTS[2])
    broken = [game("ann", 50), game("cy", 3), GameRecord(None, 1, 4, 0, "wall", DAY0)]
    with pytest.raises(sqlite3.IntegrityError):
        store.add(broken)  # type: ignore[list-item]
    assert (store.best(10), store.best(10, MIDNIGHTS[2])) == before
    assert store._db.execute("SELECT count(*) FROM games").fetchone() == (2,)
    assert_summaries_match_the_games(store._db)
    store.add([game("cy", 3)])
    assert [r.name for r in store.best()] == ["bob", "ann", "cy"]


def test_a_failure_while_updating_the_lists_undoes_the_batchs_games_too(store):
    store.add([game("ann", 5)])
    store._db.execute("""
        CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.best_by_day WHEN NEW.name = 'boom'
        BEGIN SELECT RAISE(ABORT, 'refused'); END""")
    with pytest.raises(sqlite3.IntegrityError):
        store.add([game("ann", 50), game("boom", 1)])
    assert store._db.execute("SELECT count(*) FROM games").fetchone() == (1,)
    assert [(r.name, r.score) for r in store.best()] == [("ann", 5)]
    assert_summaries_match_the_games(store._db)


def steps(db: sqlite3.Connection, read) -> int:
    """How many SQLite virtual-machine instructions ``read()`` executes: work, not time."""
    count = 0

    def tick() -> int:
        nonlocal count
        count += 1
        return 0

    db.set_progress_handler(tick, 1)
    try:
        read()
    finally:
        db.set_progress_handler(None, 1)
    return count


def reading_work(store: SqliteScoreStore, today: datetime) -> tuple[int, int]:
    return (steps(store._db, lambda: store.best(10)),
            steps(store._db, lambda: store.best(10, today)))


def test_reading_the_lists_does_not_cost_more_as_games_accumulate(tmp_path):
    """All time and today (since today's midnight, the latest day) are read from the
    summaries: the same work for 200 games as for 20,000."""
    today = MIDNIGHTS[2]
    work = []
    for players, games_each in ((50, 4), (5_000, 4)):
        store = SqliteScoreStore(tmp_path / f"{players}.sqlite3")
        store.add([
            game(f"p{p}", (p * 7 + g) % 97, DAY0 + timedelta(minutes=(p * 13 + g * 997) % 4320))
            for p in range(players) for g in range(games_each)
        ])
        work.append(reading_work(store, today))
        store.close()
    (few_all, few_today), (many_all, many_today) = work
    assert many_all <= few_all * 1.2
    assert many_today <= few_today * 1.2
