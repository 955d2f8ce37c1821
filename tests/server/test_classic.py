"""The 2016 protocol at /connect: the original page and its robots play in our arenas.

The classic client below is written from the protocol's description alone (JSON lists over
a WebSocket), not from the server's code: it keeps the grid, the players and its own id,
and steers with arrow key codes.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from snakepit.engine import Direction, Join, Turn, World, WorldConfig
from snakepit.protocol import frames as wire
from snakepit.protocol.classic import encode_commands
from snakepit.server.classic import ClassicClient
from snakepit.settings import Settings

from .playing import play, until

LEFT, UP, RIGHT, DOWN = 37, 38, 39, 40
STEPS = {LEFT: (-1, 0), UP: (0, -1), RIGHT: (1, 0), DOWN: (0, 1)}
WIDTH, HEIGHT = 24, 16

Command = list[Any]


@pytest.fixture
def settings(tmp_path, request) -> Settings:
    # A small world: digits and walls are never far away.
    values = {"width": WIDTH, "height": HEIGHT}
    values.update(getattr(request, "param", {}))
    return Settings(data_dir=tmp_path / "data", tick_rate=50, seed=7, port=0, bots=0, **values)


class Classic:
    """A client of the 2016 protocol, from its description."""

    def __init__(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse):
        self.http, self.ws = http, ws
        self.name: str | None = None
        self.my_id: int | None = None
        self.grid: list[list[list[Any]]] = []
        #: id -> [name, color, score] of the snakes in play.
        self.players: dict[int, list[Any]] = {}
        self.top: list[list[Any]] | None = None
        self.errors: list[str] = []
        self.pongs: list[Any] = []
        #: Where our head was at each tick message we saw while playing, oldest first.
        self.heads: list[tuple[int, int]] = []
        #: What each of our heads' cells held just before the head got there.
        self.under_head: str = " "

    async def send(self, value: Any) -> None:
        await self.ws.send_str(json.dumps(value))

    async def receive(self) -> list[Command]:
        """One message: a list of commands, each applied in order."""
        raw = await asyncio.wait_for(self.ws.receive(), 10)
        assert raw.type is aiohttp.WSMsgType.TEXT, (raw.type, raw.data, raw.extra)
        commands = json.loads(raw.data)
        assert isinstance(commands, list) and all(isinstance(c, list) for c in commands)
        for command in commands:
            self.apply(command)
        if any(c[0] == "render" for c in commands) and self.playing:
            head = self.head()
            if head is not None and (not self.heads or self.heads[-1] != head):
                self.heads.append(head)
        return commands

    def apply(self, command: Command) -> None:
        kind, args = command[0], command[1:]
        if kind == "handshake":
            self.name, self.my_id = args
        elif kind == "world":
            self.grid = [[list(cell) for cell in row] for row in args[0]]
        elif kind == "reset_world":
            self.grid = [[[" ", 0] for _cell in row] for row in self.grid]
        elif kind == "render":
            x, y, char, color = args
            if char == "%" and self.playing and color == self.players[self.my_id][1]:
                self.under_head = self.grid[y][x][0]
            self.grid[y][x] = [char, color]
        elif kind == "p_joined":
            self.players[args[0]] = list(args[1:])
        elif kind == "p_gameover":
            self.players.pop(args[0], None)
            if args[0] == self.my_id:
                self.heads = []
        elif kind == "p_score":
            self.players[args[0]][2] = args[1]
        elif kind == "top_scores":
            self.top = args[0]
        elif kind == "error":
            self.errors.append(args[0])
        elif kind == "pong":
            self.pongs.append(args[0])
        else:
            raise AssertionError(f"unknown command {command}")

    async def until(self, check: Callable[[Command], bool], timeout: float = 10) -> Command:
        """Receive until a command satisfying ``check`` arrives; return it."""

        async def wait() -> Command:
            while True:
                for command in await self.receive():
                    if check(command):
                        return command

        return await asyncio.wait_for(wait(), timeout)

    async def tick(self) -> None:
        """Receive until the next message that moves something on the board."""
        await self.until(lambda c: c[0] == "render")

    @property
    def playing(self) -> bool:
        return self.my_id in self.players

    def cells(self, char: str, color: int | None = None) -> list[tuple[int, int]]:
        return [(x, y) for y, row in enumerate(self.grid) for x, (c, k) in enumerate(row)
                if c == char and (color is None or k == color)]

    def head(self) -> tuple[int, int] | None:
        heads = self.cells("%", self.players[self.my_id][1]) if self.playing else []
        return heads[0] if len(heads) == 1 else None

    def free(self, x: int, y: int) -> bool:
        inside = 0 <= y < len(self.grid) and 0 <= x < len(self.grid[0])
        return inside and self.grid[y][x][0] in " 123456789"

    def keys_to_free_cells(self) -> list[int]:
        x, y = self.head() or (-1, -1)
        return [key for key, (dx, dy) in STEPS.items() if self.free(x + dx, y + dy)]

    async def join(self) -> int:
        """Join and wait for our snake on the board; return its id."""
        await self.send(["join"])
        # A handshake tells us our new id; the p_joined with that id is our snake.
        await self.until(lambda c: c[0] == "p_joined" and c[1] == self.my_id)
        assert self.head() is not None
        self.heads = [self.head()]
        return self.my_id

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()


@pytest.fixture
async def classic(server):
    """Open classic connections to /connect (saying new_player if given a name)."""
    opened: list[Classic] = []

    async def open_(name: str | None = None) -> Classic:
        http = aiohttp.ClientSession()
        client = Classic(http, await http.ws_connect(server.make_url("/connect")))
        opened.append(client)
        if name is not None:
            await client.send(["new_player", name])
            await client.until(lambda c: c[0] == "top_scores")
        return client

    yield open_
    for client in opened:
        await client.close()


def heading(client: Classic) -> tuple[int, int] | None:
    if len(client.heads) < 2:
        return None
    (x0, y0), (x1, y1) = client.heads[-2:]
    return x1 - x0, y1 - y0


# -- joining ---------------------------------------------------------------------------------


async def test_new_player_gets_handshake_world_top_scores_and_every_live_snake(classic, connect):
    modern = await connect("Modern")
    modern_id = await play(modern)
    client = await classic()
    await client.send(["new_player", "Old School", "ignored third element"])
    seen: list[str] = []
    while not {"handshake", "world", "top_scores", "p_joined"} <= set(seen):
        seen += [c[0] for c in await client.receive()]
    assert seen.index("handshake") < seen.index("world")
    assert client.name == "Old School" and isinstance(client.my_id, int)
    assert len(client.grid) == HEIGHT and all(len(row) == WIDTH for row in client.grid)
    assert all(isinstance(c, str) and len(c) == 1 and isinstance(k, int)
               for row in client.grid for c, k in row)
    assert any(client.cells(digit) for digit in "123456789"), "the world has digits"
    name, color, score = client.players[modern_id]
    assert (name, score) == ("Modern", 0) and 1 <= color <= 6
    assert len(client.cells("%", color)) == 1, "the modern snake's head is drawn"
    assert isinstance(client.top, list)


async def test_names_are_validated_like_any_other(classic):
    client = await classic()
    await client.send(["new_player", "\u202eevil"])
    await client.until(lambda c: c[0] == "error")
    assert "U+202E" in client.errors[-1]
    await client.send(["new_player", "  Fine   Name "])
    await client.until(lambda c: c[0] == "handshake")
    assert client.name == "Fine Name"


async def test_join_puts_our_snake_on_the_board_with_our_id(classic):
    client = await classic("Joiner")
    snake_id = await client.join()
    name, color, score = client.players[snake_id]
    assert (name, score) == ("Joiner", 0) and 1 <= color <= 6
    await client.tick()
    assert len(client.cells("%", color)) == 1
    assert client.cells("@", color) or client.cells("*", color), "a body behind the head"


# -- playing ---------------------------------------------------------------------------------


async def test_arrow_key_codes_steer_the_head(classic):
    client = await classic("Steerer")
    await client.join()
    while heading(client) is None:
        await client.tick()
    going = heading(client)
    key = next(k for k in client.keys_to_free_cells() if STEPS[k] != going)
    await client.send(key)
    for _ in range(5):
        await client.tick()
        if heading(client) == STEPS[key]:
            return
    raise AssertionError(f"the head never went {STEPS[key]} after key {key}")


async def test_eating_a_digit_scores_it(classic):
    """Steer toward the nearest digit until one is eaten: p_score says our new score, which
    is the digit that was under our head."""
    client = await classic("Eater")
    for _game in range(10):
        snake_id = await client.join()
        sent = None
        while client.playing:
            commands = await client.receive()
            scored = [c for c in commands if c[0] == "p_score" and c[1] == snake_id]
            if scored:
                assert scored[-1][2] == int(client.under_head) == client.players[snake_id][2]
                return
            key = toward_nearest_digit(client)
            if key is not None and key != sent:
                await client.send(key)
                sent = key
    raise AssertionError("no snake ate a digit in 10 games")


def toward_nearest_digit(client: Classic) -> int | None:
    head = client.head()
    digits = [cell for d in "123456789" for cell in client.cells(d)]
    keys = client.keys_to_free_cells()
    if head is None or not digits or not keys:
        return None
    x, y = head
    tx, ty = min(digits, key=lambda c: abs(c[0] - x) + abs(c[1] - y))
    return min(keys, key=lambda k: abs(tx - x - STEPS[k][0]) + abs(ty - y - STEPS[k][1]))


async def test_running_into_the_wall_ends_the_game_and_join_starts_another(classic):
    client = await classic("Crasher")
    first = await client.join()
    color = client.players[first][1]
    x, y = client.head()
    gaps = {LEFT: x, RIGHT: WIDTH - 1 - x, UP: y, DOWN: HEIGHT - 1 - y}
    for key in sorted(gaps, key=gaps.get):
        if key in client.keys_to_free_cells():
            await client.send(key)
            break
    await client.until(lambda c: c[0] == "p_gameover" and c[1] == first)
    assert first not in client.players
    assert client.cells("%", color) == [], "our head is gone from the board"
    second = await client.join()
    assert second != first and client.my_id == second
    assert client.players[second][0] == "Crasher"


# -- with modern clients ---------------------------------------------------------------------


async def test_classic_and_modern_players_see_each_other_in_one_arena(classic, connect):
    modern = await connect("Modern")
    modern_id = await play(modern)
    client = await classic("Classic")
    assert modern_id in client.players
    classic_id = await client.join()

    # The modern client sees the classic player as a snake, by the same id.
    await until(modern, "frame", lambda f: classic_id in modern.view.snakes)
    assert modern.view.snakes[classic_id].name == "Classic"

    # The classic client draws the modern snake where the modern client says it is.
    await client.tick()
    color = client.players[modern_id][1]
    assert color != client.players[classic_id][1]
    assert len(client.cells("%", color)) == 1

    # Classic steering shows in modern frames (a turn toward a wall), and so does the
    # classic snake's death there.
    names = {LEFT: "left", UP: "up", RIGHT: "right", DOWN: "down"}
    x, y = client.head()
    gaps = {LEFT: x, RIGHT: WIDTH - 1 - x, UP: y, DOWN: HEIGHT - 1 - y}
    going = modern.view.snakes[classic_id].dir
    key = min((k for k in client.keys_to_free_cells() if names[k] != going), key=gaps.get)
    await client.send(key)
    turned = False

    def died(frame) -> bool:
        nonlocal turned
        snake = modern.view.snakes.get(classic_id)
        turned = turned or (snake is not None and snake.dir == names[key])
        return any(death[0] == classic_id for death in frame.deaths)

    await until(modern, "frame", died)
    assert turned
    await client.until(lambda c: c[0] == "p_gameover" and c[1] == classic_id)


@pytest.mark.parametrize("settings", [{"max_players": 1}], indirect=True)
async def test_a_classic_client_moved_to_another_arena_gets_a_fresh_world(classic, connect):
    """One snake per arena: the classic client watches the modern player's arena; when it
    joins, the server moves it to an arena with room: reset_world, the new world, and only
    the new arena's players."""
    watcher = await classic("Mover")
    modern = await connect("Modern")
    modern_id = await play(modern)
    await watcher.until(lambda c: c[0] == "p_joined" and c[1] == modern_id)
    await watcher.send(["join"])
    seen: list[str] = []
    while "world" not in seen:
        seen += [c[0] for c in await watcher.receive()]
    assert "reset_world" in seen and seen.index("reset_world") < seen.index("world")
    assert len(watcher.grid) == HEIGHT
    assert modern_id not in watcher.players, "the players of the old arena are gone"
    await watcher.until(lambda c: c[0] == "p_joined" and c[1] == watcher.my_id)
    assert watcher.players[watcher.my_id][0] == "Mover"


