"""The HTTP side: the page, its files, the WebSocket endpoint and the JSON API."""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
from importlib import resources
from pathlib import Path

import msgspec
from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.typedefs import Handler

from ..settings import Settings
from .client import Client
from .hub import Hub
from .session import Session

log = logging.getLogger("snakepit.http")

HUB = web.AppKey("hub", Hub)
#: Messages over this size are cut off by aiohttp itself (close 1009), unread.
HARD_MESSAGE_LIMIT = 64 * 1024
SOCKETS = web.AppKey("sockets", set[web.WebSocketResponse])
WEB_DIR = Path(str(resources.files("snakepit") / "web"))

_CSP = ("default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
        "style-src 'self'; frame-ancestors 'none'")


def create_app(settings: Settings) -> web.Application:
    """A ready-to-run aiohttp application for ``settings``."""
    app = web.Application(middlewares=[_security_headers])
    app[HUB] = Hub(settings)
    app[SOCKETS] = set()
    app.on_startup.append(_start)
    app.on_shutdown.append(_say_goodbye)
    app.on_cleanup.append(_stop)
    app.router.add_get("/", _index)
    app.router.add_get("/ws", _websocket)
    app.router.add_get("/api/top-scores", _top_scores)
    app.router.add_get("/api/arenas", _arenas)
    app.router.add_get("/api/stats", _stats)
    app.router.add_static("/static", WEB_DIR)
    return app


async def _start(app: web.Application) -> None:
    await app[HUB].start()


async def _stop(app: web.Application) -> None:
    await app[HUB].stop()


async def _say_goodbye(app: web.Application) -> None:
    """Finish every game (so it is recorded), then close every WebSocket with 1001 so
    clients know the server is going away."""
    await app[HUB].finish_games()
    sockets = list(app[SOCKETS])
    await asyncio.gather(
        *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
          for ws in sockets),
        return_exceptions=True,
    )


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})


async def _top_scores(request: web.Request) -> web.Response:
    """``{"all_time": [...], "today": [...]}``: the lists the clients see, as JSON."""
    lists = request.app[HUB].scoreboard.lists
    body = msgspec.json.encode({"all_time": lists.all_time, "today": lists.today})
    return web.Response(body=body, content_type="application/json")


async def _arenas(request: web.Request) -> web.Response:
    """The open arenas, liveliest first: id, players, spectators, best score now."""
    runners = sorted(request.app[HUB].arenas.runners.values(),
                     key=lambda r: (-r.player_count, r.serial))
    body = msgspec.json.encode({"arenas": [
        {"id": r.name, "public": r.public, "players": r.player_count,
         "max_players": r.max_players, "spectators": r.watchers, "best": r.best_score}
        for r in runners
    ]})
    return web.Response(body=body, content_type="application/json")


async def _stats(request: web.Request) -> web.Response:
    """Load figures: arenas, clients, and the ticks between ``?since=`` and ``?until=``
    (``time.monotonic()`` values; by default all the ticks kept)."""
    hub = request.app[HUB]
    try:
        since = float(request.query.get("since", "0"))
        until = float(request.query.get("until", "inf"))
    except ValueError:
        raise web.HTTPBadRequest(text="since and until are time.monotonic() values")
    runners = list(hub.arenas.runners.values())
    body = {
        "now": time.monotonic(),
        "arenas": len(runners),
        "clients": sum(len(r.clients) for r in runners),
        "players": sum(r.player_count for r in runners),
        "tick_rate": hub.settings.tick_rate,
        **hub.stats.summary(since, 1 / hub.settings.tick_rate, until),
    }
    return web.Response(body=msgspec.json.encode(body), content_type="application/json")


async def _websocket(request: web.Request) -> web.WebSocketResponse:
    hub = request.app[HUB]
    settings = hub.settings
    # aiohttp's own limit is only the hard stop (close 1009); messages over the protocol's
    # limit but under this one are refused by the session with an error message.
    # Each connection's ping interval is jittered by up to 25 %, so that clients who arrived
    # together (a burst of connections) are not all pinged in the same instant for ever.
    ws = web.WebSocketResponse(compress=False, max_msg_size=HARD_MESSAGE_LIMIT,
                               heartbeat=settings.heartbeat * random.uniform(0.75, 1.25))
    await ws.prepare(request)
    transport = request.transport
    if transport is not None and settings.socket_send_buffer is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, settings.socket_send_buffer)
    peer = request.remote or "?"
    client = Client(hub.next_client_id(), transport, peer, settings.send_buffer_limit)
    session = Session(client, hub.arenas, max_strikes=settings.max_strikes,
                      top_scores=lambda: hub.scoreboard.frame,
                      max_message_bytes=settings.max_message_bytes)
    log.info("connect client=%d peer=%s", client.id, peer)
    request.app[SOCKETS].add(ws)
    try:
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                session.on_text(message.data)
            elif message.type is WSMsgType.BINARY:
                session.on_binary()
            if session.close_with is not None:
                code, reason = session.close_with
                session.leave()  # no frame may follow the close frame
                client.dropped = reason
                await ws.close(code=code, message=reason.encode())
                break
    finally:
        request.app[SOCKETS].discard(ws)
        session.leave()
        log.info("disconnect client=%d reason=%s close_code=%s", client.id,
                 client.dropped or ("shutdown" if hub.closing else "client"), ws.close_code)
    return ws
