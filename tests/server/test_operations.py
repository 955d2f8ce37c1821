"""What an operator sees: /healthz, /metrics in Prometheus' format, and the history behind
/stats. A real server on a real port, real WebSocket clients."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from snakepit.client import Connection
from snakepit.server import create_app
from snakepit.server.metrics import WORK_BUCKETS, Census, Metrics
from snakepit.settings import Settings

from .playing import play, until
from .rawclient import open_raw_client
from .test_slow_client import HELLO_AND_JOIN

Figures = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def get(server, path: str) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as http, http.get(server.make_url(path)) as response:
        return response.status, dict(response.headers), await response.read()


async def get_json(server, path: str) -> tuple[int, Any]:
    status, _, body = await get(server, path)
    return status, json.loads(body)


async def scrape(server) -> Figures:
    """Every sample of /metrics, by name and labels."""
    status, headers, body = await get(server, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def figure(figures: Figures, name: str, **labels: str) -> float:
    return figures[(name, tuple(sorted(labels.items())))]


# -- /healthz ---------------------------------------------------------------------------------


async def test_healthz_says_live_and_ready_with_200_while_the_server_runs(server, connect):
    await connect("Watcher")
    status, health = await get_json(server, "/healthz")
    assert status == 200
    assert health["status"] == "ok"
    assert health["live"] is True and health["ready"] is True
    assert health["arenas"] == 1 and health["connections"] == 1
    assert health["checks"]["database"] is True
    assert health["checks"]["scoreboard_writer"] is True
    assert health["uptime_s"] >= 0


async def test_healthz_says_not_ready_with_503_once_the_server_is_stopping(server, hub):
    await hub.finish_games()
    status, health = await get_json(server, "/healthz")
    assert status == 503
    assert health["status"] == "stopping"
    assert health["live"] is True and health["ready"] is False


async def test_healthz_says_not_ready_with_503_when_the_database_cannot_be_read(server, hub):
    path = hub.store.path
    path.rename(path.with_name("elsewhere.sqlite3"))
    status, health = await get_json(server, "/healthz")
    assert status == 503
    assert health["ready"] is False and health["checks"]["database"] is False


# -- /metrics ---------------------------------------------------------------------------------


async def test_metrics_count_connections_players_spectators_ticks_and_bytes(
    server, hub, connect
):
    player = await connect("Player")
    await connect("Watcher")
    await play(player)
    start = hub.metrics.ticks
    await until(player, "frame", lambda f: hub.metrics.ticks >= start + 10)

    figures = await scrape(server)
    assert figure(figures, "snakepit_connections") == 2
    assert figure(figures, "snakepit_connections_opened_total") == 2
    assert figure(figures, "snakepit_players") == 1
    assert figure(figures, "snakepit_spectators") == 1
    assert figure(figures, "snakepit_bots") == 0
    assert figure(figures, "snakepit_arenas") == 1
    ticks = figure(figures, "snakepit_ticks_total")
    assert ticks >= 10
    assert figure(figures, "snakepit_bytes_sent_total") > 0
    assert figure(figures, "snakepit_tick_work_seconds_count") == ticks
    assert figure(figures, "snakepit_tick_work_seconds_bucket", le="+Inf") == ticks
    assert figure(figures, "snakepit_tick_work_seconds_sum") > 0
    assert figure(figures, "snakepit_tick_overruns_total") >= 0
    assert figure(figures, "snakepit_uptime_seconds") > 0


async def test_metrics_follow_people_leaving(server, hub, connect):
    player = await connect("Player")
    await play(player)
    await player.close()
    await asyncio.wait_for(_until(lambda: hub.metrics.census().connections == 0), 10)
    figures = await scrape(server)
    assert figure(figures, "snakepit_connections") == 0
    assert figure(figures, "snakepit_players") == 0


async def test_a_client_cut_for_being_slow_is_counted_as_dropped_slow(snakepit_server, tmp_path):
    # Small buffers so a client that never reads fills them within seconds.
    settings = Settings(data_dir=tmp_path / "data", tick_rate=100, seed=7, port=0, bots=0,
                        send_buffer_limit=16 * 1024, socket_send_buffer=4096)
    server = await snakepit_server(create_app(settings))
    hub = server.app.hub
    async with await Connection.open(str(server.make_url("/ws"))) as player:
        await player.hello("Reader")
        await play(player)
        arena = hub.arenas.get(player.welcome.arena)
        stalled = open_raw_client(server.host, server.port, *HELLO_AND_JOIN)
        try:
            await until(player, "frame", lambda f: len(arena.clients) == 2)
            await until(player, "frame", lambda f: len(arena.clients) == 1, timeout=60)
            figures = await scrape(server)
        finally:
            stalled.close()
    assert figure(figures, "snakepit_clients_dropped_total", reason="slow") == 1


async def test_each_server_has_its_own_registry(server, tmp_path):
    other = create_app(Settings(data_dir=tmp_path / "other", port=0, bots=0))
    assert other.metrics.registry is not server.app.metrics.registry
    assert server.app.hub.metrics is server.app.metrics


# -- /api/stats/history and /stats -------------------------------------------------------------


async def test_the_history_has_about_one_sample_a_second(server, connect):
    await connect("Watcher")  # someone in the arena, so that it ticks
    await asyncio.sleep(2.5)
    status, history = await get_json(server, "/api/stats/history")
    assert status == 200
    assert history["interval_s"] == 1 and history["keep"] == 600
    samples = history["samples"]
    assert 2 <= len(samples) <= 4
    last = samples[-1]
    assert last["connections"] == 1 and last["spectators"] == 1 and last["arenas"] == 1
    assert 40 <= last["ticks"] <= 60  # 50 ticks a second
    assert last["bytes_per_s"] > 0
    assert 0 < last["work_p50_ms"] <= last["work_p99_ms"]
    assert samples[-1]["t"] - samples[-2]["t"] == pytest.approx(1, abs=0.3)
    assert history["totals"]["ticks"] > 0
    assert history["totals"]["dropped"] == {} and history["totals"]["rejected"] == {}


async def test_the_stats_page_is_served_under_the_content_security_policy(server):
    status, headers, body = await get(server, "/stats")
    assert status == 200
    assert b'<script type="module" src="/static/js/stats.js">' in body
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'self'
    assert b"<script>" not in body and b"style=" not in body


# -- the hooks, on their own --------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_tick_lands_in_the_first_bucket_at_or_above_its_work():
    metrics = Metrics()
    metrics.tick(0.0003, 0.0, 500, 4, overrun=False)  # 0.3 ms: in le=0.0005
    metrics.tick(0.0005, 0.0, 500, 4, overrun=True)  # on the bound: le=0.0005 too
    metrics.tick(1.5, 0.0, 500, 0, overrun=True)  # beyond every bound: +Inf
    assert metrics.work_buckets[WORK_BUCKETS.index(0.0005)] == 2
    assert metrics.work_buckets[-1] == 1
    assert metrics.ticks == 3 and metrics.overruns == 2
    assert metrics.bytes_sent == 500 * 4 * 2


async def test_a_sample_holds_the_rates_and_percentiles_of_its_second():
    clock = FakeClock()
    metrics = Metrics(clock=clock, wall_clock=lambda: 1_700_000_000.0,
                      census=lambda: Census(connections=3, players=2, spectators=1, arenas=1))
    await metrics.start()
    try:
        clock.now += 0.5
        for i in range(100):
            metrics.tick((i + 1) / 1000, 0.002, 100, 3, overrun=i >= 98)
        metrics.dropped("slow")
        metrics.rejected("bad-json")
        metrics.rejected("bad-json")
        clock.now += 0.5
        sample = metrics.sample()
    finally:
        await metrics.stop()
    assert sample.ticks == 100
    assert sample.work_p50_ms == 51 and sample.work_p99_ms == 100
    assert sample.late_max_ms == 2
    assert sample.overruns == 2
    assert sample.bytes_per_s == 100 * 3 * 100
    assert sample.drops == 1 and sample.rejects == 2
    assert (sample.connections, sample.players, sample.spectators) == (3, 2, 1)
    assert list(metrics.history) == [sample]


async def _until(check, interval: float = 0.02) -> None:
    while not check():
        await asyncio.sleep(interval)
