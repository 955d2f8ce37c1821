"""A known-good third-party echo server, to check the harness itself (not Snakepit's code).

    python tools/autobahn/reference_echo.py --port 9001 [--impl aiohttp|websockets]

aiohttp (a dependency of the project, so in .venv) or the websockets library (install it
into a throwaway venv: python3 -m venv /tmp/ws-ref && /tmp/ws-ref/bin/pip install websockets).
Both echo text and binary, with no message size limit and no compression.
"""

from __future__ import annotations

import argparse
import asyncio


async def aiohttp_server(host: str, port: int) -> None:
    from aiohttp import WSMsgType, web

    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, compress=False, autoping=True)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                await ws.send_str(msg.data)
            elif msg.type is WSMsgType.BINARY:
                await ws.send_bytes(msg.data)
        return ws

    app = web.Application()
    app.router.add_get("/{tail:.*}", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    await asyncio.Event().wait()


async def websockets_server(host: str, port: int) -> None:
    from websockets.asyncio.server import serve

    async def echo(ws) -> None:  # type: ignore[no-untyped-def]
        async for message in ws:
            await ws.send(message)

    async with serve(echo, host, port, max_size=None, compression=None):
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--impl", choices=("aiohttp", "websockets"), default="aiohttp")
    args = parser.parse_args()
    server = aiohttp_server if args.impl == "aiohttp" else websockets_server
    try:
        asyncio.run(server(args.host, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
