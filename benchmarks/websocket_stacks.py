"""Which code should own each socket's WebSocket side: what each candidate costs the server.

Three stacks serve the same load, one after the other, in this process (uvloop, pinned to
the first core), against a load generator in a subprocess (this file's ``--generator``
mode, pinned to the second core):

- **A** aiohttp for everything: a ``web.WebSocketResponse`` per connection
  (``compress=False``, ``max_msg_size=4096``, no heartbeat), inbound messages read with
  ``async for msg in ws``;
- **B** Snakepit's own: the request read by h11, a 101 written through h11, then
  :class:`snakepit.server.websocket.WebSocket` (framing by :mod:`snakepit.websocket`);
- **C** websockets' sans-I/O ``ServerProtocol`` under a small asyncio protocol of ours
  (``pip install -e '.[bench]'`` brings websockets; skipped when it is not importable).

In all three the per-tick fan-out is the same: a frame built once per group of 64 clients
(an arena) and tick, written with ``transport.write(frame)`` to each of them, the groups'
ticks spread over the period, 10 ticks a second. The generator's clients
(:class:`snakepit.bench.wsclient.WsClient`) read every frame; a share of them (a quarter)
send a small text message (a ``turn``) at a given rate (2 a second, Poisson).

Measured for each stack (server CPU is user+system of this process, ``getrusage``):

- the connect phase: server CPU while the N handshakes are accepted, per handshake;
- RSS (``VmRSS``) and objects the garbage collector tracks, per connection, after
  ``gc.collect()``, all N connected and no fan-out yet;
- a window with the players talking and one without (same length, after a warm-up): CPU
  per client and tick from the quiet one; CPU per inbound message as the talking window's
  CPU less its writes at the quiet window's price, over its messages.

    .venv/bin/python benchmarks/websocket_stacks.py [--clients 2000] [--seconds 15]
        [--warmup 5] [--stacks A,B,C] [--frame-bytes 500] [--out stacks.json]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import heapq
import json
import os
import random
import resource
import shlex
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import h11

from snakepit import eventloop
from snakepit.server.websocket import WebSocket
from snakepit.websocket import accept_key, text_frame

HOST = "127.0.0.1"
TURN = b'{"type":"turn","dir":"up"}'
#: Clients to a fan-out group (an arena's players and watchers).
GROUP = 64
_GOLDEN = 0.6180339887498949


# -- what both sides use ----------------------------------------------------------------------

def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "python": sys.version.split()[0],
            "load_average": os.getloadavg()}


# -- the fan-out (the same for every stack) ----------------------------------------------------

class Group:
    __slots__ = ("clients", "phase", "serial")

    def __init__(self, serial: int, period: float) -> None:
        self.serial = serial
        self.clients: list[asyncio.Transport] = []
        self.phase = (serial * _GOLDEN) % 1.0 * period


class FanOut:
    """Groups of 64 transports, each written one frame per tick in its own slot."""

    def __init__(self, tick_rate: float, frame_bytes: int) -> None:
        self.period = 1.0 / tick_rate
        payload = frame_bytes - 2 if frame_bytes - 2 <= 125 else frame_bytes - 4
        self.payload = max(payload, 40)
        self.groups: list[Group] = []
        self.where: dict[asyncio.Transport, Group] = {}
        self.writes = 0
        self.ticks = 0
        self.late: list[float] = []
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, transports: list[asyncio.Transport]) -> None:
        loop = asyncio.get_running_loop()
        for transport in transports:
            if not self.groups or len(self.groups[-1].clients) >= GROUP:
                self.groups.append(Group(len(self.groups), self.period))
            self.groups[-1].clients.append(transport)
            self.where[transport] = self.groups[-1]
        self._tasks = [loop.create_task(self._tick_forever(g)) for g in self.groups]

    def remove(self, transport: asyncio.Transport) -> None:
        group = self.where.pop(transport, None)
        if group is not None:
            group.clients.remove(transport)

    def _frame(self, group: Group, tick: int) -> bytes:
        head = b'{"type":"frame","arena":%d,"tick":%d,"pad":"' % (group.serial, tick)
        return text_frame(head + b"x" * max(0, self.payload - len(head) - 2) + b'"}')

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
            self.late.append(loop.time() - deadline)
            tick += 1
            frame = self._frame(group, tick)
            for transport in group.clients:
                transport.write(frame)
            self.writes += len(group.clients)
            self.ticks += 1

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []


# -- the stacks --------------------------------------------------------------------------------

class Stack:
    """A server of one stack: counts upgraded connections and inbound text messages."""

    name = "?"
    title = "?"

    def __init__(self, max_message: int = 4096) -> None:
        self.max_message = max_message
        self.transports: list[asyncio.Transport] = []
        self.open = 0
        self.messages = 0
        self.fanout: FanOut | None = None
        self.all_in = asyncio.Event()
        self.expected = 0

    def opened(self, transport: asyncio.Transport) -> None:
        self.transports.append(transport)
        self.open += 1
        if self.open >= self.expected:
            self.all_in.set()

    def closed(self, transport: asyncio.Transport) -> None:
        self.open -= 1
        if self.fanout is not None:
            self.fanout.remove(transport)

    async def start(self) -> int:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError


class AiohttpStack(Stack):
    name = "A"
    title = "aiohttp WebSocketResponse"

    async def start(self) -> int:
        from aiohttp import WSMsgType, web

        async def handler(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse(compress=False, autoping=True, heartbeat=None,
                                       max_msg_size=self.max_message)
            await ws.prepare(request)
            transport = cast(asyncio.Transport, request.transport)
            self.opened(transport)
            try:
                async for msg in ws:
                    if msg.type is WSMsgType.TEXT:
                        self.messages += 1
            finally:
                self.closed(transport)
            return ws

        app = web.Application()
        app.router.add_get("/ws", handler)
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False,
                                    shutdown_timeout=2.0)
        await self.runner.setup()
        site = web.TCPSite(self.runner, HOST, 0, backlog=4096)
        await site.start()
        return cast(int, self.runner.addresses[0][1])

    async def stop(self) -> None:
        await asyncio.wait_for(self.runner.cleanup(), 10)


class _Session:
    """What B's WebSocket tells (the game's session would be here)."""

    __slots__ = ("stack", "transport")

    def __init__(self, stack: Stack, transport: asyncio.Transport) -> None:
        self.stack, self.transport = stack, transport

    def on_text(self, text: str) -> None:
        self.stack.messages += 1

    def on_binary(self, data: bytes) -> None:
        pass

    def on_protocol_error(self, code: int) -> None:
        pass

    def on_closing(self) -> None:
        pass

    def on_backlog(self) -> None:
        pass

    def on_closed(self, code: int) -> None:
        self.stack.closed(self.transport)


class _H11Upgrade(asyncio.Protocol):
    """B's handshake: the request read by h11, the 101 written by it, then the transport's
    protocol becomes a :class:`WebSocket`."""

    def __init__(self, stack: SnakepitStack) -> None:
        self.stack = stack
        self.http = h11.Connection(h11.SERVER)
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        transport = self.transport
        assert transport is not None
        self.http.receive_data(data)
        try:
            event = self.http.next_event()
        except h11.RemoteProtocolError:
            transport.close()
            return
        if event is h11.NEED_DATA:
            return
        if not isinstance(event, h11.Request):
            transport.close()
            return
        key = ""
        upgrade = False
        for name, value in event.headers:
            if name == b"sec-websocket-key":
                key = value.decode("latin-1")
            elif name == b"upgrade" and value.lower() == b"websocket":
                upgrade = True
        if event.method != b"GET" or not upgrade or not key:
            transport.write(self.http.send(h11.Response(status_code=400, headers=[
                ("Content-Length", "0"), ("Connection", "close")])))
            transport.close()
            return
        transport.write(self.http.send(h11.InformationalResponse(status_code=101, headers=[
            ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", accept_key(key))])))
        rest = self.http.trailing_data[0]
        peer = transport.get_extra_info("peername")
        ws = WebSocket(transport, f"{peer[0]}:{peer[1]}" if peer else "?",
                       max_message=self.stack.max_message, send_buffer_limit=256 * 1024,
                       interval=20.0)
        self.stack.opened(transport)
        ws.start(_Session(self.stack, transport), rest)

    def connection_lost(self, exc: Exception | None) -> None:
        pass  # before the upgrade only: after it, the WebSocket is the protocol


class _StackServer(Stack):
    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(self._protocol, HOST, 0, backlog=4096)
        return cast(int, self.server.sockets[0].getsockname()[1])

    def _protocol(self) -> asyncio.Protocol:
        raise NotImplementedError

    async def stop(self) -> None:
        self.server.close()
        for transport in self.transports:
            if not transport.is_closing():
                transport.abort()
        await asyncio.wait_for(self.server.wait_closed(), 10)


class SnakepitStack(_StackServer):
    name = "B"
    title = "h11 + snakepit WebSocket"

    def _protocol(self) -> asyncio.Protocol:
        return _H11Upgrade(self)


class _WebsocketsProtocol(asyncio.Protocol):
    """C: websockets' sans-I/O ServerProtocol between the transport and the stack."""

    def __init__(self, stack: WebsocketsStack) -> None:
        from websockets.server import ServerProtocol

        self.stack = stack
        self.proto = ServerProtocol(max_size=stack.max_message)
        self.transport: asyncio.Transport | None = None
        self.upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        proto, transport = self.proto, self.transport
        assert transport is not None
        proto.receive_data(data)
        for event in proto.events_received():
            if type(event) is self.stack.Frame:
                if event.opcode is self.stack.TEXT and event.fin:
                    self.stack.messages += 1
            elif isinstance(event, self.stack.Request):
                response = proto.accept(event)
                proto.send_response(response)
                if response.status_code == 101:
                    self.upgraded = True
                    self.stack.opened(transport)
        for chunk in proto.data_to_send():
            if chunk:
                transport.write(chunk)
            else:  # end of stream: the close handshake is over on our side
                transport.close()
                return
        if proto.close_expected():
            transport.close()

    def eof_received(self) -> bool:
        self.proto.receive_eof()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.upgraded and self.transport is not None:
            self.upgraded = False
            self.stack.closed(self.transport)


