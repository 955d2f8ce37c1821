"""docs/robots.md works as written: its tutorial robots do what the page says they do."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from snakepit.robots.loader import make_robot
from snakepit.robots.simulator import make_lineup, play_many, simulate

DOC = Path(__file__).parents[2] / "docs" / "robots.md"


@pytest.fixture(scope="module")
def my_robot(tmp_path_factory) -> Path:
    """my_robot.py as a reader following the tutorial ends up with: every Python block."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) == 3
    path = tmp_path_factory.mktemp("tutorial") / "my_robot.py"
    path.write_text("\n\n".join(blocks))
    return path


def one_game(path: Path, name: str, ticks: int, seed: int = 1):
    robot = make_robot(f"{path}:{name}")
    return simulate(make_lineup([robot]), seed, ticks).rows[0]


def test_the_smallest_robot_drives_into_the_wall(my_robot):
    row = one_game(my_robot, "Straight", 100)
    assert row.cause == "wall"


def test_the_careful_robot_lives_longer_than_the_straight_one(my_robot):
    straight = one_game(my_robot, "Straight", 300)
    careful = one_game(my_robot, "Careful", 300)
    assert careful.ticks > straight.ticks


def test_the_hunter_beats_the_easy_bot(my_robot):
    def lineup(seed: int):
        return make_lineup([make_robot(f"{my_robot}:Hunter")], bots=1, level="easy", seed=seed)

    hunter, easy = play_many(lineup, range(1, 11), 300)
    assert hunter.wins > 3 * easy.wins
    assert hunter.mean_score > easy.mean_score


def test_the_commands_on_the_page_are_real(my_robot):
    for command in ("simulate", "robot", "serve"):
        assert f"snakepit {command}" in DOC.read_text()
        done = subprocess.run([sys.executable, "-m", "snakepit", command, "--help"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    for option in ("--robot", "--bots", "--level", "--games", "--every", "--timing"):
        assert option in subprocess.run(
            [sys.executable, "-m", "snakepit", "simulate", "--help"], capture_output=True,
            text=True, timeout=60).stdout
