"""Which fan-out is cheaper per client: aiohttp's send_str, or writing a frame built once?

Starts an aiohttp WebSocket server in this process (pinned to core 0) and a reader process
(pinned to core 1) that opens N raw WebSocket connections to 127.0.0.1 and discards what
arrives. Then, for each method, sends ROUNDS messages of SIZE bytes to every client, one
round per 10 ms, and measures the server's CPU time per client write:

- send_str: ``await ws.send_str(text)`` for each client (aiohttp frames each one itself);
- frame once: the frame is built once per round and ``transport.write(frame)`` per client.

Usage: .venv/bin/python benchmarks/fanout.py [--clients 1000] [--rounds 200] [--size 200]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing
import os
import resource

from aiohttp import web

from snakepit import eventloop
from snakepit.websocket import text_frame


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reader(port: int, clients: int, ready: multiprocessing.Event, stop: multiprocessing.Event) -> None:
    """Open ``clients`` raw WebSocket connections and read everything until told to stop."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {1 % os.cpu_count()})

    class Sink(asyncio.Protocol):
        def data_received(self, data: bytes) -> None:
            pass

    async def main() -> None:
        loop = asyncio.get_running_loop()
        transports = []
        for _ in range(clients):
            transport, _ = await loop.create_connection(Sink, "127.0.0.1", port)
            key = base64.b64encode(os.urandom(16)).decode()
            transport.write(
                f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n".encode())
            transports.append(transport)
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for transport in transports:
            transport.close()

    eventloop.run(main())


async def measure(clients: int, rounds: int, size: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    sockets: list[web.WebSocketResponse] = []
    transports: list[asyncio.Transport] = []
    everyone = asyncio.Event()

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        sockets.append(ws)
        assert request.transport is not None
        transports.append(request.transport)
        if len(sockets) == clients:
            everyone.set()
        async for _ in ws:
            pass
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
    await site.start()
    port = runner.addresses[0][1]
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    proc = multiprocessing.Process(target=reader, args=(port, clients, ready, stop))
    proc.start()
    await asyncio.wait_for(everyone.wait(), 120)

    text = "x" * size
    payload = text.encode()

    async def send_str() -> None:
        for ws in sockets:
            await ws.send_str(text)

    async def frame_once() -> None:
        frame = text_frame(payload)
        for transport in transports:
            transport.write(frame)

    for name, method in (("send_str", send_str), ("frame once", frame_once)) * 2:
        await asyncio.sleep(0.5)
        spent = 0.0
        for _ in range(rounds):
            before = cpu_seconds()
            await method()
            spent += cpu_seconds() - before
            await asyncio.sleep(0.01)
        per_write = spent / (rounds * clients) * 1e6
        print(f"{name:>10}: {per_write:6.2f} us of server CPU per client write "
              f"({clients} clients, {rounds} rounds, {size}-byte messages)")
    stop.set()
    proc.join(10)
    await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--size", type=int, default=200)
    args = parser.parse_args()
    eventloop.run(measure(args.clients, args.rounds, args.size))