class WebsocketsStack(_StackServer):
    name = "C"
    title = "websockets ServerProtocol"

    def __init__(self, max_message: int = 4096) -> None:
        super().__init__(max_message)
        import websockets
        from websockets.frames import Frame, Opcode
        from websockets.http11 import Request

        self.version = websockets.__version__
        self.Frame, self.TEXT, self.Request = Frame, Opcode.TEXT, Request

    def _protocol(self) -> asyncio.Protocol:
        return _WebsocketsProtocol(self)


STACKS: dict[str, type[Stack]] = {"A": AiohttpStack, "B": SnakepitStack, "C": WebsocketsStack}


def available(name: str) -> bool:
    if name != "C":
        return True
    try:
        import websockets.server  # noqa: F401
    except ImportError:
        return False
    return True


# -- one stack's measurement -------------------------------------------------------------------

@dataclass
class Options:
    clients: int = 2000
    seconds: float = 15.0
    warmup: float = 5.0
    frame_bytes: int = 500
    tick_rate: float = 10.0
    talkers: float = 0.25
    msg_rate: float = 2.0
    #: Cores for the server and the generator (None: leave affinity alone).
    server_core: int | None = None
    generator_core: int | None = None
    connect_timeout: float = 120.0


@dataclass
class Window:
    seconds: float
    cpu: float
    writes: int
    messages: int
    ticks: int
    late_p99_ms: float
    late_max_ms: float


