"""A game from join to death and back, as real clients over a real socket see it."""

from __future__ import annotations

import aiohttp

from .playing import play, safe_directions, toward_digit, toward_wall, until


async def test_join_puts_a_snake_of_length_three_in_every_clients_frames(connect):
    alice = await connect("Alice")
    bob = await connect("Bob")
    snake_id = await play(alice)
    await until(bob, "frame", lambda f: any(s.id == snake_id for s in f.spawns))
    assert bob.view.snakes[snake_id].name == "Alice"
    assert len(bob.view.snakes[snake_id].body) == 3


async def test_a_turn_changes_the_snakes_heading_in_the_next_ticks(connect):
    conn = await connect("Turner")
    snake_id = await play(conn)
    snake = conn.view.snakes[snake_id]
    turn = next(d for d in safe_directions(conn.view, snake_id) if d != snake.dir)
    await conn.turn(turn)
    await until(conn, "frame", lambda f: conn.view.snakes[snake_id].dir == turn, timeout=5)


async def test_views_of_all_clients_agree_tick_by_tick(connect):
    """The delta frames rebuild the same world on every client."""
    alice = await connect("Alice")
    bob = await connect("Bob")
    a = await play(alice)
    b = await play(bob)
    await until(alice, "frame", lambda f: b in alice.view.snakes)
    for _ in range(10):
        await until(alice, "frame")
    target = alice.view.tick
    await until(bob, "frame", lambda f: bob.view.tick >= target)
    assert bob.view.tick == target
    assert {k: v.body for k, v in bob.view.snakes.items()} == {
        k: v.body for k, v in alice.view.snakes.items()
    }
    assert bob.view.digits == alice.view.digits
    assert a in bob.view.snakes


async def test_eating_a_digit_scores_it_and_grows_the_snake(connect):
    """Seek digits until one is eaten and the snake lives through its growth; the score goes
    up by the digit and the body grows by as many cells (one per tick)."""
    conn = await connect("Eater")
    for _game in range(20):
        snake_id = await play(conn)
        eaten = await seek_and_eat(conn, snake_id)
        if eaten is None:
            continue
        length = len(conn.view.snakes[snake_id].body)
        for _ in range(eaten):
            await until(conn, "frame")
            if snake_id not in conn.view.snakes:
                break
            steer_safely = safe_directions(conn.view, snake_id)
            if steer_safely and conn.view.snakes[snake_id].dir not in steer_safely:
                await conn.turn(steer_safely[0])
        else:
            assert conn.view.snakes[snake_id].score == eaten
            assert len(conn.view.snakes[snake_id].body) == length + eaten == 3 + eaten
            return
    raise AssertionError("no snake lived long enough to eat and grow in 20 games")


async def seek_and_eat(conn, snake_id: int) -> int | None:
    """Steer toward digits until the snake eats one (its value) or dies (None)."""
    while True:
        frame = await until(conn, "frame")
        if snake_id not in conn.view.snakes:
            return None
        score = dict(frame.scores).get(snake_id)
        if score is not None:
            return score
        direction = toward_digit(conn.view, snake_id)
        if direction is not None and direction != conn.view.snakes[snake_id].dir:
            await conn.turn(direction)


async def test_crashing_into_the_wall_ends_the_game_and_play_again_starts_another(connect):
    conn = await connect("Crasher")
    snake_id = await play(conn)
    await conn.turn(toward_wall(conn.view, snake_id))
    died = await until(conn, "died", timeout=15)
    assert died.cause == "wall"
    assert died.killer is None
    assert died.length == 3
    assert died.score == 0
    # Playing again needs no new connection and no new hello.
    second = await play(conn)
    assert second != snake_id
    assert conn.view.snakes[second].name == "Crasher"


async def test_a_finished_game_reaches_the_top_scores_of_every_client(connect, server):
    player = await connect("Scorer")
    watcher = await connect("Watcher")
    snake_id = await play(player)
    await player.turn(toward_wall(player.view, snake_id))
    await until(player, "died")
    top = await until(watcher, "topscores", lambda t: any(e.name == "Scorer" for e in t.all_time))
    assert any(e.name == "Scorer" and e.cause == "wall" for e in top.today)
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/api/top-scores")) as response:
            assert response.status == 200
            body = await response.json()
    assert any(e["name"] == "Scorer" for e in body["all_time"])


async def test_a_full_named_arena_answers_join_with_a_clear_message(connect, hub):
    hub.arenas.max_players = 2
    one, two, three = [await connect(name, arena="small") for name in ("One", "Two", "Three")]
    await play(one)
    await play(two)
    await three.join()
    error = await until(three, "error")
    assert error.code == "world-full"
    assert "full" in error.message
    # The refused client still watches the arena.
    await until(three, "frame")


async def test_a_player_who_disconnects_leaves_the_world(connect):
    leaver = await connect("Leaver")
    watcher = await connect("Watcher")
    snake_id = await play(leaver)
    await until(watcher, "frame", lambda f: snake_id in watcher.view.snakes)
    await leaver.close()
    frame = await until(watcher, "frame", lambda f: any(d[0] == snake_id for d in f.deaths))
    assert (snake_id, "left", None) in frame.deaths
