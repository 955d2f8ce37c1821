"""The local simulator (``snakepit simulate``): what a robot author can count on."""

from __future__ import annotations

import importlib.util
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sim_helpers import (
    Babble,
    Boom,
    GlobalWander,
    Resets,
    Straight,
    Wander,
    ref,
    run_cli,
)

from snakepit.client.view import WorldView
from snakepit.engine import Death, TickReport, World, WorldConfig
from snakepit.robots import ascii
from snakepit.robots.loader import RobotNotFound, load_robot_class
from snakepit.robots.simulator import Entrant, GameResult, Row, play_many, simulate

ROOT = Path(__file__).resolve().parents[2]
SMALL = WorldConfig(width=24, height=16)
#: Stones come and go and corpses fade quickly: every kind of cell shows up on the board.
BUSY = WorldConfig(width=24, height=16, stone_interval=3, stone_ttl=30, corpse_ttl=20)
BRAINS = importlib.util.find_spec("snakepit.robots.brains") is not None


def entrants(*robots) -> list[Entrant]:
    return [Entrant(f"{type(r).__name__}-{i}", r) for i, r in enumerate(robots)]


def table_rows(text: str, header_start: str) -> list[dict[str, str]]:
    """The rows of a printed table (columns are at least two spaces apart), as dicts."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    header = re.split(r"\s{2,}", lines[start].strip())
    rows = []
    for line in lines[start + 1:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) != len(header):
            break
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


# -- determinism ------------------------------------------------------------------------------


GAME = ["--seed", "7", "--robot", ref("Wander"), "--robot", ref("GlobalWander"),
        "--robot", ref("Boom"), "--ticks", "200", "--every", "25", "--width", "30",
        "--height", "20"] + (["--bots", "2"] if BRAINS else [])


def test_the_same_seed_and_robots_print_byte_identical_output_boards_included(capsys) -> None:
    outputs = []
    for _ in range(2):
        assert run_cli(GAME) == 0
        outputs.append(capsys.readouterr().out)
    # and once more in a fresh process with other string hashing
    code = "import sys; from sim_helpers import run_cli; sys.exit(run_cli(sys.argv[1:]))"
    env = {**os.environ, "PYTHONHASHSEED": "12345",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "robots"), str(ROOT / "src")])}
    fresh = subprocess.run([sys.executable, "-c", code, *GAME], capture_output=True, text=True,
                           env=env, cwd=ROOT, timeout=60, check=True)
    outputs.append(fresh.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count("\ntick ") == 200 // 25, "a board every 25 ticks"


def test_different_seeds_play_different_games() -> None:
    boards = {simulate(entrants(Wander(), Wander()), seed, 100, SMALL).board for seed in range(4)}
    assert len(boards) == 4


def test_robots_rng_is_seeded_from_the_game_seed_and_its_place_in_the_line_up() -> None:
    robots = [Wander(), Wander()]
    simulate(entrants(*robots), seed=9, ticks=1, config=SMALL)  # one tick: nobody decides
    for i, robot in enumerate(robots):
        assert robot.rng.random() == random.Random(f"9/{i}").random()


def test_the_global_random_generator_is_seeded_for_the_game_and_then_restored() -> None:
    random.seed("before")
    expected_next = random.Random("before").random()
    first = simulate(entrants(GlobalWander(), GlobalWander()), 3, 150, SMALL)
    assert random.random() == expected_next
    again = simulate(entrants(GlobalWander(), GlobalWander()), 3, 150, SMALL)
    assert first == again


# -- the board --------------------------------------------------------------------------------


def test_every_board_drawn_matches_the_engine_state_cell_for_cell() -> None:
    boards: list[str] = []
    truth: list[tuple[int, dict]] = []  # per tick: the engine's cells, tagged by snake id
    seen = Counter()

    def observe(report: TickReport, world: World, view: WorldView) -> None:
        cells: dict = {cell: "#" for cell in world.stones}
        cells.update({cell: str(value) for cell, value in world.digits.items()})
        for sid, snake in world.snakes.items():
            for i, cell in enumerate(snake.body):
                cells[cell] = ("head" if i == 0 else "body", sid)
        truth.append((world.tick, cells))
        seen.update(stones=len(world.stones), digits=len(world.digits),
                    deaths=len(report.deaths))

    robots = entrants(Wander(), Wander(), Wander(), Straight())
    result = simulate(robots, 5, 300, BUSY, every=1, on_frame=boards.append, observe=observe)

    letters = {row.snake_id: row.letter for row in result.rows}
    assert len(boards) == len(truth) == result.ticks
    for text, (tick, cells) in zip(boards, truth, strict=True):
        lines = text.splitlines()
        assert lines[0].startswith(f"tick {tick}/300")
        grid = lines[1:BUSY.height + 3]
        assert grid[0] == grid[-1] == "+" + "-" * BUSY.width + "+"
        assert {len(line) for line in grid} == {BUSY.width + 2}
        expected = {}
        for cell, what in cells.items():
            if isinstance(what, tuple):
                part, sid = what
                what = letters[sid] if part == "head" else letters[sid].lower()
            expected[cell] = what
        assert ascii.parse(grid) == expected, f"tick {tick}"
    assert seen["stones"] and seen["digits"] and seen["deaths"], "every kind of cell was drawn"


def test_the_engine_and_a_client_view_of_it_draw_the_same_board() -> None:
    def observe(report: TickReport, world: World, view: WorldView) -> None:
        letters = {sid: ascii.letter(sid % 26) for sid in world.snakes}
        assert ascii.board(world, letters) == ascii.board(view, letters)

    simulate(entrants(Wander(), Wander(), Straight()), 2, 200, BUSY, observe=observe)


def test_a_board_has_a_header_a_border_and_a_legend_naming_each_letter() -> None:
    result = simulate([Entrant("wander", Wander()), Entrant("sticky", Straight())], 1, 1, SMALL)
    lines = result.board.splitlines()
    assert lines[0] == "tick 1/1, 2 of 2 alive"
    assert lines[1] == lines[-2] == "+" + "-" * 24 + "+"
    assert all(line.startswith("|") and line.endswith("|") for line in lines[2:-2])
    assert lines[-1] == "A wander: 0 pts  B sticky: 0 pts"
    drawn = "".join(lines[2:-2])
    assert drawn.count("A") == drawn.count("B") == 1, "one capital head each"
    assert drawn.count("a") == drawn.count("b") == SMALL.start_length - 1


def test_a_long_legend_wraps_but_names_every_letter() -> None:
    result = simulate([Entrant(f"robot number {i}", Straight()) for i in range(8)], 1, 1, SMALL)
    legend = result.board.splitlines()[SMALL.height + 3:]
    assert len(legend) > 1 and all(len(line) <= 80 for line in legend)
    named = re.findall(r"(?:^|  )([A-Z]) robot number (\d)", "\n".join(legend), re.MULTILINE)
    assert named == [(ascii.letter(i), str(i)) for i in range(8)]


def test_only_26_snakes_fit_on_an_ascii_board() -> None:
    with pytest.raises(ValueError, match="26"):
        simulate(entrants(*(Straight() for _ in range(27))), 1, 10, SMALL)


# -- robots that misbehave --------------------------------------------------------------------


def test_a_robot_that_raises_keeps_its_snake_going_and_is_reported() -> None:
    failing = simulate([Entrant("A", Boom()), Entrant("B", Wander())], 4, 200, SMALL)
    silent = simulate([Entrant("A", Straight()), Entrant("B", Wander())], 4, 200, SMALL)

    boom = failing.rows[0]
    assert boom.errors == boom.decisions > 0
    assert boom.ticks > 1, "the snake outlived its first error"
    assert boom.first_error is not None
    assert re.fullmatch(r"ZeroDivisionError: division by zero \(sim_helpers\.py:\d+\)",
                        boom.first_error)
    # An error is exactly a tick with no turn: the game is the one a silent robot plays.
    assert failing.board == silent.board
    for a, b in zip(failing.rows, silent.rows, strict=True):
        assert (a.score, a.length, a.kills, a.cause, a.ticks) == (b.score, b.length, b.kills,
                                                                  b.cause, b.ticks)


def test_an_answer_that_is_not_a_direction_counts_as_an_error() -> None:
    row = simulate(entrants(Babble()), 1, 50, SMALL).rows[0]
    assert row.errors == row.decisions > 0
    assert row.first_error == ("InvalidDecision: decide() returned 'north', "
                               "not up/down/left/right/None")


def test_a_reset_that_raises_is_counted_like_a_failed_decision() -> None:
    class BadReset(Straight):
        def reset(self) -> None:
            raise KeyError("memory")

    row = simulate(entrants(BadReset()), 1, 20, SMALL).rows[0]
    assert row.errors == 1 and row.ticks > 1
    assert row.first_error is not None and row.first_error.startswith("KeyError: 'memory' (")


def test_the_command_prints_a_robots_first_error_under_the_table(capsys) -> None:
    assert run_cli(["--robot", ref("Boom"), "--quiet", "--ticks", "50"]) == 0
    out = capsys.readouterr().out
    row = table_rows(out, "#")[0]
    assert row["errors"] == row["ticks"]
    assert re.search(r"^Boom: decide\(\) failed (\d+) of \1 times; first: ZeroDivisionError: "
                     r"division by zero \(sim_helpers\.py:\d+\)$", out, re.MULTILINE)


# -- the rules of a simulated game ------------------------------------------------------------


def test_the_final_table_holds_the_engines_own_records() -> None:
    deaths: dict[int, Death] = {}
    worlds: list[World] = []

    def observe(report: TickReport, world: World, view: WorldView) -> None:
        deaths.update((d.snake_id, d) for d in report.deaths)
        worlds[:] = [world]

    robots = entrants(Wander(), Wander(), Wander(), Wander(), Straight())
    result = simulate(robots, 11, 150, SMALL, observe=observe)
    world = worlds[0]
    assert deaths and world.snakes, "some died, some lived: both kinds of row are checked"
    assert any(d.killer_id for d in deaths.values()), "and one of them was killed by another"
    for row in result.rows:
        if row.snake_id in deaths:
            d = deaths[row.snake_id]
            assert (row.score, row.length, row.kills, row.cause, row.killer, row.ticks) == (
                d.score, d.length, d.kills, d.cause.value, d.killer_name, d.ticks_alive)
        else:
            s = world.snakes[row.snake_id]
            assert (row.score, row.length, row.kills, row.cause, row.ticks) == (
                s.score, s.length, s.kills, "alive", world.tick - s.born_tick)

    printed = table_rows(_table_text(result), "#")
    for place, (line, row) in enumerate(zip(printed, result.standings, strict=True), 1):
        assert line["#"] == str(place) and line["snake"] == f"{row.letter} {row.name}"
        assert [line[k] for k in ("score", "length", "kills", "ticks", "errors")] == [
            str(v) for v in (row.score, row.length, row.kills, row.ticks, row.errors)]
        killer = next((r for r in result.rows if r.name == row.killer), None)
        assert line["end"] == (f"{row.cause} by {killer.letter}" if killer else row.cause)


def _table_text(result: GameResult) -> str:
    from snakepit.robots.simulate_cli import result_table

    return result_table(result)


def test_each_entrant_has_one_life_and_the_game_ends_when_no_snake_is_left() -> None:
    spawns = []
    robots = [Resets(), Resets()]

    def observe(report: TickReport, world: World, view: WorldView) -> None:
        spawns.extend(report.spawns)

    result = simulate(entrants(*robots), 1, 500, SMALL, observe=observe)
    assert len(spawns) == 2 and [r.resets for r in robots] == [1, 1]
    assert result.ticks < 500
    assert all(row.cause in ("wall", "snake", "head-on") for row in result.rows)


def test_a_join_that_finds_no_room_is_reported_and_that_entrant_never_plays() -> None:
    crowded = WorldConfig(width=10, height=10, start_length=8)
    result = simulate(entrants(*(Resets() for _ in range(12))), 1, 20, crowded)
    left_out = [row for row in result.rows if row.cause == "no room"]
    assert 0 < len(left_out) < 12
    assert all(r.snake_id is None and r.decisions == 0 and r.ticks == 0 for r in left_out)


def test_the_winner_has_the_best_score_then_survived_longest_then_came_first() -> None:
    rows = [Row(0, "A", "a", "robot", score=5, ticks=10),
            Row(1, "B", "b", "robot", score=5, ticks=30),
            Row(2, "C", "c", "robot", score=7, ticks=1),
            Row(3, "D", "d", "robot", score=5, ticks=30)]
    result = GameResult(seed=1, ticks=30, rows=rows, board="")
    assert [r.name for r in result.standings] == ["c", "b", "d", "a"]
    assert result.winner.name == "c"


def test_robots_decide_from_what_a_client_sees_of_the_tick_just_played() -> None:
    states = {}
    me = Resets()

    def observe(report: TickReport, world: World, view: WorldView) -> None:
        bodies = {s.name: list(s.body) for s in world.snakes.values()}
        states[world.tick] = (bodies, dict(world.digits), set(world.stones))

    simulate([Entrant("me", me), Entrant("other", Wander())], 3, 120, BUSY, observe=observe)
    assert me.seen
    for tick, bodies, digits, stones in me.seen:
        assert (bodies, digits, stones) == states[tick]


# -- many games -------------------------------------------------------------------------------


def test_many_games_play_consecutive_seeds_with_fresh_robots() -> None:
    def lineup(seed: int) -> list[Entrant]:
        return entrants(Wander(), Wander(), Straight())

    tallies = play_many(lineup, [3, 4, 5], 150, SMALL)
    singles = [simulate(lineup(seed), seed, 150, SMALL) for seed in (3, 4, 5)]
    for i, tally in enumerate(tallies):
        assert tally.scores == [game.rows[i].score for game in singles]
        assert tally.wins == sum(game.winner.index == i for game in singles)
    assert sum(t.wins for t in tallies) == 3


def test_games_prints_win_rates_that_add_up(capsys) -> None:
    argv = ["--seed", "3", "--games", "12", "--ticks", "150", "--width", "24", "--height", "16",
            "--robot", ref("Wander"), "--robot", ref("Wander"), "--robot", ref("Boom")]
    assert run_cli(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("12 games, seeds 3 to 14, 150 ticks each on 24x16\n")
    assert "+--" not in out, "no boards"
    rows = table_rows(out, "snake")
    assert [r["snake"] for r in rows] == ["wander", "wander #2", "Boom"]
    assert sum(int(r["wins"]) for r in rows) == 12
    assert sum(float(r["win rate"].rstrip("%")) for r in rows) == pytest.approx(100.0)
    for r in rows:
        ends = [int(part.rsplit(" ", 1)[1]) for part in r["ends"].split(", ")]
        assert sum(ends) == 12, f"{r['snake']}: every game ended one way"
    assert "12 wins in 12 games" in out


# -- the command line -------------------------------------------------------------------------


def test_every_n_ticks_prints_a_board_at_each_multiple_and_at_the_end(capsys) -> None:
    assert run_cli(["--robot", ref("Wander"), "--robot", ref("Wander"), "--seed", "2",
                    "--ticks", "120", "--every", "50", "--width", "60", "--height", "40"]) == 0
    out = capsys.readouterr().out
    assert re.findall(r"^tick (\d+)/120", out, re.MULTILINE) == ["50", "100", "120"]
    assert "\nafter 120 ticks:\n" in out


def test_quiet_prints_no_board_only_the_table(capsys) -> None:
    assert run_cli(["--robot", ref("Wander"), "--quiet", "--ticks", "30"]) == 0
    out = capsys.readouterr().out
    assert "+--" not in out and "\ntick " not in out
    assert table_rows(out, "#")[0]["snake"] == "A wander"


def test_timing_adds_decision_times(capsys) -> None:
    assert run_cli(["--robot", ref("Wander"), "--quiet", "--ticks", "30", "--timing"]) == 0
    timing = table_rows(capsys.readouterr().out, "decide() time")
    assert timing[0]["decide() time"] == "wander" and int(timing[0]["decisions"]) > 0
    assert float(timing[0]["max ms"]) >= float(timing[0]["mean ms"]) >= 0


@pytest.mark.parametrize(("robot", "message"), [
    ("no/such/file.py:X", "no/such/file.py: no such file"),
    ("snakepit.robots.nothing_here:X", "No module named 'snakepit.robots.nothing_here'"),
    (ref("Nobody"), "has no Nobody"),
    (ref("Unbuildable"), "RuntimeError while creating it: no"),
    (ref("Undecided"), "abstract method decide"),
    ("no-colon", "expected FILE.py:ClassName or module:ClassName"),
])
def test_a_bad_robot_reference_exits_2_with_the_loaders_message(capsys, robot, message) -> None:
    assert run_cli(["--robot", robot]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("snakepit simulate: ") and message in captured.err


@pytest.mark.parametrize(("argv", "message"), [
    ([], "give at least one --robot or --bots N"),
    (["--robot", ref("Wander"), "--ticks", "0"], "--ticks must be at least 1"),
    (["--robot", ref("Wander"), "--games", "0"], "--games must be at least 1"),
    (["--robot", ref("Wander"), "--width", "5"], "at least 10 x 10"),
    (["--bots", "27"], "at most 26 snakes"),
])
def test_bad_options_exit_2_with_a_message(capsys, argv, message) -> None:
    assert run_cli(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.skipif(not BRAINS, reason="snakepit.robots.brains (the built-in bots) is not there")
def test_an_unknown_bot_level_exits_2(capsys) -> None:
    assert run_cli(["--bots", "1", "--level", "silly"]) == 2
    assert "--level must be one of easy, medium, hard" in capsys.readouterr().err


# -- the example robots against the built-in bots ---------------------------------------------


@pytest.mark.skipif(not BRAINS, reason="snakepit.robots.brains (the built-in bots) is not there")
@pytest.mark.parametrize("example", ["snakepit.robots.examples.random_safe:RandomSafe",
                                     "snakepit.robots.examples.greedy:Greedy",
                                     "snakepit.robots.examples.survivor:Survivor"])
def test_an_example_robot_plays_a_few_hundred_ticks_against_bots(capsys, example) -> None:
    try:
        load_robot_class(example)
    except RobotNotFound as exc:
        pytest.skip(f"the example robot is not written yet: {exc}")
    argv = ["--robot", example, "--bots", "2", "--ticks", "300", "--quiet", "--seed", "7",
            "--width", "40", "--height", "30"]
    assert run_cli(argv) == 0
    rows = table_rows(capsys.readouterr().out, "#")
    assert len(rows) == 3
    mine = next(r for r in rows if r["kind"] == "robot")
    assert mine["errors"] == "0"
    assert 1 <= int(mine["ticks"]) <= 300
