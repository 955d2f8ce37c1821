"""Hypothesis strategies for whole games, and a runner that turns them into intents.

A game is a seed, a small world's rules, and a script: per tick, abstract actions (join,
turn snake #k, leave snake #k) that are resolved against the live world when the tick is
played, so that turns and leaves mostly name snakes that exist. The resolved, concrete
intents are returned, so that a game can be replayed or permuted exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from snakepit.engine import Direction, Join, Leave, TickReport, Turn, World, WorldConfig

Intent = Join | Turn | Leave

#: An abstract action is ("join",), ("turn", k, direction) or ("leave", k); a ``k`` of 12 or
#: more names a snake that does not exist.
turn_actions = st.tuples(st.just("turn"), st.integers(0, 13), st.sampled_from(list(Direction)))
JOIN = ("join",)


def _tick(turns: list[tuple], join: int, leave: int, k: int, order: int) -> list[tuple]:
    """One tick's actions: the turns, plus now and then a join (1 in 8), a rush of joins that
    fills the board (1 in 16) or a leave (1 in 25)."""
    joins = {14: 1, 15: 1, 16: 12}.get(join, 0)
    extra = [JOIN] * joins + ([("leave", k)] if leave == 24 else [])
    actions = turns + extra
    if actions:  # joins and leaves may come anywhere among the turns
        i = order % (len(turns) + 1)
        actions = turns[:i] + extra + turns[i:]
    return actions


tick_scripts = st.builds(
    _tick,
    st.lists(turn_actions, max_size=4),
    st.integers(0, 16),
    st.integers(0, 24),
    st.integers(0, 13),
    st.integers(0, 5),
)

configs = st.builds(
    WorldConfig,
    width=st.integers(10, 16),
    height=st.integers(10, 16),
    start_length=st.integers(2, 4),
    turn_queue=st.integers(1, 3),
    digits_base=st.integers(0, 8),
    digits_per_snake=st.integers(0, 3),
    corpse_step=st.integers(1, 3),
    corpse_max_digit=st.integers(1, 4),
    corpse_ttl=st.integers(1, 20),
    stone_interval=st.integers(1, 6),
    stone_cap=st.integers(0, 6),
    stone_ttl=st.integers(1, 30),
    spawn_head_distance=st.integers(1, 5),
    stone_head_distance=st.integers(1, 3),
    spawn_margin=st.integers(0, 3),
    kill_points=st.integers(0, 10),
)


@dataclass(frozen=True)
class Game:
    seed: int
    config: WorldConfig
    script: tuple[tuple[tuple, ...], ...]

    def world(self) -> World:
        return World(self.config, seed=self.seed)


games = st.builds(
    lambda seed, config, script: Game(seed, config, tuple(tuple(t) for t in script)),
    st.integers(0, 2**32 - 1),
    configs,
    # Open with a few joins so that most games have snakes to steer.
    st.lists(tick_scripts, min_size=10, max_size=80).map(lambda s: [[JOIN] * 3] + s),
)


class Resolver:
    """Turns abstract actions into intents against the world as it is now."""

    def __init__(self) -> None:
        self.refs = 0

    def __call__(self, world: World, script: tuple[tuple, ...]) -> list[Intent]:
        live = sorted(world.snakes)
        out: list[Intent] = []
        for action in script:
            if action[0] == "join":
                self.refs += 1
                out.append(Join(self.refs, f"p{self.refs}"))
                continue
            k = action[1]
            sid = live[k % len(live)] if live and k < 12 else 1000 + k
            out.append(Turn(sid, action[2]) if action[0] == "turn" else Leave(sid))
        return out


def play(game: Game, world: World | None = None):
    """Play ``game``; yield ``(world, intents, report)`` after each tick."""
    world = world or game.world()
    resolve = Resolver()
    for script in game.script:
        intents = resolve(world, script)
        report: TickReport = world.step(intents)
        yield world, intents, report
