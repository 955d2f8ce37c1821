"""``snakepit simulate``: play robots against each other and the built-in bots, locally.

    snakepit simulate --seed 7 --robot my_robot.py:MyRobot --bots 2 --ticks 500
    snakepit simulate --robot my_robot.py:MyRobot --bots 3 --level hard --games 100

One game prints the final board (or one every ``--every`` ticks) and a table of how each
snake did; ``--games N`` plays seeds ``seed`` to ``seed + N - 1`` and prints each entrant's
wins, win rate, mean score, mean ticks survived and how its games ended. The output depends
only on the options and the robots' code, so two runs can be compared with ``diff``
(``--timing`` adds decision times, which of course vary).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any

from ..engine import WorldConfig
from .loader import RobotNotFound, make_robot
from .robot import Robot
from .simulator import Entrant, GameResult, Row, Tally, make_lineup, play_many, simulate

_DEFAULTS = WorldConfig()


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``simulate`` command to ``subparsers`` (from ``add_subparsers()``)."""
    parser = subparsers.add_parser(
        "simulate",
        help="play robots against bots locally, with no server",
        description="Play a game (or many) in-process on the server's engine: your robots "
        "first, then the built-in bots, one life each. The same options and the same robots "
        "always give the same output.",
    )
    parser.add_argument("--robot", action="append", default=[], metavar="REF",
                        help="a robot to play, as FILE.py:Class or module:Class (repeatable)")
    parser.add_argument("--bots", type=int, default=0, metavar="N",
                        help="built-in bots to add (default %(default)s)")
    parser.add_argument("--level", default="medium",
                        help="the bots' level: easy, medium or hard (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed of the game; with --games, of the first game "
                        "(default %(default)s)")
    parser.add_argument("--ticks", type=int, default=500,
                        help="ticks per game at most (default %(default)s)")
    parser.add_argument("--every", type=int, default=0, metavar="N",
                        help="print the board every N ticks (default: only at the end; "
                        "never with --games)")
    parser.add_argument("--quiet", action="store_true", help="print no board")
    parser.add_argument("--games", type=int, default=1, metavar="N",
                        help="play N games on consecutive seeds and print win rates "
                        "(default %(default)s)")
    parser.add_argument("--width", type=int, default=_DEFAULTS.width,
                        help="world width in cells (default %(default)s)")
    parser.add_argument("--height", type=int, default=_DEFAULTS.height,
                        help="world height in cells (default %(default)s)")
    parser.add_argument("--timing", action="store_true",
                        help="also print the time robots take per decision (varies run to run)")
    return parser


class _Usage(Exception):
    """A bad option: the message goes to stderr and the exit status is 2."""


def run(args: argparse.Namespace) -> int:
    """Carry out ``snakepit simulate``; the exit status (2 for a bad option or robot)."""
    try:
        config, classes = _check(args)
    except (_Usage, RobotNotFound) as exc:
        print(f"snakepit simulate: {exc}", file=sys.stderr)
        return 2

    def lineup(seed: int) -> list[Entrant]:
        return make_lineup([cls() for cls in classes], args.bots, args.level, seed)

    if args.games > 1:
        last = args.seed + args.games - 1
        print(f"{args.games} games, seeds {args.seed} to {last}, {args.ticks} ticks each "
              f"on {config.width}x{config.height}")
        tallies = play_many(lineup, range(args.seed, last + 1), args.ticks, config,
                            timing=args.timing)
        print(tally_table(tallies, args.games))
        if args.timing:
            print(timing_table([(t.name, t.decide_ms) for t in tallies]))
        return 0

    entrants = lineup(args.seed)
    print(f"seed {args.seed}, {args.ticks} ticks on {config.width}x{config.height}: "
          + ", ".join(e.name for e in entrants))
    show = None if args.quiet else (lambda text: print(f"\n{text}"))
    result = simulate(entrants, args.seed, args.ticks, config, every=args.every,
                      on_frame=show, timing=args.timing)
    print(f"\n{result_table(result)}")
    if args.timing:
        print(timing_table([(r.name, r.decide_ms) for r in result.rows]))
    return 0


def _check(args: argparse.Namespace) -> tuple[WorldConfig, list[type[Robot]]]:
    for name in ("ticks", "games"):
        if getattr(args, name) < 1:
            raise _Usage(f"--{name} must be at least 1")
    for name in ("bots", "every"):
        if getattr(args, name) < 0:
            raise _Usage(f"--{name} cannot be negative")
    if not args.robot and not args.bots:
        raise _Usage("nothing to play: give at least one --robot or --bots N")
    if args.bots:
        from .brains import LEVELS

        if args.level not in LEVELS:
            raise _Usage(f"--level must be one of {', '.join(LEVELS)}, not {args.level!r}")
    if len(args.robot) + args.bots > 26:
        raise _Usage("at most 26 snakes can play (one letter each)")
    try:
        config = WorldConfig(width=args.width, height=args.height)
    except ValueError as exc:
        raise _Usage(str(exc)) from None
    return config, [type(make_robot(ref)) for ref in args.robot]


# -- tables ---------------------------------------------------------------------------------


_NUMBER = re.compile(r"-|-?[0-9.]+%?")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to line up: numbers (and percentages) to the right, text to the left."""
    cells = [[str(c) for c in header], *([str(c) for c in row] for row in rows)]
    numeric = [all(_NUMBER.fullmatch(line[i]) for line in cells[1:]) for i in range(len(header))]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = []
    for line in cells:
        padded = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(line, widths, numeric)]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)


def _end(row: Row) -> str:
    return f"{row.cause} by {row.killer_letter}" if row.killer_letter else row.cause


def result_table(result: GameResult) -> str:
    """The final standings of one game, the winner and any robot errors."""
    rows = [(place, f"{r.letter} {r.name}", r.kind, r.score, r.length, r.kills, r.ticks,
             _end(r), r.errors)
            for place, r in enumerate(result.standings, 1)]
    lines = [f"after {result.ticks} ticks:",
             table(("#", "snake", "kind", "score", "length", "kills", "ticks", "end", "errors"),
                   rows),
             f"winner: {result.winner.name}"]
    for r in result.rows:
        if r.errors:
            lines.append(f"{r.name}: decide() failed {r.errors} of {r.decisions} times; "
                         f"first: {r.first_error}")
    return "\n".join(lines)


def tally_table(tallies: Sequence[Tally], games: int) -> str:
    """Each entrant's record over ``games`` games, in the order given."""
    rows = [(t.name, t.kind, t.wins, f"{100 * t.win_rate:.1f}%", f"{t.mean_score:.1f}",
             f"{t.mean_ticks:.1f}", t.errors,
             ", ".join(f"{cause} {n}" for cause, n in sorted(t.causes.items(),
                                                             key=lambda item: (-item[1], item[0]))))
            for t in tallies]
    text = table(("snake", "kind", "wins", "win rate", "mean score", "mean ticks", "errors",
                  "ends"), rows)
    wins = sum(t.wins for t in tallies)
    return (f"{text}\none winner a game (highest score, then most ticks survived, then first "
            f"given): {wins} wins in {games} games")


def timing_table(times: Sequence[tuple[str, list[float]]]) -> str:
    """Mean and slowest ``decide`` per entrant, in milliseconds."""
    rows = [(name, len(ms), f"{sum(ms) / len(ms):.3f}" if ms else "-",
             f"{max(ms):.3f}" if ms else "-") for name, ms in times]
    return "\n" + table(("decide() time", "decisions", "mean ms", "max ms"), rows)
