"""The legitimate clients of ``snakepit soak``, in a process of their own:
``python -m snakepit.bench.crowd`` (started by the soak's controller, snakepit.bench.soak).

A share of them play (they join again when a world had no room), the rest watch; they come
from many loopback addresses (127.1.x.y, a few each) so they stay under the server's
per-address limit. Each answers the server's pings as a browser does and remembers how it
ended. The process prints JSON lines (progress, drops, the result) and stops when told
``stop`` on stdin (or after ``--max-seconds``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Callable

from .. import eventloop
from .loadgen import Player, Spectator, Tally
from .wsclient import WsClient


class Watched(WsClient):
    """A legitimate client's connection. It answers the server's pings (as a browser does),
    and keeps how it ended (HTTP status, close code) and when its last frame came."""

    def __init__(self, host: str, port: int, role: Player | Spectator,
                 on_close: Callable[[WsClient], None]) -> None:
        super().__init__(host, port, self._text, self._opened, on_close)
        self.role = role
        self.last_frame = time.monotonic()
        self.framed = False  # has had a frame
        self.longest_gap = 0.0
        self.stalled = False

    def _opened(self, client: WsClient) -> None:
        self.last_frame = time.monotonic()  # silence is counted from the upgrade on
        self.role.opened(client)

    def _text(self, payload: bytes) -> None:
        if payload.startswith(b'{"type":"frame"'):
            now = time.monotonic()
            self.longest_gap = max(self.longest_gap, now - self.last_frame)
            self.last_frame, self.framed = now, True
        self.role.on_text(payload)


class Rejoining(Player):
    """A player that asks again a second later when the world had no room for it."""

    def on_text(self, payload: bytes) -> None:
        super().on_text(payload)
        if payload.startswith(b'{"type":"error"') and (
                b'"no-room"' in payload or b'"world-full"' in payload):
            asyncio.get_running_loop().call_later(1.0, self._rejoin)

    def _rejoin(self) -> None:
        if self.client is not None and self.snake is None:
            self.client.send_text(b'{"type":"join"}')


class Crowd:
    """The legitimate clients of this process, and everything that went wrong for them."""

    def __init__(self, stall: float) -> None:
        self.stall = stall
        self.clients: list[Watched] = []
        self.tally = Tally()
        self.stopping = False
        self.started = time.monotonic()
        self.connect_failed = 0
        self.closed_by_server = 0
        self.stalled = 0
        self.dropped: set[int] = set()
        self.events: list[dict[str, object]] = []

    def lost(self, client: WsClient) -> None:
        assert isinstance(client, Watched)
        if self.stopping:
            return
        if client.status != 101:
            self.connect_failed += 1
            self._event(client, "connect-failed", status=client.status)
        else:
            self.closed_by_server += 1
            self._event(client, "closed", close_code=client.close_code)
        self.dropped.add(id(client))

    def check_stalls(self) -> None:
        now = time.monotonic()
        for client in self.clients:
            if not client.closed and not client.stalled and now - client.last_frame > self.stall:
                client.stalled = True
                self.stalled += 1
                self.dropped.add(id(client))
                self._event(client, "stalled", silent_for=round(now - client.last_frame, 2))

    def _event(self, client: Watched, what: str, **details: object) -> None:
        event = {"event": "drop", "what": what, "role": type(client.role).__name__.lower(),
                 "t": round(time.monotonic() - self.started, 2), **details}
        self.events.append(event)
        if len(self.events) <= 20:
            print(json.dumps(event), flush=True)

    def figures(self) -> dict[str, object]:
        return {
            "clients": len(self.clients),
            "open": sum(not c.closed for c in self.clients),
            "dropped": len(self.dropped),
            "closed_by_server": self.closed_by_server,
            "stalled": self.stalled,
            "connect_failed": self.connect_failed,
            "longest_silence_s": round(max((c.longest_gap for c in self.clients), default=0), 3),
            "frames": self.tally.frames,
        }


def _source(n: int, per_address: int) -> str:
    """The loopback address of the n-th legitimate client."""
    if per_address <= 0:
        return "127.0.0.1"
    slot = n // per_address
    return f"127.1.{slot // 250}.{slot % 250 + 1}"


async def _stop_requested(max_seconds: float) -> None:
    """Return when stdin says anything (or closes), or after ``max_seconds``."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader.readline(), max_seconds)


async def hold(port: int, players: int, spectators: int, arenas: int, per_address: int,
               stall: float, max_seconds: float) -> dict[str, object]:
    """Connect the clients, say ``ready`` once each has had a frame, watch them (printing
    ``progress`` every 15 s) until told to stop; their figures."""
    host, loop = "127.0.0.1", asyncio.get_running_loop()
    crowd = Crowd(stall)
    roles: list[Player | Spectator] = [Rejoining(f"p{i}", crowd.tally) for i in range(players)]
    roles += [Spectator(f"s{i}", f"pit-{i % max(arenas, 1) + 1}" if arenas else None,
                        crowd.tally) for i in range(spectators)]

    async def connect(n: int, role: Player | Spectator) -> None:
        client = Watched(host, port, role, crowd.lost)
        try:
            await loop.create_connection(lambda: client, host, port,
                                         local_addr=(_source(n, per_address), 0))
        except OSError:
            crowd.connect_failed += 1
            crowd.dropped.add(id(client))
            return
        crowd.clients.append(client)

    for start in range(0, len(roles), 200):
        await asyncio.gather(*(connect(start + i, role)
                               for i, role in enumerate(roles[start:start + 200])))
    began = time.monotonic()
    while time.monotonic() - began < 15 and any(
            not c.framed and not c.closed for c in crowd.clients):
        await asyncio.sleep(0.2)
    for client in crowd.clients:
        client.longest_gap = 0.0  # silences count from here on
    crowd.tally.measuring = True
    print(json.dumps({"event": "ready", **crowd.figures()}), flush=True)

    async def watch() -> None:
        ticks = 0
        while True:
            await asyncio.sleep(1.0)
            crowd.check_stalls()
            ticks += 1
            if ticks % 15 == 0:
                print(json.dumps({"event": "progress", **crowd.figures()}), flush=True)

    watcher = asyncio.create_task(watch())
    await _stop_requested(max_seconds)
    watcher.cancel()
    crowd.check_stalls()
    crowd.stopping = True
    figures = crowd.figures()
    for client in crowd.clients:
        client.close()
    tally = crowd.tally
    return {**figures, "drops": crowd.events[:50], "deaths": tally.deaths,
            "errors": tally.errors, "delay": tally.delay.to_json(),
            "latency": tally.latency.to_json()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Snakepit soak: the legitimate clients")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--players", type=int, default=0)
    parser.add_argument("--spectators", type=int, default=0)
    parser.add_argument("--arenas", type=int, default=0)
    parser.add_argument("--per-address", type=int, default=6,
                        help="clients per loopback address (0: all from 127.0.0.1)")
    parser.add_argument("--stall", type=float, default=5.0)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    args = parser.parse_args(argv)
    result = eventloop.run(hold(args.port, args.players, args.spectators, args.arenas,
                                args.per_address, args.stall, args.max_seconds))
    print(json.dumps({"event": "result", **result}), flush=True)


if __name__ == "__main__":
    main()