# -- the translation, tick by tick ----------------------------------------------------------


def test_renders_turn_each_world_into_the_next_through_a_busy_game():
    """Over a game with joins, turns, meals, deaths, corpses and stones, the world plus
    every tick's renders is always the world a newcomer would get, and p_joined /
    p_gameover keep the players list equal to the snakes alive."""
    world = World(WorldConfig(width=20, height=12, stone_interval=5, stone_ttl=30,
                              corpse_ttl=20), seed=3)
    rng = random.Random(5)
    watcher = ClassicClient(1, None, "test", 1 << 20)
    grid, players = None, {}
    seen: Counter[str] = Counter()
    for command in sent(watcher, wire.snapshot(world)):
        grid, players = apply_to(command, grid, players)
    for tick in range(300):
        intents = [Turn(sid, rng.choice(list(Direction))) for sid in world.snakes
                   if rng.random() < 0.3]
        if len(world.snakes) < 4 and rng.random() < 0.3:
            intents.append(Join(tick, f"p{tick}"))
        report = world.step(intents)
        for command in sent(watcher, wire.frame(report, world, 0)):
            seen[command[0]] += 1
            grid, players = apply_to(command, grid, players)
        newcomer = ClassicClient(2, None, "test", 1 << 20)
        fresh, fresh_players = None, {}
        for command in sent(newcomer, wire.snapshot(world)):
            fresh, fresh_players = apply_to(command, fresh, fresh_players)
        assert grid == fresh, f"tick {world.tick}"
        assert players == fresh_players, f"tick {world.tick}"
        assert set(players) == set(world.snakes)
    assert min(seen["p_joined"], seen["p_gameover"], seen["p_score"]) >= 20, seen


