"""The raw limit: a bare asyncio server that only writes a frame to each of N sockets.

It accepts WebSocket handshakes at any path, puts clients in groups (as Snakepit puts them
in arenas), and in each group's own tick slot (spread over the period like arenas' ticks)
writes one frame of a given size, stamped with the tick time like Snakepit's frames, to
every client of the group: one ``transport.write`` each, nothing checked per client. It
reads and drops whatever clients send. ``GET /api/stats`` answers with the same figures as
Snakepit's.

``GET /api/shape?frame_bytes=N&players=P`` sets the frame size and groups new clients as
Snakepit's matchmaking puts the bench's clients in arenas, each by its first text message
(a Snakepit ``hello``): a client whose hello names an arena joins that arena's group (the
bench's watchers), any other is a player, in the ``pit-K`` with the most players that has
fewer than P (see :meth:`Baseline.add_as_in_arenas`). A client that sends no text message
is in no group and is written nothing. With ``players=0`` (``&group=M``), clients are
grouped in the order they came instead, M to a group: consecutive connections, most
likely side by side in the kernel's memory and, from the bench's generators, mostly in one
receiving process, which makes a group's fan-out about a fifth cheaper than the same
writes to the clients of an arena (docs/performance.md, "The raw baseline's groups"). The
bench gives it Snakepit's bytes per client and tick of the same step and the arenas'
player cap. This is what Snakepit's fan-out is measured against.

    python -m snakepit.bench.baseline --port 8099 --frame-bytes 400
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import time
from typing import cast

import h11

from .. import eventloop
from ..server.stats import TickStats
from ..websocket import Connection as WsConnection
from ..websocket import Role, State, Text, accept_key, text_frame

_GOLDEN = 0.6180339887498949
_ARENA = re.compile(rb'"arena"\s*:\s*"([^"\\]{1,64})"')
_PUBLIC = re.compile(r"pit-[0-9]+")


class Group:
    """Clients that get the same frame at the same tick slot."""

    def __init__(self, serial: int, period: float, name: str = "") -> None:
        self.serial = serial
        self.name = name
        self.clients: list[asyncio.Transport] = []
        self.players = 0
        self.phase = (serial * _GOLDEN) % 1.0 * period


class Baseline:
    def __init__(self, tick_rate: float, frame_bytes: int, group_size: int = 16) -> None:
        self.period = 1.0 / tick_rate
        self.tick_rate = tick_rate
        self.frame_bytes = frame_bytes
        self.group_size = group_size
        #: Players to a group when grouping as Snakepit's arenas (0: by arrival instead).
        self.players_per_group = 0
        self.groups: list[Group] = []
        self.named: dict[str, Group] = {}
        self.stats = TickStats()
        self._serials = itertools.count()

    def add(self, transport: asyncio.Transport) -> Group:
        """A client in the order it came: the last group, or a new one once that is full."""
        if not self.groups or len(self.groups[-1].clients) >= self.group_size:
            self._open("")
        self.groups[-1].clients.append(transport)
        return self.groups[-1]

    def add_as_in_arenas(self, transport: asyncio.Transport, hello: bytes) -> tuple[Group, bool]:
        """A client in the group its first message (a Snakepit ``hello``) puts it in, as
        Snakepit's matchmaking would put it in an arena; and whether it counts as a player.
        A client whose hello names an arena goes to that arena's group (the bench's
        watchers); any other is a player, in the public arena (``pit-K``) with the most
        players that has room for one more (the oldest of equals), or in a new one."""
        named = _ARENA.search(hello)
        if named is not None:
            name = named.group(1).decode("utf-8", "replace")
            group = self.named.get(name)
            if group is None:
                group = self._open(name)
            group.clients.append(transport)
            return group, False
        open_ = [g for name, g in self.named.items()
                 if _PUBLIC.fullmatch(name) and g.players < self.players_per_group]
        if open_:
            group = max(open_, key=lambda g: (g.players, -g.serial))
        else:
            group = self._open(next(n for n in (f"pit-{i}" for i in itertools.count(1))
                                    if n not in self.named))
        group.players += 1
        group.clients.append(transport)
        return group, True

    def _open(self, name: str) -> Group:
        group = Group(next(self._serials), self.period, name)
        self.groups.append(group)
        if name:
            self.named[name] = group
        asyncio.get_running_loop().create_task(self._tick_forever(group))
        return group

    def _frame(self, tick: int) -> bytes:
        head = b'{"type":"frame","tick":%d,"at":%d,"pad":"' % (tick, time.time_ns() // 1_000_000)
        pad = max(0, self.frame_bytes - len(head) - 4)
        return text_frame(head + b"x" * pad + b'"}')

    async def _tick_forever(self, group: Group) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        deadline = now - (now - group.phase) % self.period
        tick = 0
        while True:
            deadline += self.period
            delay = deadline - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            late = loop.time() - deadline
            started = time.perf_counter()
            tick += 1
            frame = self._frame(tick)
            if not group.clients:  # everyone left: the group ends, like an empty arena
                self.groups.remove(group)
                if self.named.get(group.name) is group:
                    del self.named[group.name]
                return
            for transport in group.clients:
                transport.write(frame)
            self.stats.record(time.perf_counter() - started, late, len(frame), len(group.clients),
                              group.serial)

    def stats_body(self, since: float, until: float) -> bytes:
        body = {"now": time.monotonic(), "arenas": len(self.groups),
                "clients": sum(len(g.clients) for g in self.groups), "tick_rate": self.tick_rate,
                **self.stats.summary(since, self.period, until)}
        return json.dumps(body).encode()


class Connection(asyncio.Protocol):
    """One client of the baseline: its HTTP request read by h11, then its frames by the
    server side of :mod:`snakepit.websocket` (the same code Snakepit reads them with)."""

    def __init__(self, baseline: Baseline) -> None:
        self.baseline = baseline
        self.transport: asyncio.Transport | None = None
        self.http: h11.Connection | None = h11.Connection(h11.SERVER)
        self.ws = WsConnection(Role.SERVER, max_message=1 << 20, max_fragments=1 << 10)
        self.group: Group | None = None
        #: The first text message's payload, once one came.
        self.hello: bytes | None = None
        #: Counted among its group's players (grouped as in arenas, no arena named).
        self.player = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.transport is None:
            return
        if self.http is None:
            self._frames(data)
            return
        self.http.receive_data(data)
        try:
            event = self.http.next_event()
        except h11.RemoteProtocolError:
            self.transport.close()
            return
        if isinstance(event, h11.Request):
            self._request(event)

    def _request(self, request: h11.Request) -> None:
        assert self.transport is not None and self.http is not None
        path, _, query_text = request.target.decode("latin-1").partition("?")
        query = dict(p.partition("=")[::2] for p in query_text.split("&") if p)
        headers = {name.decode("latin-1"): value.decode("latin-1")
                   for name, value in request.headers}
        if path in ("/api/stats", "/api/shape"):
            baseline = self.baseline
            if path == "/api/stats":
                body = baseline.stats_body(float(query.get("since", 0)),
                                           float(query.get("until", "inf")))
            else:
                baseline.frame_bytes = max(16, int(query.get("frame_bytes", baseline.frame_bytes)))
                baseline.group_size = max(1, int(query.get("group", baseline.group_size)))
                baseline.players_per_group = max(0, int(query.get("players", 0)))
                body = json.dumps({"frame_bytes": baseline.frame_bytes,
                                   "group": baseline.group_size,
                                   "players": baseline.players_per_group}).encode()
            self.transport.write(self.http.send(h11.Response(status_code=200, headers=[
                ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                ("Connection", "close")])) + self.http.send(h11.Data(data=body))
                + self.http.send(h11.EndOfMessage()))
            self.transport.close()
            return
        accept = accept_key(headers.get("sec-websocket-key", ""))
        self.transport.write(self.http.send(h11.InformationalResponse(status_code=101, headers=[
            ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", accept)])))
        # What follows the request is the client's first frames, if it did not wait.
        rest = self.http.trailing_data[0]
        self.http = None
        if not self.baseline.players_per_group:
            self.group = self.baseline.add(self.transport)
        if rest:
            self._frames(rest)

    def connection_lost(self, exc: Exception | None) -> None:
        self._leave()

    def _leave(self) -> None:
        """Out of its group (once: after a close frame, or when the connection is lost)."""
        if self.group is not None and self.transport in self.group.clients:
            self.group.clients.remove(self.transport)
            if self.player:
                self.group.players -= 1
        self.group = None

    def _frames(self, data: bytes) -> None:
        """Drop what clients send (but the first text message, which groups them), and
        answer a close frame as any server must (the load generator says goodbye with one
        and waits for the answer)."""
        ws = self.ws
        ws.receive_data(data)
        for event in ws.events():
            if isinstance(event, Text) and self.hello is None and self.transport is not None:
                self.hello = event.text.encode()
                if self.group is None and self.baseline.players_per_group:
                    self.group, self.player = self.baseline.add_as_in_arenas(self.transport,
                                                                             self.hello)
                elif self.group is None:  # grouping went back to arrival meanwhile
                    self.group = self.baseline.add(self.transport)
        if self.transport is None:
            return
        answers = ws.data_to_send()  # pongs, the close's answer
        if ws.state is State.CLOSED:
            self._leave()  # nothing is written after the close frame
        if answers:
            self.transport.write(answers)
        if ws.state is State.CLOSED:
            self.transport.close()


async def serve(host: str, port: int, tick_rate: float, frame_bytes: int) -> None:
    baseline = Baseline(tick_rate, frame_bytes)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(baseline), host, port, backlog=4096)
    print(f"baseline listening on http://{host}:{server.sockets[0].getsockname()[1]}/", flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Snakepit bench: raw fan-out baseline server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tick-rate", type=float, default=10.0)
    parser.add_argument("--frame-bytes", type=int, default=400)
    args = parser.parse_args(argv)
    eventloop.run(serve(args.host, args.port, args.tick_rate, args.frame_bytes))


if __name__ == "__main__":
    main()
