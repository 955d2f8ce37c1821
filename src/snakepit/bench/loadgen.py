"""One load-generator process: clients on real sockets, some playing, the rest watching.

Players speak the real protocol: hello, join, steer away from walls, join again after
each death (and at the next frame after a join refused for want of room); they find their
own head in each frame and time each turn until the frame that shows it. Spectators read
only what they must: every message's size and each frame's time stamp (``at``, server
wall clock in ms), from which the fan-out delay is measured. (The bench's clients are the
C program ``clients.c`` where a C compiler and libwslay are at hand: the same players and
watchers, reading a frame for a fraction of what this process spends; these are the
fallback, and the model it follows.)

Run by ``snakepit bench``: it connects its clients, prints ``ready N``, reads the window to
measure (``go START END``, ``time.monotonic()`` seconds) from its standard input, and prints
one JSON line of results after it. By hand, ``--seconds`` measures from 3 s after the
clients are connected instead:

    python -m snakepit.bench.loadgen --port 8080 --players 100 --spectators 300 --arenas 7 --seconds 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import msgspec

from .. import eventloop
from ..protocol import decode_server
from ..protocol.messages import Died, Error, Frame, Spawned, Welcome
from .histogram import Histogram
from .wsclient import WsClient

_frames = msgspec.json.Decoder(Frame)
#: A turn not seen in a frame within this many ms was not taken; it is not timed.
_TURN_GIVE_UP_MS = 1000.0
_STEP = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}
_TURNS = {"up": ("left", "right"), "down": ("left", "right"),
          "left": ("up", "down"), "right": ("up", "down")}


def _now_ms() -> float:
    return time.time_ns() / 1e6


class Tally:
    """What this process measured during its window."""

    def __init__(self) -> None:
        self.measuring = False
        self.frames = 0
        self.bytes = 0
        self.delay = Histogram()
        self.latency = Histogram()
        self.deaths = 0
        self.errors = 0

    def text(self, payload: bytes) -> None:
        """Any text message: its bytes on the wire count (frames, and the news, top lists
        and answers that ride with them)."""
        if self.measuring:
            size = len(payload)
            self.bytes += size + (2 if size < 126 else 4 if size < 65536 else 10)

    def frame(self, payload: bytes) -> None:
        if not self.measuring:
            return
        self.frames += 1
        start = payload.find(b'"at":')
        if start >= 0:
            end = payload.find(b",", start)
            if end < 0:
                end = payload.find(b"}", start)
            self.delay.add(_now_ms() - int(payload[start + 5:end]))


class Player:
    """A client that plays: avoids walls, re-joins, and times its turns."""

    def __init__(self, name: str, tally: Tally) -> None:
        self.name, self.tally = name, tally
        self.client: WsClient | None = None
        self.snake: int | None = None
        self.head = (0, 0)
        self.dir = "up"
        self.size = (60, 40)
        self.turn_sent: tuple[str, float] | None = None
        #: Its join was refused for want of room: join again at the next frame.
        self.rejoin = False

    def opened(self, client: WsClient) -> None:
        self.client = client
        client.send_text(b'{"type":"hello","protocol":1,"name":"%s"}' % self.name.encode())
        client.send_text(b'{"type":"join"}')

    def on_text(self, payload: bytes) -> None:
        self.tally.text(payload)
        if payload.startswith(b'{"type":"frame"'):
            self.tally.frame(payload)
            if self.rejoin and self.client is not None:
                self.rejoin = False
                self.client.send_text(b'{"type":"join"}')
            if self.snake is not None:
                if self.head == (-1, -1) or b'"spawns"' in payload:
                    self._follow(_frames.decode(payload))  # (re)learn the snake's heading
                else:
                    self._glance(payload)
            return
        try:
            message = decode_server(payload)
        except msgspec.DecodeError:
            self.tally.errors += 1
            return
        if isinstance(message, Welcome):
            self.size = (message.width, message.height)
        elif isinstance(message, Spawned):
            self.snake = message.snake
            self.head = (-1, -1)
            self.turn_sent = None
        elif isinstance(message, Died):
            self.snake = None
            self.turn_sent = None
            self.tally.deaths += self.tally.measuring
            if self.client is not None:
                self.client.send_text(b'{"type":"join"}')
        elif isinstance(message, Error) and message.code == "no-room":
            self.rejoin = True
        elif isinstance(message, Error):
            self.tally.errors += 1

    def _glance(self, payload: bytes) -> None:
        """Find this snake's move in a frame without decoding the frame: the moves come
        first, as ``[id,x,y,grew]``, so ``[id,`` inside them is this snake's entry."""
        start = payload.find(b'"moves":[')
        end = payload.find(b"]]", start) if start >= 0 else -1
        at = payload.find(b"[%d," % self.snake, start + 9, end) if end >= 0 else -1
        if at < 0:
            return self._moved(None)
        _, x, y = payload[at + 1:payload.find(b"]", at)].split(b",", 3)[:3]
        self._moved((int(x), int(y)))

    def _follow(self, frame: Frame) -> None:
        for info in frame.spawns:
            if info.id == self.snake:
                self.head, self.dir = (info.body[0][0], info.body[0][1]), info.dir
        self._moved(next(((x, y) for sid, x, y, _ in frame.moves if sid == self.snake), None))

    def _moved(self, head: tuple[int, int] | None) -> None:
        """This snake's new head (None: it did not move this tick): time the turn that
        shows, and steer."""
        if head is None:
            return
        if self.head != (-1, -1):
            step = (head[0] - self.head[0], head[1] - self.head[1])
            self.dir = next((d for d, s in _STEP.items() if s == step), self.dir)
        self.head = head
        if self.turn_sent is not None:
            waited = _now_ms() - self.turn_sent[1]
            if self.dir == self.turn_sent[0]:
                if self.tally.measuring:
                    self.tally.latency.add(waited)
                self.turn_sent = None
            elif waited > _TURN_GIVE_UP_MS:  # refused (say, a reversal after a bump): forget it
                self.turn_sent = None
        self._steer()

    def _steer(self) -> None:
        width, height = self.size
        x, y = self.head
        dx, dy = _STEP[self.dir]
        if 1 <= x + 2 * dx < width - 1 and 1 <= y + 2 * dy < height - 1:
            return
        room = {"left": x, "right": width - 1 - x, "up": y, "down": height - 1 - y}
        turn = max(_TURNS[self.dir], key=room.__getitem__)
        if self.client is not None and self.turn_sent is None:
            self.client.send_text(b'{"type":"turn","dir":"%s"}' % turn.encode())
            self.turn_sent = (turn, _now_ms())


class Spectator:
    def __init__(self, name: str, arena: str | None, tally: Tally) -> None:
        hello = {"type": "hello", "protocol": 1, "name": name}
        if arena is not None:
            hello["arena"] = arena
        self.hello = json.dumps(hello).encode()
        self.tally = tally

    def opened(self, client: WsClient) -> None:
        client.send_text(self.hello)

    def on_text(self, payload: bytes) -> None:
        self.tally.text(payload)
        if payload.startswith(b'{"type":"frame"'):
            self.tally.frame(payload)


async def _window(seconds: float | None) -> tuple[float, float]:
    """The measuring window: from the controller (``go START END`` on standard input), or
    ``seconds`` from 3 s from now."""
    if seconds is not None:
        start = time.monotonic() + 3.0
        return start, start + seconds
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    word, start, end = line.split()
    if word != "go":
        raise SystemExit(f"loadgen: expected 'go START END', got {line!r}")
    return float(start), float(end)


async def generate(host: str, port: int, players: int, spectators: int, arenas: int,
                   first: int, seconds: float | None = None) -> dict[str, object]:
    tally = Tally()
    loop = asyncio.get_running_loop()
    clients: list[WsClient] = []
    closed = 0

    def lost(client: WsClient) -> None:
        nonlocal closed
        closed += tally.measuring

    async def connect(role: Player | Spectator) -> None:
        _, client = await loop.create_connection(
            lambda: WsClient(host, port, role.on_text, role.opened, lost), host, port)
        clients.append(client)

    roles: list[Player | Spectator] = [Player(f"p{first + i}", tally) for i in range(players)]
    roles += [Spectator(f"s{first + i}", f"pit-{(first + i) % max(arenas, 1) + 1}"
                        if arenas else None, tally) for i in range(spectators)]
    for start in range(0, len(roles), 200):
        await asyncio.gather(*(connect(role) for role in roles[start:start + 200]))
    print("ready", len(clients), flush=True)
    began, ended = await _window(seconds)
    await asyncio.sleep(max(0.0, began - time.monotonic()))
    tally.measuring = True
    await asyncio.sleep(max(0.0, ended - time.monotonic()))
    tally.measuring = False
    for client in clients:  # goodbye, and wait (a little) for the server's answers
        client.close()
    for _ in range(100):
        if all(client.closed for client in clients):
            break
        await asyncio.sleep(0.05)
    for client in clients:
        client.abort()
    return {
        "clients": len(clients),
        "players": players,
        "spectators": spectators,
        "began": began,
        "ended": ended,
        "frames": tally.frames,
        "bytes": tally.bytes,
        "deaths": tally.deaths,
        "errors": tally.errors,
        "closed_by_server": closed,
        "delay": tally.delay.to_json(),
        "latency": tally.latency.to_json(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Snakepit load generator (one process)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--players", type=int, default=0)
    parser.add_argument("--spectators", type=int, default=0)
    parser.add_argument("--arenas", type=int, default=0,
                        help="spread spectators over pit-1..pit-N (0: let the server choose)")
    parser.add_argument("--first", type=int, default=0, help="number of this process's first client")
    parser.add_argument("--seconds", type=float, default=None,
                        help="measure this long, 3 s after connecting (default: the window "
                        "the controller gives on standard input)")
    args = parser.parse_args(argv)
    result: dict[str, object] = {}

    async def run() -> None:
        result.update(await generate(args.host, args.port, args.players, args.spectators,
                                     args.arenas, args.first, args.seconds))

    eventloop.run(run())
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