def sent(client: ClassicClient, message) -> list[Command]:
    """The commands ``client`` writes for ``message``, as a classic client reads them."""
    return json.loads(encode_commands(client.translate(message)))


def apply_to(command: Command, grid, players):
    kind, args = command[0], command[1:]
    if kind == "world":
        grid = args[0]
    elif kind == "render":
        x, y, char, color = args
        grid[y][x] = [char, color]
    elif kind == "p_joined":
        players[args[0]] = args[1:]
    elif kind == "p_gameover":
        players.pop(args[0])
    elif kind == "p_score":
        players[args[0]][2] = args[1]
    return grid, players


# -- pings and bad input ---------------------------------------------------------------------


async def test_ping_gets_pong_with_its_time(classic):
    client = await classic()
    await client.send(["ping", 1712345678901.25, 12])
    await client.send(["ping", 42, 0])
    await client.until(lambda c: c == ["pong", 42])
    assert client.pongs == [1712345678901.25, 42]


@pytest.mark.parametrize("text", [
    "{not json",
    '["dance"]',
    '["join", "now"]',
    '["new_player"]',
    '["new_player", 5]',
    '{"type": "hello", "protocol": 1, "name": "Modern"}',
    '"left"',
    "true",
])
async def test_bad_input_gets_an_error(classic, text):
    client = await classic("Sloppy")
    await client.ws.send_str(text)
    await client.until(lambda c: c[0] == "error")
    assert client.errors[-1]


