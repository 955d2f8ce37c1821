"""The per-address arena limits are settings: `--arenas-per-address` /
SNAKEPIT_ARENAS_PER_ADDRESS (4) and `--new-arenas-per-minute` /
SNAKEPIT_NEW_ARENAS_PER_MINUTE (10); 0 turns either off, negative values are refused."""

from __future__ import annotations

import pytest

from snakepit.cli import build_parser
from snakepit.settings import Settings


def test_the_defaults_are_four_arenas_held_and_ten_new_a_minute():
    args = build_parser().parse_args(["serve"])
    assert (args.arenas_per_address, args.new_arenas_per_minute) == (4, 10.0)
    assert (Settings().arenas_per_address, Settings().new_arenas_per_minute) == (4, 10.0)


def test_flags_set_them():
    args = build_parser().parse_args(["serve", "--arenas-per-address", "0",
                                      "--new-arenas-per-minute", "2.5"])
    assert (args.arenas_per_address, args.new_arenas_per_minute) == (0, 2.5)


def test_environment_variables_set_them(monkeypatch):
    monkeypatch.setenv("SNAKEPIT_ARENAS_PER_ADDRESS", "12")
    monkeypatch.setenv("SNAKEPIT_NEW_ARENAS_PER_MINUTE", "0")
    args = build_parser().parse_args(["serve"])
    assert (args.arenas_per_address, args.new_arenas_per_minute) == (12, 0.0)


@pytest.mark.parametrize("changes, text", [
    ({"arenas_per_address": -1}, "arenas per address"),
    ({"new_arenas_per_minute": -0.5}, "new arenas per minute"),
    ({"new_arenas_per_minute": float("nan")}, "new arenas per minute"),
    ({"max_arenas": 0}, "max arenas"),
])
def test_out_of_range_limits_are_refused(changes, text):
    with pytest.raises(ValueError, match=text):
        Settings(**changes)
