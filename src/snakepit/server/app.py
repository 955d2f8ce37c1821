"""The server: the page, its files, the WebSocket endpoints and the JSON API, on one
HTTP/1.1 implementation (http.py) — :func:`create_app` composes it, :meth:`App.start`
runs it."""

from __future__ import annotations

import asyncio
import logging
import time
from importlib import resources
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ..replay import RecordingError, is_replay_id
from ..settings import Settings
from .connections import Connections, GameConnection
from .guards import AddressCounter, HostNames
from .http import HttpServer
from .hub import Hub
from .metrics import Metrics, census_of, database_answers
from .web import (HTTPError, Request, Response, Router, StaticFiles, json_response,
                  number, text_response, whole_number)

log = logging.getLogger("snakepit.http")

#: Seconds /healthz waits for the database before calling it broken.
HEALTH_DB_TIMEOUT = 1.0
WEB_DIR = Path(str(resources.files("snakepit") / "web"))


class App:
    """One server process's parts: the hub (arenas, scores, recordings), its metrics, the
    game's connections and the HTTP server in front of them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.metrics = metrics = Metrics()
        self.hub = hub = Hub(settings, metrics=metrics)
        self.hosts = HostNames.of(settings.host, settings.allowed_hosts)
        self.connections = connections = Connections(
            hub, AddressCounter(settings.max_connections_per_address), self.hosts)
        #: The open game connections (``Connections.open``).
        self.sockets: set[GameConnection] = connections.open
        metrics.census = lambda: census_of(hub.arenas.runners.values(),
                                           len(connections.open))
        self.files = StaticFiles(WEB_DIR)
        self.router = _routes(self)
        self.http = HttpServer(
            self.router, connections.routes(), self.hosts,
            header_timeout=settings.header_timeout,
            keepalive_timeout=settings.keepalive_timeout,
            # Behind a trusted proxy every socket is the proxy's: no cap would be fair.
            max_per_address=0 if settings.trust_proxy else settings.max_http_per_address,
            on_refuse=metrics.rejected)

    async def start(self, host: str | None = None, port: int | None = None) -> None:
        """Start the game, then listen on ``host:port`` (the settings' by default)."""
        await self.hub.start()
        self.connections.start()
        await self.metrics.start()
        await self.http.start(self.settings.host if host is None else host,
                              self.settings.port if port is None else port)

    @property
    def port(self) -> int:
        """The port it listens on (the one picked when asked for port 0)."""
        return self.http.port

    @property
    def addresses(self) -> list[tuple[str, int]]:
        return self.http.addresses_listening

    async def stop(self) -> None:
        """Stop listening; finish every game (so it is recorded); close every WebSocket
        with 1001 so clients know the server is going away; then stop everything."""
        self.http.stop_listening()
        await self.hub.finish_games()
        await self.connections.goodbye(1001, "server shutting down")
        await self.http.close()
        await self.connections.stop()
        await self.hub.stop()
        await self.metrics.stop()


def create_app(settings: Settings) -> App:
    """A ready-to-start server for ``settings``."""
    return App(settings)


def _routes(app: App) -> Router:
    router = Router()
    page = lambda name: lambda request: app.files.response(request, name)  # noqa: E731
    router.add("/", page("index.html"))
    router.add("/stats", page("stats.html"))  # the operator's page: the history as charts
    router.add("/replay", page("replay.html"))  # the replay viewer (/replay?id=ID&tick=N)
    router.add_prefix("/static/", lambda request: app.files.response(request, request.tail))
    router.add("/ws", _upgrade_required)
    router.add("/connect", _upgrade_required)
    router.add("/api/top-scores", lambda request: _top_scores(app, request))
    router.add("/api/arenas", lambda request: _arenas(app, request))
    router.add("/api/stats", lambda request: _stats(app, request))
    router.add("/api/stats/history", lambda request: _stats_history(app, request))
    router.add("/api/replays", lambda request: _replays(app, request))
    router.add_prefix("/api/replays/", lambda request: _replay(app, request))
    router.add("/healthz", lambda request: _healthz(app, request))
    router.add("/metrics", lambda request: _metrics(app, request))
    return router


def _top_scores(app: App, request: Request) -> Response:
    """``{"all_time": [...], "today": [...]}``: the lists the clients see, as JSON."""
    lists = app.hub.scoreboard.lists
    return json_response({"all_time": lists.all_time, "today": lists.today})


def _arenas(app: App, request: Request) -> Response:
    """The open arenas, liveliest first: id, players (people), bots, spectators, best
    score now."""
    runners = sorted(app.hub.arenas.runners.values(),
                     key=lambda r: (-r.humans, -r.player_count, r.serial))
    return json_response({"arenas": [
        {"id": r.name, "public": r.public, "players": r.humans,
         "bots": r.player_count - r.humans,
         "max_players": r.max_players, "spectators": r.watchers, "best": r.best_score}
        for r in runners
    ]})


def _stats(app: App, request: Request) -> Response:
    """Load figures: arenas, clients, and the ticks between ``?since=`` and ``?until=``
    (``time.monotonic()`` values; by default the last 10 seconds, and never more than the
    last 60: the figures are worked out on the event loop, so a window is kept short).
    Anything but a finite number is a 400; out-of-range values are clamped."""
    hub = app.hub
    now = time.monotonic()
    since = number(request, "since", now - 10, now - 60, now)
    until = number(request, "until", now, since, now)
    runners = list(hub.arenas.runners.values())
    body = {
        "now": time.monotonic(),
        "arenas": len(runners),
        "clients": sum(len(r.clients) for r in runners),
        "players": sum(r.player_count for r in runners),
        "tick_rate": hub.settings.tick_rate,
        **hub.stats.summary(since, 1 / hub.settings.tick_rate, until),
    }
    return json_response(body)


async def _healthz(app: App, request: Request) -> Response:
    """Liveness and readiness as JSON: 200 when ready for players, 503 when not (the server
    is stopping, the scoreboard's writer has ended, or the database does not answer)."""
    hub, metrics = app.hub, app.metrics
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
    return json_response(body, 200 if ready else 503, no_store=True)


def _metrics(app: App, request: Request) -> Response:
    """Every metric in Prometheus' text format."""
    return Response(200, generate_latest(app.metrics.registry), CONTENT_TYPE_LATEST,
                    [("Cache-Control", "no-store")])


async def _replays(app: App, request: Request) -> Response:
    """The newest recordings (``?limit=``, 1-200, default 50), newest first: id, arena,
    started, ticks, seconds, players, bots, live (still recording), complete."""
    limit = whole_number(request, "limit", 50, 1, 200)
    found = await asyncio.to_thread(app.hub.replays.summaries, limit)
    return json_response({"replays": [summary.as_json() for summary in found]},
                         no_store=True)


async def _replay(app: App, request: Request) -> Response:
    """One window of a recording for the viewer (``?from=TICK&count=TICKS``): the snapshot
    at ``from`` and the frames after it, as live clients got them (docs/replays.md). 400 for
    anything that is not a recording id, 404 for an unknown one."""
    replay_id = request.tail
    if not is_replay_id(replay_id):
        raise HTTPError(400, "not a recording id")
    start = whole_number(request, "from", 0, 0, 1 << 40)
    count = whole_number(request, "count", 500, 0, 1 << 40)
    try:
        body = await asyncio.to_thread(app.hub.replays.window, replay_id, start, count)
    except FileNotFoundError:
        raise HTTPError(404, "no such recording") from None
    except RecordingError as exc:
        return json_response({"error": str(exc)}, 422)
    return await asyncio.to_thread(json_response, body, no_store=True, request=request)


def _stats_history(app: App, request: Request) -> Response:
    """One sample a second for the last ten minutes, and the running totals."""
    return json_response(app.metrics.history_json(), no_store=True)


def _upgrade_required(request: Request) -> Response:
    """``/ws`` and ``/connect`` without a WebSocket upgrade (the upgrades themselves are
    answered by connections.py)."""
    return text_response(426, "this address is for WebSocket connections\n",
                         [("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13")])