async def test_keys_that_are_not_arrows_are_ignored(classic):
    """The 2016 page sends the code of every key pressed."""
    client = await classic("Typist")
    for key in (65, 13, 32):
        await client.send(key)
    await client.send(["ping", 7, 0])
    await client.until(lambda c: c[0] == "pong")
    assert client.errors == []


async def test_too_many_bad_messages_in_a_row_close_the_connection(classic, settings):
    client = await classic("Noisy")
    for _ in range(settings.max_strikes):
        await client.ws.send_str("[]")
    while True:
        raw = await asyncio.wait_for(client.ws.receive(), 10)
        if raw.type is not aiohttp.WSMsgType.TEXT:
            break
        for command in json.loads(raw.data):
            client.apply(command)
    assert client.ws.close_code == 1008
    assert len(client.errors) == settings.max_strikes


async def test_pages_of_other_sites_are_refused_here_too(server):
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(server.make_url("/connect"),
                                  headers={"Origin": "http://evil.example"})
    assert refused.value.status == 403


async def test_names_reach_classic_clients_escaped_for_html(classic, connect):
    """The 2016 page inserts names into the page as HTML."""
    modern = await connect("<b>bold</b>")
    modern_id = await play(modern)
    client = await classic("Reader")
    assert client.players[modern_id][0] == "&lt;b&gt;bold&lt;/b&gt;"
