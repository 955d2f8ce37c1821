"""The fan-out: one write per client and tick over a list of the clients' writes, which
follows every change of who is there and of what a client may be sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import pytest

from snakepit.engine import World, WorldConfig
from snakepit.protocol import decode_server
from snakepit.protocol.messages import Died, Frame, Spawned
from snakepit.server.client import Client
from snakepit.server.lifecycle import Phase
from snakepit.server.world_runner import WorldRunner
from snakepit.websocket import Connection, Role, Text

if TYPE_CHECKING:
    from snakepit.server.websocket import WebSocket


class Socket:
    """Stands in for a client's WebSocket: keeps what is written, and the close frame."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed_with: int | None = None

    def write(self, data: bytes) -> None:
        assert self.closed_with is None, "written to after the close frame"
        self.writes.append(data)

    def close(self, code: int, reason: str = "") -> None:
        self.closed_with = code


def as_websocket(socket: Socket) -> WebSocket:
    return cast("WebSocket", socket)


def messages(data: bytes) -> list[object]:
    """The server messages in one write, as a client reads them."""
    reader = Connection(Role.CLIENT, max_message=1 << 26)
    reader.receive_data(data)
    return [decode_server(event.text) for event in reader.events() if isinstance(event, Text)]


def arena() -> WorldRunner:
    return WorldRunner(World(WorldConfig(), seed=3), tick_rate=10, max_players=16)


def client(number: int, socket: Socket | None = None) -> Client:
    joined = Client(number, as_websocket(socket or Socket()), "127.0.0.1")
    joined.name = f"p{number}"
    joined.advance("hello")
    return joined


def ticked(runner: WorldRunner, socket: Socket) -> list[bytes]:
    """One tick; what ``socket`` was written in it."""
    before = len(socket.writes)
    runner.tick()
    return socket.writes[before:]


def test_every_client_gets_one_write_a_tick_and_news_rides_in_the_same_write() -> None:
    runner = arena()
    sockets = [Socket() for _ in range(4)]
    clients = [client(i, s) for i, s in enumerate(sockets, start=1)]
    for joined in clients:
        runner.attach(joined)
    assert runner.join(clients[0]) is None

    runner.tick()
    tick_writes = [s.writes[-1] for s in sockets]
    assert all(len(s.writes) == 2 for s in sockets)  # the snapshot, then one write this tick
    news = messages(tick_writes[0])
    assert [type(m) for m in news] == [Spawned, Frame]  # the player's news, then the frame
    assert all([type(m) for m in messages(w)] == [Frame] for w in tick_writes[1:])
    assert tick_writes[1] is tick_writes[2] is tick_writes[3]  # the same bytes for all
    # The next tick has no news for anyone: the frame alone, to each.
    runner.tick()
    assert all(len(s.writes) == 3 and [type(m) for m in messages(s.writes[-1])] == [Frame]
               for s in sockets)


def test_a_client_cut_off_gets_nothing_after_its_close_frame() -> None:
    runner = arena()
    cut, stays = Socket(), Socket()
    first, second = client(1, cut), client(2, stays)
    runner.attach(first)
    runner.attach(second)
    runner.tick()
    first.cut("slow", code=1013)
    assert cut.closed_with == 1013
    for _ in range(3):
        assert ticked(runner, cut) == []  # (Socket.write would fail the test if called)
    assert len(stays.writes) == 1 + 4


def test_a_suspended_client_gets_nothing_and_everything_again_on_its_new_socket() -> None:
    runner = arena()
    old, new = Socket(), Socket()
    away = client(1, old)
    runner.attach(away)
    runner.tick()
    away.suspend()
    assert ticked(runner, old) == []
    away.rebind(as_websocket(new))
    assert [type(m) for m in messages(ticked(runner, new)[0])] == [Frame]
    assert len(old.writes) == 2


def test_a_client_that_moves_is_written_by_its_new_arena_only() -> None:
    here, there = arena(), arena()
    socket = Socket()
    mover, watcher = client(1, socket), client(2)
    here.attach(mover)
    here.attach(watcher)
    here.tick()
    here.detach(mover)
    there.attach(mover)
    assert ticked(here, socket) == []
    assert [type(m) for m in messages(ticked(there, socket)[0])] == [Frame]
    # Leaving the old arena does not take the client's changes away from the new one.
    mover.suspend()
    assert ticked(there, socket) == []


def test_news_for_a_client_that_left_before_the_tick_goes_nowhere() -> None:
    runner = arena()
    gone, stays = Socket(), Socket()
    leaver, other = client(1, gone), client(2, stays)
    runner.attach(leaver)
    runner.attach(other)
    runner._tell(leaver, Died(cause="wall", killer=None, score=3, length=4, kills=0, ticks=9))
    runner.detach(leaver)
    assert ticked(runner, gone) == []
    assert [type(m) for m in messages(stays.writes[-1])] == [Frame]


def test_a_write_that_raises_does_not_silence_anyone_at_the_next_tick() -> None:
    runner = arena()

    class Breaking(Socket):
        broken = True

        def write(self, data: bytes) -> None:
            if self.broken:
                self.broken = False
                raise OSError("the socket failed")
            super().write(data)

    told, breaking = Socket(), Breaking()
    player, other = client(1, told), client(2, breaking)
    runner.attach(player)
    breaking.broken = False
    runner.attach(other)
    breaking.broken = True
    assert runner.join(player) is None
    with pytest.raises(OSError):
        runner.tick()  # the player's news goes out, then the other client's write raises
    assert player.phase is Phase.PLAYING
    assert [type(m) for m in messages(ticked(runner, told)[0])] == [Frame]
    assert [type(m) for m in messages(breaking.writes[-1])] == [Frame]


def test_the_fan_out_calls_write_on_the_socket_itself_or_on_any_function_it_is_given() -> None:
    runner = arena()
    socket = Socket()
    plain = client(1, socket)
    odd = client(2)
    seen: list[bytes] = []
    odd.write = seen.append  # a write that is no socket's method (as the 2016 protocol's)
    runner.attach(plain)
    runner.attach(odd)
    runner.tick()
    assert runner._writers is not None
    assert runner._writers[0] is socket  # nothing between the arena and the socket
    assert [type(m) for m in messages(socket.writes[-1])] == [Frame]
    assert seen == [socket.writes[-1]]
