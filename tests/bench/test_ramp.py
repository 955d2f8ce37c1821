"""The ramp of ``snakepit bench``: client counts and ranges, as the command line gives them."""

import subprocess
import sys

import pytest

from snakepit.bench.ramp import DEFAULT_STEPS, parse_steps


def test_counts_come_in_increasing_order_once_each():
    assert parse_steps("4000,1000,2000,1000") == (1000, 2000, 4000)


def test_a_range_includes_its_last_count_when_the_steps_land_on_it():
    assert parse_steps("4000-6000/500") == (4000, 4500, 5000, 5500, 6000)
    assert parse_steps("10-25/10") == (10, 20)


def test_counts_and_ranges_mix():
    assert parse_steps("1000, 2000,3000-4000/500") == (1000, 2000, 3000, 3500, 4000)


def test_the_default_ramp_is_fine_grained_where_capacities_lie():
    steps = parse_steps(DEFAULT_STEPS)
    assert steps[:4] == (1000, 2000, 3000, 4000)
    assert steps[-1] == 12000
    assert all(b - a == 500 for a, b in zip(steps[3:], steps[4:]))


@pytest.mark.parametrize("text", ["", "abc", "1000,,2000", "-5", "0", "6000-4000/500",
                                  "4000-6000/0", "4000-6000", "1e3"])
def test_anything_else_is_refused_with_what_is_wrong(text):
    with pytest.raises(ValueError):
        parse_steps(text)


def test_the_command_refuses_a_bad_ramp_before_starting_anything():
    done = subprocess.run([sys.executable, "-m", "snakepit", "bench", "--steps", "4000-x"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "--steps" in done.stderr and "'4000-x'" in done.stderr
