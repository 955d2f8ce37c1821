"""Server bots: they fill quiet arenas, make way for people, and never enter the top scores."""

from __future__ import annotations

import aiohttp
import pytest

from snakepit.settings import Settings

from .playing import play, until


@pytest.fixture
def settings(tmp_path, request) -> Settings:
    """Arenas of 4 filled with 3 easy bots (a test may ask for other values)."""
    values = {"bots": 3, "max_players": 4, "bot_level": "easy"}
    values.update(getattr(request, "param", {}))
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, **values)


def bots_in(conn) -> list[int]:
    return sorted(s.id for s in conn.view.snakes.values() if s.bot)


def people_in(conn) -> list[int]:
    return sorted(s.id for s in conn.view.snakes.values() if not s.bot)


async def frames_until(conn, check, timeout: float = 15.0):
    """Receive frames until ``check()`` (which reads ``conn.view``) holds."""
    return await until(conn, "frame", lambda _: check(), timeout)


async def test_a_spectator_alone_sees_the_arena_filled_with_bots(connect):
    watcher = await connect("Watcher")
    await frames_until(watcher, lambda: len(bots_in(watcher)) == 3)
    assert all(s.name.startswith("bot ") for s in watcher.view.snakes.values())


async def test_bots_make_way_as_people_join_and_come_back_when_they_leave(connect):
    ada = await connect("Ada")
    await frames_until(ada, lambda: len(bots_in(ada)) == 3)
    await play(ada)
    await frames_until(ada, lambda: len(bots_in(ada)) == 2 and len(people_in(ada)) == 1)
    bob = await connect("Bob")
    await play(bob)
    await frames_until(ada, lambda: len(bots_in(ada)) == 1 and len(people_in(ada)) == 2)
    await bob.close()
    await frames_until(ada, lambda: len(bots_in(ada)) == 2 and len(people_in(ada)) == 1)


@pytest.mark.parametrize("settings", [{"bots": 4}], indirect=True)
async def test_a_person_takes_a_bots_place_in_a_world_full_of_snakes(connect):
    ada = await connect("Ada")
    await frames_until(ada, lambda: len(bots_in(ada)) == 4)
    sid = await play(ada)  # no "world-full": a bot left for her
    assert sid in ada.view.snakes and len(ada.view.snakes) <= 4


async def test_bots_never_enter_the_top_scores(connect, hub):
    watcher = await connect("Watcher")
    ada = await connect("Ada")
    await frames_until(watcher, lambda: len(bots_in(watcher)) == 3)
    await play(ada)
    await frames_until(watcher, lambda: len(bots_in(watcher)) == 2)  # one bot left: a game over
    await ada.close()
    await hub.finish_games()  # every snake still in play ends its game and is recorded
    await hub.scoreboard.stop()  # every queued game is written
    assert {record.name for record in hub.store.best(limit=100)} == {"Ada"}


async def test_the_arena_list_counts_people_and_bots_apart(connect, server):
    ada = await connect("Ada")
    await play(ada)
    await frames_until(ada, lambda: len(bots_in(ada)) == 2)
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/api/arenas")) as response:
            (arena,) = (await response.json())["arenas"]
    assert (arena["players"], arena["bots"]) == (1, 2)


async def test_matchmaking_treats_an_arena_of_bots_as_having_room(connect):
    ada = await connect("Ada")
    await frames_until(ada, lambda: len(bots_in(ada)) == 3)
    others = [await connect(name) for name in ("Bob", "Cy", "Di")]
    assert {c.welcome.arena for c in others} == {"pit-1"}


@pytest.mark.parametrize("settings", [{"bots": 2}], indirect=True)
async def test_bots_that_come_back_see_the_world_as_it_is_now(connect, hub):
    """While people alone play, the bots' shared view is not kept (no frame is built for
    it); the bot that comes back when one of them leaves starts from the world as it is."""
    ada, bob = await connect("Ada"), await connect("Bob")
    await play(ada)
    await play(bob)
    await frames_until(ada, lambda: not bots_in(ada) and len(people_in(ada)) == 2)
    runner = next(iter(hub.arenas.runners.values()))
    since = runner.world.tick
    await frames_until(ada, lambda: ada.view.tick > since + 10)
    assert runner.bots.stale
    await bob.close()
    await frames_until(ada, lambda: len(bots_in(ada)) == 1)
    await frames_until(ada, lambda: ada.view.tick > since + 20)
    view, world = runner.bots.view, runner.world
    assert not runner.bots.stale
    assert view.tick == world.tick
    assert sorted(view.snakes) == sorted(world.snakes)
    assert {sid: s.body[0] for sid, s in view.snakes.items()} == \
        {sid: s.body[0] for sid, s in world.snakes.items()}
