"""The game loop keeps a fixed timestep by absolute deadlines and idles when nobody is there."""

from __future__ import annotations

import asyncio

import pytest

from snakepit.engine import World, WorldConfig
from snakepit.server.client import Client
from snakepit.server.world_runner import WorldRunner


class FakeClock:
    """Time that only moves when the loop sleeps or a tick 'works'."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class RecordingTransport(asyncio.Transport):
    """Stands in for a socket: accepts every write."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.frames.append(data)

    def get_write_buffer_size(self) -> int:
        return 0

    def is_closing(self) -> bool:
        return False

    def abort(self) -> None:
        pass


class TimedRunner(WorldRunner):
    """A runner whose ticks take the given (fake) time and record when they started."""

    def __init__(self, clock: FakeClock, work: list[float]) -> None:
        super().__init__(World(WorldConfig(), seed=1), tick_rate=10, max_players=4,
                         clock=clock, sleep=clock.sleep)
        self.fake_clock = clock
        self.work = work
        self.tick_times: list[float] = []

    def tick(self) -> None:
        self.tick_times.append(self.fake_clock.now)
        super().tick()
        n = len(self.tick_times)
        self.fake_clock.now += self.work[n - 1] if n <= len(self.work) else 0.0


def make_runner(clock: FakeClock, work: list[float]) -> TimedRunner:
    return TimedRunner(clock, work)


def watcher(client_id: int = 1, transport: RecordingTransport | None = None) -> Client:
    return Client(client_id, transport or RecordingTransport(), "test", 1 << 20)


async def run_ticks(runner: TimedRunner, count: int) -> None:
    task = asyncio.create_task(runner.run())
    while len(runner.tick_times) < count:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_ticks_fall_on_absolute_deadlines_whatever_each_tick_costs():
    clock = FakeClock()
    runner = make_runner(clock, work=[0.03, 0.07, 0.01, 0.09, 0.0] * 4)
    runner.attach(watcher())
    await run_ticks(runner, 20)
    expected = [round(0.1 * (k + 1), 9) for k in range(20)]
    assert [round(t, 9) for t in runner.tick_times] == expected
    # After each tick it sleeps only what is left of the period, never a whole period.
    left = [round(0.1 - w, 9) for w in runner.work[:19]]
    assert [round(s, 9) for s in clock.sleeps[1:20]] == left
    assert runner.overruns == 0


async def test_a_tick_that_overruns_by_more_than_a_period_skips_the_missed_slots():
    clock = FakeClock()
    runner = make_runner(clock, work=[0.0, 0.35, 0.0, 0.0])
    runner.attach(watcher())
    await run_ticks(runner, 4)
    assert runner.overruns == 1
    times = [round(t, 9) for t in runner.tick_times]
    # Tick 2 ends at 0.55: tick 3 runs at once, then the schedule goes on at its next slot
    # (0.6) instead of bursting through the missed ones (0.3, 0.4, 0.5).
    assert times == [0.1, 0.2, 0.55, 0.6]


async def test_a_world_with_nobody_connected_does_not_tick_or_set_timers():
    clock = FakeClock()
    runner = make_runner(clock, work=[])
    task = asyncio.create_task(runner.run())
    for _ in range(100):
        await asyncio.sleep(0)
    assert runner.world.tick == 0
    assert clock.sleeps == []
    # Someone arrives: the world wakes up and ticks.
    runner.attach(watcher())
    while runner.world.tick < 3:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_every_client_gets_the_same_frame_bytes_each_tick():
    clock = FakeClock()
    runner = make_runner(clock, work=[])
    transports = [RecordingTransport() for _ in range(3)]
    for i, transport in enumerate(transports):
        runner.attach(watcher(i, transport))
    runner.tick()
    frames = [t.frames[-1] for t in transports]
    assert frames[0] == frames[1] == frames[2]
    assert frames[0] is frames[1] is frames[2]  # encoded once, the same object for all


class FlakyWorld(World):
    """A world whose third step fails, as a bug would."""

    def step(self, intents=()):
        if self.tick == 2 and not getattr(self, "failed", False):
            self.failed = True
            raise RuntimeError("bug")
        return super().step(intents)


async def test_a_tick_that_raises_is_logged_and_the_world_keeps_ticking(caplog):
    clock = FakeClock()
    runner = WorldRunner(FlakyWorld(WorldConfig(), seed=1), tick_rate=10, max_players=4,
                         clock=clock, sleep=clock.sleep)
    runner.attach(watcher())
    task = asyncio.create_task(runner.run())
    while runner.world.tick < 5:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert "tick failed" in caplog.text