@dataclass
class Result:
    stack: str
    title: str
    clients: int
    connected: int
    connect_seconds: float
    connect_cpu: float
    handshake_us: float
    rss_kb_per_conn: float
    objects_per_conn: float
    talking: Window
    quiet: Window
    us_per_client_tick: float
    us_per_client_tick_talking: float
    us_per_message: float
    cpu_share_talking: float
    cpu_share_quiet: float
    clients_with_frames: int
    frames_min: int
    frames_total: int
    messages_sent: int
    extra: dict[str, Any] = field(default_factory=dict)


class Generator:
    """The load generator subprocess, driven line by line over its stdin and stdout."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def spawn(cls, port: int, options: Options) -> Generator:
        command = [sys.executable, os.path.abspath(__file__), "--generator", "--port", str(port),
                   "--clients", str(options.clients), "--talkers", str(options.talkers),
                   "--msg-rate", str(options.msg_rate)]
        if options.generator_core is not None:
            command += ["--core", str(options.generator_core)]
        proc = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.PIPE)
        generator = cls(proc)
        await generator.answer(30)  # {"ready": ...}
        return generator

    async def answer(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"load generator exited ({self.proc.returncode})")
        return cast(dict[str, Any], json.loads(line))

    def tell(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command.encode() + b"\n")

    async def ask(self, command: str, timeout: float = 30) -> dict[str, Any]:
        self.tell(command)
        return await self.answer(timeout)

    async def end(self) -> None:
        """Close its clients and wait for it (bounded); kill it by PID if it lingers."""
        if self.proc.returncode is None:
            try:
                self.tell("close")
                await asyncio.wait_for(self.proc.wait(), 15)
            except (TimeoutError, asyncio.TimeoutError, BrokenPipeError, ConnectionError):
                pass
        if self.proc.returncode is None:
            self.proc.kill()
            await asyncio.wait_for(self.proc.wait(), 5)


async def _window(stack: Stack, fanout: FanOut, seconds: float) -> Window:
    writes, messages, ticks = fanout.writes, stack.messages, fanout.ticks
    fanout.late.clear()
    started, cpu = time.perf_counter(), cpu_seconds()
    await asyncio.sleep(seconds)
    cpu = cpu_seconds() - cpu
    wall = time.perf_counter() - started
    late = sorted(fanout.late)
    p99 = late[min(len(late) - 1, int(len(late) * 0.99))] if late else 0.0
    return Window(seconds=wall, cpu=cpu, writes=fanout.writes - writes,
                  messages=stack.messages - messages, ticks=fanout.ticks - ticks,
                  late_p99_ms=p99 * 1000, late_max_ms=(late[-1] if late else 0.0) * 1000)


async def measure_stack(name: str, options: Options) -> Result:
    """Serve ``options.clients`` generator clients with stack ``name``; what it cost."""
    stack = STACKS[name]()
    stack.expected = options.clients
    port = await stack.start()
    generator = await Generator.spawn(port, options)
    fanout = FanOut(options.tick_rate, options.frame_bytes)
    try:
        await asyncio.sleep(0.3)
        gc.collect()
        objects0, rss0 = len(gc.get_objects()), rss_kb()
        started, cpu0 = time.perf_counter(), cpu_seconds()
        generator.tell("connect")
        await asyncio.wait_for(stack.all_in.wait(), options.connect_timeout)
        connect_cpu = cpu_seconds() - cpu0
        connect_seconds = time.perf_counter() - started
        connected = (await generator.answer(options.connect_timeout))["connected"]
        await asyncio.sleep(0.3)
        gc.collect()
        objects1, rss1 = len(gc.get_objects()), rss_kb()

        stack.fanout = fanout
        fanout.start(list(stack.transports))
        await generator.ask("talk")
        await asyncio.sleep(options.warmup)
        talking = await _window(stack, fanout, options.seconds)
        await generator.ask("quiet")
        await asyncio.sleep(min(2.0, max(0.5, options.warmup / 2)))
        quiet = await _window(stack, fanout, options.seconds)
        report = await generator.ask("report")
    finally:
        await fanout.stop()
        await generator.end()
        await stack.stop()
    n = options.clients
    per_write = quiet.cpu / quiet.writes if quiet.writes else float("nan")
    per_message = ((talking.cpu - talking.writes * per_write) / talking.messages
                   if talking.messages else float("nan"))
    extra = {"websockets": getattr(stack, "version", None)} if name == "C" else {}
    return Result(
        stack=name, title=stack.title, clients=n, connected=connected,
        connect_seconds=connect_seconds, connect_cpu=connect_cpu,
        handshake_us=connect_cpu / n * 1e6,
        rss_kb_per_conn=(rss1 - rss0) / n, objects_per_conn=(objects1 - objects0) / n,
        talking=talking, quiet=quiet,
        us_per_client_tick=per_write * 1e6,
        us_per_client_tick_talking=talking.cpu / talking.writes * 1e6 if talking.writes else 0,
        us_per_message=per_message * 1e6,
        cpu_share_talking=talking.cpu / talking.seconds, cpu_share_quiet=quiet.cpu / quiet.seconds,
        clients_with_frames=report["with_frames"], frames_min=report["frames_min"],
        frames_total=report["frames"], messages_sent=report["sent"], extra=extra)


def run_stack(name: str, options: Options) -> Result:
    """:func:`measure_stack` on a new (uvloop) event loop, the garbage of the last one gone."""
    gc.collect()
    return eventloop.run(measure_stack(name, options))


# -- the report --------------------------------------------------------------------------------

COLUMNS = [
    ("stack", "{:<28}", lambda r: f"{r.stack} {r.title}"),
    ("conn", "{:>9}", lambda r: f"{r.connected}/{r.clients}"),
    ("hs us", "{:>7}", lambda r: f"{r.handshake_us:.0f}"),
    ("conn s", "{:>6}", lambda r: f"{r.connect_seconds:.2f}"),
    ("KB/conn", "{:>7}", lambda r: f"{r.rss_kb_per_conn:.1f}"),
    ("obj/conn", "{:>8}", lambda r: f"{r.objects_per_conn:.1f}"),
    ("us/cl/tick", "{:>10}", lambda r: f"{r.us_per_client_tick:.2f}"),
    ("+talk", "{:>6}", lambda r: f"{r.us_per_client_tick_talking:.2f}"),
    ("us/msg", "{:>6}", lambda r: f"{r.us_per_message:.1f}"),
    ("CPU quiet", "{:>9}", lambda r: f"{r.cpu_share_quiet:.1%}"),
    ("CPU talk", "{:>8}", lambda r: f"{r.cpu_share_talking:.1%}"),
    ("msg/s", "{:>6}", lambda r: f"{r.talking.messages / r.talking.seconds:.0f}"),
    ("late99 ms", "{:>9}", lambda r: f"{max(r.quiet.late_p99_ms, r.talking.late_p99_ms):.1f}"),
]


def table(results: list[Result]) -> str:
    head = " ".join(fmt.format(name) for name, fmt, _ in COLUMNS)
    rows = [" ".join(fmt.format(get(r)) for _, fmt, get in COLUMNS) for r in results]
    return "\n".join([head, "-" * len(head), *rows])


# -- the load generator (--generator) ----------------------------------------------------------

async def generate(port: int, clients: int, talkers: float, msg_rate: float) -> None:
    from snakepit.bench.wsclient import WsClient

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def say(**fields: Any) -> None:
        sys.stdout.write(json.dumps(fields) + "\n")
        sys.stdout.flush()

    class Client:
        __slots__ = ("frames", "opened", "ws")

        def __init__(self) -> None:
            self.frames = 0
            self.opened: asyncio.Future[None] = loop.create_future()
            self.ws: WsClient | None = None

        def on_text(self, payload: bytes) -> None:
            self.frames += 1

        def on_open(self, ws: WsClient) -> None:
            if not self.opened.done():
                self.opened.set_result(None)

        def on_close(self, ws: WsClient) -> None:
            if not self.opened.done():
                self.opened.set_exception(ConnectionError("closed before the 101"))

    everyone: list[Client] = []
    talking = False
    sent = 0
    limit = asyncio.Semaphore(128)

    async def connect_one() -> None:
        client = Client()
        async with limit:
            try:
                _, ws = await loop.create_connection(
                    lambda: WsClient(HOST, port, client.on_text, client.on_open,
                                     client.on_close), HOST, port)
                client.ws = cast(WsClient, ws)
                await asyncio.wait_for(client.opened, 60)
            except (OSError, asyncio.TimeoutError, TimeoutError):
                return
        everyone.append(client)

    async def talk() -> None:
        """Poisson sends from the talking share: each talker's next send on a heap."""
        nonlocal sent
        senders = everyone[:round(len(everyone) * talkers)]
        now = loop.time()
        heap = [(now + random.expovariate(msg_rate), i) for i in range(len(senders))]
        heapq.heapify(heap)
        while heap:
            due, i = heap[0]
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(min(delay, 0.05))
                continue
            heapq.heapreplace(heap, (due + random.expovariate(msg_rate), i))
            ws = senders[i].ws
            if talking and ws is not None and not ws.closed:
                ws.send_text(TURN)
                sent += 1

    sender: asyncio.Task[None] | None = None
    say(ready=True)
    while True:
        line = await reader.readline()
        command = line.decode().strip()
        if command == "connect":
            started = time.perf_counter()
            await asyncio.gather(*(connect_one() for _ in range(clients)))
            say(connected=len(everyone), seconds=time.perf_counter() - started)
        elif command == "talk":
            talking = True
            if sender is None and msg_rate > 0 and talkers > 0:
                sender = loop.create_task(talk())
            say(talking=True)
        elif command == "quiet":
            talking = False
            say(talking=False)
        elif command == "report":
            frames = [c.frames for c in everyone]
            say(frames=sum(frames), frames_min=min(frames, default=0),
                with_frames=sum(1 for f in frames if f), sent=sent,
                closed=sum(1 for c in everyone if c.ws is None or c.ws.closed))
        else:  # "close" or the end of stdin: say goodbye, bounded, and leave
            if sender is not None:
                sender.cancel()
            for c in everyone:
                if c.ws is not None:
                    c.ws.close()
            deadline = loop.time() + 5
            while loop.time() < deadline and not all(c.ws is None or c.ws.closed
                                                     for c in everyone):
                await asyncio.sleep(0.05)
            for c in everyone:
                if c.ws is not None and not c.ws.closed:
                    c.ws.abort()
            await asyncio.sleep(0.05)
            return


