"""The ramp of ``snakepit bench``: client counts and ranges, as the command line gives them."""

import re

import pytest

from snakepit import cli
from snakepit.bench import controller
from snakepit.bench.ramp import DEFAULT_STEPS, MAX_STEPS, parse_steps


def test_counts_come_in_increasing_order_once_each():
    assert parse_steps("4000,1000,2000,1000") == (1000, 2000, 4000)


def test_a_range_includes_its_last_count_when_the_steps_land_on_it():
    assert parse_steps("4000-6000/500") == (4000, 4500, 5000, 5500, 6000)
    assert parse_steps("10-25/10") == (10, 20)
    assert parse_steps("1-10/100") == (1,)


def test_counts_and_ranges_mix_and_spaces_around_them_do_not_matter():
    assert parse_steps("1000, 2000,\t3000-4000/500 ") == (1000, 2000, 3000, 3500, 4000)


def test_the_default_ramp_is_fine_grained_where_capacities_lie():
    steps = parse_steps(DEFAULT_STEPS)
    assert steps[:4] == (1000, 2000, 3000, 4000)
    assert steps[-1] == 16000
    assert all(b - a == 500 for a, b in zip(steps[3:], steps[4:]))


@pytest.mark.parametrize("text, named", [
    ("abc", "'abc'"), ("1000,,2000", "''"), ("-5", "'-5'"), ("+5", "'+5'"), ("1e3", "'1e3'"),
    ("4000-6000", "'4000-6000'"), ("4000 - 6000/500", "'4000 - 6000/500'"),
    ("6000-4000/500", "'6000-4000/500'"), ("4000-6000/0", "'4000-6000/0'"),
    ("\u00b2", "'\u00b2'"), ("\uff11\uff10", "'\uff11\uff10'"),  # digits, but not ASCII ones
])
def test_anything_else_is_refused_naming_the_part_that_is_wrong(text, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        parse_steps(text)


@pytest.mark.parametrize("text", ["0", "0-1000/500", "2000000"])
def test_a_step_is_at_least_one_client_and_not_absurdly_many(text):
    with pytest.raises(ValueError, match="each step is 1 to"):
        parse_steps(text)


@pytest.mark.parametrize("text", ["4000-12000/5", "1-1000000000/1",
                                  ",".join(str(n) for n in range(1, MAX_STEPS + 2))])
def test_a_ramp_of_hours_is_a_typo_refused_at_once(text):
    with pytest.raises(ValueError, match=f"at most {MAX_STEPS} steps"):
        parse_steps(text)


def test_the_command_refuses_a_bad_ramp_before_starting_anything(monkeypatch):
    started = []
    monkeypatch.setattr(controller, "bench", lambda options: started.append(options))
    with pytest.raises(SystemExit) as refused:
        cli.main(["bench", "--steps", "4000-x"])
    assert "--steps" in str(refused.value) and "'4000-x'" in str(refused.value)
    assert started == []
