"""Tiny robots and helpers for the simulator's tests.

(Named ``sim_helpers`` rather than ``helpers`` so that it cannot clash with a helper module
of another test folder on ``sys.path``.) The robots here are loaded by the command line as
``tests/robots/sim_helpers.py:Class``, so they must not need anything from the tests.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from snakepit.robots import Robot, View, simulate_cli

HERE = Path(__file__).resolve()


def ref(class_name: str) -> str:
    """The command-line reference of a robot defined in this file."""
    return f"{HERE}:{class_name}"


class Wander(Robot):
    """Mostly straight on, sometimes a random safe turn: uses ``self.rng``."""

    name = "wander"

    def decide(self, view: View):
        safe = view.safe_moves()
        if not safe:
            return None
        if view.me.dir in safe and self.rng.random() < 0.8:
            return view.me.dir
        return self.rng.choice(safe)


class GlobalWander(Robot):
    """Like :class:`Wander`, but draws from the module-level ``random``."""

    name = "global-wander"

    def decide(self, view: View):
        safe = view.safe_moves()
        return random.choice(safe) if safe else None


class Straight(Robot):
    """Never turns (returns None): goes straight until it hits something."""

    def decide(self, view: View):
        return None


class Boom(Robot):
    """Raises on every decision."""

    def decide(self, view: View):
        return 1 / 0


class Babble(Robot):
    """Answers with something that is not a direction."""

    def decide(self, view: View):
        return "north"


class Resets(Robot):
    """Never turns; counts the calls to ``reset`` and notes what each view showed: its tick,
    the snakes' bodies by name (its own under ``"me"``), the digits and the stones."""

    def __init__(self) -> None:
        super().__init__()
        self.resets = 0
        self.seen: list[tuple[int, dict, dict, set]] = []

    def reset(self) -> None:
        self.resets += 1

    def decide(self, view: View):
        bodies = {"me": list(view.me.body)} | {o.name: list(o.body) for o in view.others}
        self.seen.append((view.tick, bodies, dict(view.digits), set(view.stones)))


class Unbuildable(Robot):
    def __init__(self) -> None:
        raise RuntimeError("no")

    def decide(self, view: View):
        return None


class Undecided(Robot):
    """Forgot to write decide()."""


def run_cli(argv: list[str]) -> int:
    """``snakepit simulate ARGV`` in this process; the exit status."""
    parser = argparse.ArgumentParser(prog="snakepit")
    simulate_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    return simulate_cli.run(parser.parse_args(["simulate", *argv]))