# -- the command -------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=15.0, help="each measuring window")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--frame-bytes", type=int, default=500)
    parser.add_argument("--tick-rate", type=float, default=10.0)
    parser.add_argument("--talkers", type=float, default=0.25, help="share of clients that send")
    parser.add_argument("--msg-rate", type=float, default=2.0, help="messages/s per talker")
    parser.add_argument("--stacks", default="A,B,C")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--generator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--core", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    raise_fd_limit()
    if args.generator:
        if args.core is not None and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {args.core})
        eventloop.run(generate(args.port, args.clients, args.talkers, args.msg_rate))
        return

    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    server_core = cores[0] if cores else None
    generator_core = cores[1] if len(cores) > 1 else None
    if server_core is not None:
        os.sched_setaffinity(0, {server_core})
    options = Options(clients=args.clients, seconds=args.seconds, warmup=args.warmup,
                      frame_bytes=args.frame_bytes, tick_rate=args.tick_rate,
                      talkers=args.talkers, msg_rate=args.msg_rate, server_core=server_core,
                      generator_core=generator_core)
    names = [s.strip().upper() for s in args.stacks.split(",") if s.strip()]
    command = shlex.join([Path(sys.executable).name, *sys.argv])
    about = machine()
    print(f"machine: {about['cpu']}, {about['cores']} cores, Python {about['python']}, "
          f"load average {about['load_average'][0]:.2f}")
    print(f"command: {command}")
    print(f"server on core {server_core}, generator on core {generator_core}; "
          f"{options.clients} clients, {options.talkers:.0%} sending {options.msg_rate}/s, "
          f"{options.frame_bytes}-byte frames at {options.tick_rate}/s in groups of {GROUP}; "
          f"windows of {options.seconds} s after {options.warmup} s")
    results: list[Result] = []
    for name in names:
        if not available(name):
            print(f"stack {name}: skipped (websockets is not importable)")
            continue
        result = run_stack(name, options)
        results.append(result)
        print(f"  {name}: {result.connected}/{result.clients} connected, "
              f"{result.clients_with_frames} got frames", flush=True)
    print(table(results))
    print("hs us: server CPU per handshake; us/cl/tick: CPU per client per tick, quiet window "
          "(+talk: the talking window's); us/msg: (talking CPU - its writes at the quiet price)"
          " / messages")
    if args.out:
        about["load_average_after"] = os.getloadavg()
        args.out.write_text(json.dumps({"machine": about, "command": command,
                                        "options": asdict(options),
                                        "results": [asdict(r) for r in results]}, indent=2))


if __name__ == "__main__":
    main()
