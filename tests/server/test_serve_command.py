"""`snakepit serve` as a user runs it: a separate process, its printed address, its files."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from snakepit.client import Connection

from .playing import play, toward_wall, until

SNAKEPIT = str(Path(sys.executable).with_name("snakepit"))


class ServerProcess:
    """A `snakepit serve` child process and the address it printed."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
        self.proc = subprocess.Popen(
            [SNAKEPIT, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, **(env or {})}, cwd=cwd,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"open (http://\S+/) in a browser", line)
        assert match, f"unexpected first line: {line!r}"
        self.url = match.group(1)
        self.ws_url = self.url.replace("http://", "ws://") + "ws"

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=20)


@pytest.fixture
def spawn_server():
    started: list[ServerProcess] = []

    def start(*args: str, **kwargs) -> ServerProcess:
        server = ServerProcess(*args, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


async def get_json(url: str):
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as response:
            assert response.status == 200
            return await response.json()


async def play_until_dead(url: str, name: str) -> None:
    async with await Connection.open(url) as conn:
        await conn.hello(name)
        await until(conn, "snapshot")
        snake_id = await play(conn)
        await conn.turn(toward_wall(conn.view, snake_id))
        await until(conn, "died")


async def test_serve_prints_its_address_serves_the_page_and_plays(spawn_server, tmp_path):
    server = spawn_server("--data-dir", str(tmp_path / "data"), "--tick-rate", "50")
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url) as response:
            assert response.status == 200
            assert "<canvas" in await response.text()
    await play_until_dead(server.ws_url, "Subprocess")
    assert server.stop() == 0


async def test_serve_reads_its_settings_from_the_environment(spawn_server, tmp_path):
    server = spawn_server(env={"SNAKEPIT_WORLD_SIZE": "30x20", "SNAKEPIT_MAX_PLAYERS": "3",
                               "SNAKEPIT_DATA_DIR": str(tmp_path / "envdata")})
    async with await Connection.open(server.ws_url) as conn:
        await conn.hello("Env")
        welcome = await until(conn, "welcome")
    assert (welcome.width, welcome.height, welcome.max_players) == (30, 20, 3)
    assert (tmp_path / "envdata" / "scores.sqlite3").exists()


async def test_the_default_data_dir_is_created_in_the_current_directory(spawn_server, tmp_path):
    spawn_server(cwd=tmp_path)
    assert (tmp_path / "snakepit-data" / "scores.sqlite3").exists()


async def test_top_scores_survive_sigkill(spawn_server, tmp_path):
    data = tmp_path / "data"
    server = spawn_server("--data-dir", str(data), "--tick-rate", "50")
    names = [f"Survivor{i}" for i in range(4)]
    async with await Connection.open(server.ws_url) as watcher:
        await watcher.hello("Watcher")
        await until(watcher, "snapshot")
        await asyncio.gather(*(play_until_dead(server.ws_url, n) for n in names))
        # The top list is only sent after the games are committed.
        await until(watcher, "topscores",
                    lambda t: {e.name for e in t.all_time} >= set(names))
    server.stop(signal.SIGKILL)

    with sqlite3.connect(data / "scores.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restarted = spawn_server("--data-dir", str(data))
    top = await get_json(restarted.url + "api/top-scores")
    assert {e["name"] for e in top["all_time"]} >= set(names)
    assert {e["name"] for e in top["today"]} >= set(names)


async def test_sigterm_closes_every_connection_with_1001_and_exits_cleanly(spawn_server, tmp_path):
    server = spawn_server("--data-dir", str(tmp_path / "data"))
    async with await Connection.open(server.ws_url) as conn:
        await conn.hello("Stayer")
        await until(conn, "snapshot")
        server.proc.send_signal(signal.SIGTERM)
        while True:
            raw = await asyncio.wait_for(conn.ws.receive(), 15)
            if raw.type is aiohttp.WSMsgType.CLOSE:
                break
        assert raw.data == 1001
        assert raw.extra == "server shutting down"
    assert server.proc.wait(timeout=15) == 0


def test_help_documents_every_setting_and_its_environment_variable():
    out = subprocess.run([SNAKEPIT, "serve", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for flag, variable in [("--host", "SNAKEPIT_HOST"), ("--port", "SNAKEPIT_PORT"),
                           ("--data-dir", "SNAKEPIT_DATA_DIR"),
                           ("--tick-rate", "SNAKEPIT_TICK_RATE"),
                           ("--world-size", "SNAKEPIT_WORLD_SIZE"),
                           ("--max-players", "SNAKEPIT_MAX_PLAYERS")]:
        assert flag in out and variable in out, flag


def test_an_invalid_setting_is_refused_with_a_clear_message():
    result = subprocess.run([SNAKEPIT, "serve", "--tick-rate", "0"], capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert "tick rate" in result.stderr
