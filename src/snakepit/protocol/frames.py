"""From engine state to wire messages: the snapshot of a world and the delta of a tick."""

from __future__ import annotations

from collections.abc import Container
from typing import cast

from ..engine import Death, Snake, TickReport, World
from ..engine.fast import FastWorld
from .codec import encode
from .messages import Cause, Died, Dir, Frame, SnakeInfo, Snapshot


def snake_info(snake: Snake, bot: bool = False) -> SnakeInfo:
    return SnakeInfo(
        bot=bot,
        id=snake.id,
        name=snake.name,
        color=snake.color,
        dir=cast(Dir, snake.direction.value),
        body=list(snake.body),
        score=snake.score,
        growing=snake.grow,
    )


def snapshot(world: World, watchers: int = 0, bots: Container[int] = ()) -> Snapshot:
    """The whole world, for a client that has just arrived. ``bots``: ids of bot snakes."""
    snakes = world.snakes  # (FastWorld builds it on each read)
    return Snapshot(
        watchers=watchers,
        tick=world.tick,
        width=world.config.width,
        height=world.config.height,
        snakes=[snake_info(snakes[sid], sid in bots) for sid in sorted(snakes)],
        digits=[(x, y, v) for (x, y), v in sorted(world.digits.items())],
        stones=sorted(world.stones),
    )


def frame(report: TickReport, world: World | FastWorld, at_ms: int, watchers: int | None = None,
          bots: Container[int] = ()) -> Frame:
    """The delta of one tick. ``world`` is the state right after that tick; ``watchers`` is
    the new spectator count, if it changed; ``bots``: ids of bot snakes."""
    if isinstance(world, FastWorld):  # the same list, made during the step
        moves = world.wire_moves()
    else:
        moves = [(sid, x, y, int(grew)) for sid, (x, y), grew in report.moves]
    return Frame(
        watchers=watchers,
        tick=report.tick,
        at=at_ms,
        moves=moves,
        deaths=[(d.snake_id, cast(Cause, d.cause.value), d.killer_id) for d in report.deaths],
        spawns=[snake_info(world.snake(s.snake_id), s.snake_id in bots) for s in report.spawns],
        digits=[(x, y, v) for (x, y), v in report.digits_added],
        eaten=report.digits_removed,
        stones=report.stones_added,
        crumbled=report.stones_removed,
        scores=report.scores,
    )


def frame_json(report: TickReport, world: World | FastWorld, at_ms: int,
               watchers: int | None = None, bots: Container[int] = ()) -> bytes:
    """``encode(frame(...))``, the same bytes; for a FastWorld they are written in C, from
    the world and its report, without building the :class:`Frame` and its lists (the
    arenas' hot path). ``report`` must be ``world``'s last."""
    if isinstance(world, FastWorld):
        return cast(bytes, world.wire_frame(report, at_ms, watchers, bots))
    return encode(frame(report, world, at_ms, watchers, bots))


def died(death: Death) -> Died:
    """The record a player sees when its snake dies."""
    return Died(
        cause=cast(Cause, death.cause.value),
        killer=death.killer_name,
        score=death.score,
        length=death.length,
        kills=death.kills,
        ticks=death.ticks_alive,
    )
