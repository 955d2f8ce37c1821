"""A tick's report is everything that changed: a client that applies it sees the world.

A client applies a frame's deaths, then moves, then spawns, then the cells. For the cells,
the ``Frame`` docstring (protocol/messages.py) says added before removed and
docs/protocol.md says removed before added. A cell that is emptied and filled again within
one tick, or filled and emptied, must come out right either way, so the report gives each
cell's net change: no cell is both added and removed.
"""

from __future__ import annotations

from collections import deque

from engine_helpers import RIGHT, UP, place, put_digit, put_stone, quiet_world
from game_strategies import Game, games, play
from hypothesis import given, settings

from snakepit.engine import Leave, TickReport, World


class Mirror:
    """What a client knows: bodies, digits and stones, kept up to date from reports only."""

    def __init__(self, world: World, removed_first: bool = False) -> None:
        self.removed_first = removed_first
        self.bodies = {sid: deque(s.body) for sid, s in world.snakes.items()}
        self.digits = dict(world.digits)
        self.stones = set(world.stones)

    def apply(self, report: TickReport, world: World) -> None:
        for death in report.deaths:
            del self.bodies[death.snake_id]
        for move in report.moves:
            body = self.bodies[move.snake_id]
            body.appendleft(move.head)
            if not move.grew:
                body.pop()
        for spawn in report.spawns:  # a spawn's body comes from the world, as on the wire
            self.bodies[spawn.snake_id] = deque(world.snakes[spawn.snake_id].body)
        if self.removed_first:
            self._remove(report)
        for cell, value in report.digits_added:
            self.digits[cell] = value
        self.stones.update(report.stones_added)
        if not self.removed_first:
            self._remove(report)

    def _remove(self, report: TickReport) -> None:
        for cell in report.digits_removed:
            del self.digits[cell]
        for cell in report.stones_removed:
            self.stones.remove(cell)

    def matches(self, world: World) -> bool:
        return (
            self.bodies == {sid: deque(s.body) for sid, s in world.snakes.items()}
            and self.digits == world.digits
            and self.stones == set(world.stones)
        )


@settings(max_examples=100, deadline=None)
@given(games)
def test_a_client_applying_each_report_sees_the_world_whichever_cells_it_applies_first(
    game: Game,
) -> None:
    world = game.world()
    mirrors = [Mirror(world), Mirror(world, removed_first=True)]
    for world, _, report in play(game, world):
        # A digit may give way to a stone on the same cell (different kinds), but no cell
        # is both added and removed within one kind.
        assert not {cell for cell, _ in report.digits_added} & set(report.digits_removed)
        assert not set(report.stones_added) & set(report.stones_removed)
        for mirror in mirrors:
            mirror.apply(report, world)
            assert mirror.matches(world), f"tick {world.tick}: {report}"


@settings(max_examples=100, deadline=None)
@given(games)
def test_report_lists_are_in_canonical_order(game: Game) -> None:
    for _, _, report in play(game):
        assert [m.snake_id for m in report.moves] == sorted(m.snake_id for m in report.moves)
        assert report.digits_added == sorted(report.digits_added)
        assert report.digits_removed == sorted(report.digits_removed)
        assert report.stones_added == sorted(report.stones_added)
        assert report.stones_removed == sorted(report.stones_removed)
        assert report.scores == sorted(report.scores)


def test_a_digit_that_fades_and_reappears_on_its_cell_is_reported_as_still_there() -> None:
    world = quiet_world(10, 10, digits_base=1, corpse_ttl=3, corpse_step=1)
    place(world, 1, "ann", [(9, 0), (8, 0)], RIGHT, grow=1)  # dies at once, tail and all
    for x in range(10):
        for y in range(10):
            if (x, y) not in world.occupancy:
                put_stone(world, (x, y))
    mirrors = [Mirror(world), Mirror(world, removed_first=True)]
    for _ in range(4):  # ann's two digits fade in tick 4; one is put back at once
        report = world.step()
        for mirror in mirrors:
            mirror.apply(report, world)
            assert mirror.matches(world), f"tick {world.tick}: {report}"
    assert len(world.digits) == 1 and set(world.digits) <= {(9, 0), (8, 0)}


def test_a_stone_that_crumbles_and_reappears_on_its_cell_is_reported_as_still_there() -> None:
    world = quiet_world(10, 10, stone_cap=1, stone_interval=1, stone_ttl=50)
    for x in range(10):
        for y in range(10):
            if (x, y) != (4, 4):
                put_digit(world, (x, y), 1)
    put_stone(world, (4, 4), crumbles=3)
    mirrors = [Mirror(world), Mirror(world, removed_first=True)]
    for _ in range(3):  # the stone crumbles in tick 3, and (4, 4) is the only spot for one
        report = world.step()
        for mirror in mirrors:
            mirror.apply(report, world)
            assert mirror.matches(world), f"tick {world.tick}: {report}"
    assert (4, 4) in world.stones


def test_a_digit_that_appears_and_is_eaten_within_one_tick_is_not_reported() -> None:
    world = quiet_world(corpse_step=2)
    place(world, 1, "ann", [(5, 3), (5, 4), (5, 5), (5, 6)], UP)
    place(world, 2, "bob", [(4, 5), (3, 5), (2, 5)], RIGHT)
    mirrors = [Mirror(world), Mirror(world, removed_first=True)]
    report = world.step([Leave(1)])  # ann's remains at (5, 5) go straight into bob
    assert world.snakes[2].eaten > 0
    assert (5, 5) not in report.digits_removed
    assert report.digits_added == [((5, 3), world.digits[(5, 3)])]
    for mirror in mirrors:
        mirror.apply(report, world)
        assert mirror.matches(world)
