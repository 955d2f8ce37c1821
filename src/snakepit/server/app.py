"""The HTTP side: the page, its files, the WebSocket endpoint and the JSON API."""

from __future__ import annotations

import asyncio
import logging
import time
from importlib import resources
from pathlib import Path

import msgspec
from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ..replay import RecordingError, is_replay_id
from ..settings import Settings
from .connections import Connections, GameConnection
from .frontdoor import UPGRADES
from .guards import AddressCounter
from .hub import Hub
from .metrics import Metrics, census_of, database_answers

log = logging.getLogger("snakepit.http")

HUB = web.AppKey("hub", Hub)
METRICS = web.AppKey("metrics", Metrics)
#: Seconds /healthz waits for the database before calling it broken.
HEALTH_DB_TIMEOUT = 1.0
CONNECTIONS = web.AppKey("connections", Connections)
#: The open game connections (``Connections.open``).
SOCKETS = web.AppKey("sockets", set[GameConnection])
WEB_DIR = Path(str(resources.files("snakepit") / "web"))

_CSP = ("default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
        "style-src 'self'; frame-ancestors 'none'")


def create_app(settings: Settings) -> web.Application:
    """A ready-to-run aiohttp application for ``settings``."""
    app = web.Application(middlewares=[_security_headers])
    metrics = app[METRICS] = Metrics()
    hub = app[HUB] = Hub(settings, metrics=metrics)
    connections = app[CONNECTIONS] = Connections(
        hub, AddressCounter(settings.max_connections_per_address))
    app[UPGRADES] = connections.routes()
    app[SOCKETS] = sockets = connections.open
    metrics.census = lambda: census_of(hub.arenas.runners.values(), len(sockets))
    app.on_startup.append(_start)
    app.on_startup.append(_start_metrics)
    app.on_shutdown.append(_say_goodbye)
    app.on_cleanup.append(_stop)
    app.on_cleanup.append(_stop_metrics)
    app.router.add_get("/", _index)
    app.router.add_get("/ws", _upgrade_required)
    app.router.add_get("/connect", _upgrade_required)
    app.router.add_get("/api/top-scores", _top_scores)
    app.router.add_get("/api/arenas", _arenas)
    app.router.add_get("/api/stats", _stats)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/stats", _stats_page)
    app.router.add_get("/api/stats/history", _stats_history)
    app.router.add_get("/api/replays", _replays)
    app.router.add_get("/api/replays/{id}", _replay)
    app.router.add_get("/replay", _replay_page)
    app.router.add_static("/static", WEB_DIR)
    return app


async def _start(app: web.Application) -> None:
    await app[HUB].start()
    app[CONNECTIONS].start()


async def _stop(app: web.Application) -> None:
    await app[CONNECTIONS].stop()
    await app[HUB].stop()


async def _start_metrics(app: web.Application) -> None:
    await app[METRICS].start()


async def _stop_metrics(app: web.Application) -> None:
    await app[METRICS].stop()


async def _say_goodbye(app: web.Application) -> None:
    """Finish every game (so it is recorded), then close every WebSocket with 1001 so
    clients know the server is going away."""
    await app[HUB].finish_games()
    await app[CONNECTIONS].goodbye(1001, "server shutting down")


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
    """The open arenas, liveliest first: id, players (people), bots, spectators, best
    score now."""
    runners = sorted(request.app[HUB].arenas.runners.values(),
                     key=lambda r: (-r.humans, -r.player_count, r.serial))
    body = msgspec.json.encode({"arenas": [
        {"id": r.name, "public": r.public, "players": r.humans,
         "bots": r.player_count - r.humans,
         "max_players": r.max_players, "spectators": r.watchers, "best": r.best_score}
        for r in runners
    ]})
    return web.Response(body=body, content_type="application/json")


async def _stats(request: web.Request) -> web.Response:
    """Load figures: arenas, clients, and the ticks between ``?since=`` and ``?until=``
    (``time.monotonic()`` values; by default the last 10 seconds, and never more than the
    last 60: the figures are worked out on the event loop, so a window is kept short)."""
    hub = request.app[HUB]
    now = time.monotonic()
    try:
        since = max(float(request.query.get("since", now - 10)), now - 60)
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


