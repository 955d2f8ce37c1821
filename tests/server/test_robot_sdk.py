"""The robot SDK: a Python class plays on a real server over a real socket."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

from snakepit.robots import Robot, View
from snakepit.robots.remote import play
from snakepit.settings import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", tick_rate=20, seed=7, port=0, bots=3,
                    max_players=8, bot_level="easy")


class Careful(Robot):
    """Keeps going while that is safe, else takes the first safe move; notes what it saw."""

    name = "Careful"

    def __init__(self) -> None:
        super().__init__()
        self.ticks: list[int] = []
        self.bots_seen = 0

    def decide(self, view: View):
        self.ticks.append(view.tick)
        self.bots_seen = max(self.bots_seen, sum(s.bot for s in view.others))
        safe = view.safe_moves()
        return view.me.dir if view.me.dir in safe else (safe[0] if safe else None)


class Dawdler(Careful):
    """Thinks for three tick periods every time: every answer is late."""

    def decide(self, view: View):
        time.sleep(3 * view.tick_ms / 1000)
        safe = view.safe_moves()
        return next((d for d in safe if d != view.me.dir), None)


class Broken(Robot):
    def decide(self, view: View):
        raise RuntimeError("robot bug")


def url(server) -> str:
    return str(server.make_url("/ws"))


async def test_a_robot_plays_against_bots_answering_every_frame(server):
    robot = Careful()
    said: list[str] = []
    report = await play(robot, url(server), "Careful", seconds=3, say=said.append)
    assert report.decisions > 20 and report.errors == 0
    assert robot.bots_seen >= 1
    assert robot.ticks == sorted(robot.ticks)
    assert any(line.startswith("in arena pit-1") for line in said)


async def test_a_late_answer_is_ignored_with_a_warning_and_the_snake_keeps_going(server):
    said: list[str] = []
    report = await play(Dawdler(), url(server), "Dawdler", seconds=3, say=said.append)
    assert report.late >= 1
    assert any("warning: your answer to tick" in line for line in said)
    assert report.skipped >= 1  # frames that came while it was thinking were not queued up


async def test_a_robot_that_raises_is_reported_once_and_its_snake_keeps_going(server):
    said: list[str] = []
    report = await play(Broken(), url(server), "Broken", seconds=2, say=said.append)
    assert report.errors > 5
    reports = [line for line in said if line.startswith("robot raised")]
    assert len(reports) == 1 and "RuntimeError: robot bug" in reports[0]


async def test_a_robot_refused_a_new_arena_by_the_per_address_limit_stops(server, hub):
    for i in range(hub.settings.arenas_per_address):  # this address holds all it may
        hub.arenas.named(f"held-{i}", "127.0.0.1")
    said: list[str] = []
    report = await asyncio.wait_for(
        play(Careful(), url(server), "Careful", arena="one-more", seconds=30,
             say=said.append), 10)
    assert report.refused[:1] == ["arena-limit"] and report.games == []
    assert any("from one address" in line for line in said)


async def test_the_robot_command_plays_an_example_robot(server):
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "snakepit", "robot", "snakepit.robots.examples.greedy:Greedy",
        "--url", url(server), "--name", "Greedy", "--seconds", "2",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    assert "in arena pit-1 as Greedy" in out.decode()
    assert "decisions" in out.decode().splitlines()[-1]


async def test_the_robot_command_explains_a_bad_reference():
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "snakepit", "robot", "no/such/file.py:Robot",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert "no/such/file.py: no such file" in err.decode()