async def _healthz(request: web.Request) -> web.Response:
    """Liveness and readiness as JSON: 200 when ready for players, 503 when not (the server
    is stopping, the scoreboard's writer has ended, or the database does not answer)."""
    hub = request.app[HUB]
    metrics = request.app[METRICS]
    writer = getattr(hub.scoreboard, "_task", None)  # Scoreboard has no public flag for it
    writer_alive = writer is not None and not writer.done()
    started = time.perf_counter()
    try:
        database = await asyncio.wait_for(
            asyncio.to_thread(database_answers, hub.store.path, HEALTH_DB_TIMEOUT),
            2 * HEALTH_DB_TIMEOUT)
    except TimeoutError:
        database = False
    database_ms = (time.perf_counter() - started) * 1000
    ready = not hub.closing and writer_alive and database
    census = metrics.census()
    body = {
        "status": "stopping" if hub.closing else "ok" if ready else "degraded",
        "live": True,
        "ready": ready,
        "uptime_s": round(metrics.uptime, 3),
        "arenas": census.arenas,
        "connections": census.connections,
        "players": census.players,
        "spectators": census.spectators,
        "checks": {
            "scoreboard_writer": writer_alive,
            "database": database,
            "database_ms": round(database_ms, 3),
        },
    }
    return web.Response(body=msgspec.json.encode(body), status=200 if ready else 503,
                        content_type="application/json",
                        headers={"Cache-Control": "no-store"})


async def _metrics(request: web.Request) -> web.Response:
    """Every metric in Prometheus' text format."""
    return web.Response(body=generate_latest(request.app[METRICS].registry),
                        headers={"Content-Type": CONTENT_TYPE_LATEST,
                                 "Cache-Control": "no-store"})


async def _replays(request: web.Request) -> web.Response:
    """The newest recordings (``?limit=``, 1-200, default 50), newest first: id, arena,
    started, ticks, seconds, players, bots, live (still recording), complete."""
    try:
        limit = max(1, min(200, int(request.query.get("limit", "50"))))
    except ValueError:
        raise web.HTTPBadRequest(text="limit is a number of recordings\n")
    found = await asyncio.to_thread(request.app[HUB].replays.summaries, limit)
    body = msgspec.json.encode({"replays": [summary.as_json() for summary in found]})
    return web.Response(body=body, content_type="application/json",
                        headers={"Cache-Control": "no-store"})


async def _replay(request: web.Request) -> web.Response:
    """One window of a recording for the viewer (``?from=TICK&count=TICKS``): the snapshot
    at ``from`` and the frames after it, as live clients got them (docs/replays.md). 400 for
    anything that is not a recording id, 404 for an unknown one."""
    replay_id = request.match_info["id"]
    if not is_replay_id(replay_id):
        raise web.HTTPBadRequest(text="not a recording id\n")
    try:
        start = int(request.query.get("from", "0"))
        count = int(request.query.get("count", "500"))
    except ValueError:
        raise web.HTTPBadRequest(text="from and count are numbers of ticks\n")
    try:
        body = await asyncio.to_thread(request.app[HUB].replays.window, replay_id, start,
                                       count)
    except FileNotFoundError:
        raise web.HTTPNotFound(text="no such recording\n")
    except RecordingError as exc:
        return web.json_response({"error": str(exc)}, status=422)
    response = web.Response(body=body, content_type="application/json",
                            headers={"Cache-Control": "no-store"})
    response.enable_compression()
    return response


async def _replay_page(request: web.Request) -> web.FileResponse:
    """The replay viewer (``/replay?id=ID&tick=N``)."""
    return web.FileResponse(WEB_DIR / "replay.html", headers={"Cache-Control": "no-cache"})


async def _stats_page(request: web.Request) -> web.FileResponse:
    """The operator's page: the history below as charts."""
    return web.FileResponse(WEB_DIR / "stats.html", headers={"Cache-Control": "no-cache"})


async def _stats_history(request: web.Request) -> web.Response:
    """One sample a second for the last ten minutes, and the running totals."""
    return web.Response(body=request.app[METRICS].history_json(),
                        content_type="application/json",
                        headers={"Cache-Control": "no-store"})


async def _upgrade_required(request: web.Request) -> web.Response:
    """``/ws`` and ``/connect`` without a WebSocket upgrade (the upgrades themselves are
    served by the front door before aiohttp sees them: connections.py)."""
    return web.Response(status=426, text="this address is for WebSocket connections\n",
                        headers={"Upgrade": "websocket", "Sec-WebSocket-Version": "13"})
