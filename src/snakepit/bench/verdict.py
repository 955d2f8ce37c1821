"""What a ramp's measurements say: the targets a measurement holds, each server's
capacity, and the figures of the report that compare the two servers."""

from __future__ import annotations

import statistics

#: A measurement holds with at most this share of ticks more than a quarter period late,
OVERRUN_LIMIT = 0.01
#: and a fan-out delay p99 of at most this (and every client connected and fed).
DELAY_P99_LIMIT_MS = 25.0
#: Below this share of its core, a server's CPU is too small a figure to divide by.
CPU_FLOOR_PERCENT = 20.0


def capacity(steps: list[dict[str, object]]) -> int:
    """The largest client count that held the targets (0 if none did)."""
    return max((int(s["clients"]) for s in steps if s["holds"]), default=0)


def capped(steps: list[dict[str, object]], ramp: tuple[int, ...]) -> bool:
    """Whether the ramp's last count held: the capacity is then only a lower bound."""
    return bool(ramp) and capacity(steps) == max(ramp)


def bounds(report: dict, at_least: str = ">= ", at_most: str = "<= ") -> dict[str, str]:
    """What to write before each capacity and the ratio: ``at_least`` before a capped
    capacity, and before the ratio ``at_most`` where only the raw limit is capped (the
    ratio then can only be lower), ``at_least`` where only Snakepit's is."""
    capped = report.get("capped", {})
    marks = {kind: at_least if capped.get(kind) else "" for kind in ("snakepit", "raw")}
    marks["ratio"] = ("" if marks["snakepit"] == marks["raw"]
                      else at_most if marks["raw"] else at_least)
    return marks


def how_it_ended(steps: list[dict[str, object]]) -> dict[str, object] | None:
    """The measurements above the capacity (those that ended the ramp, and those made after
    it had ended while the other server's went on): how many, how many
    of them failed on the fan-out delay alone, the server's ticks on time (its frames left
    on time and arrived late: the receiving side's doing, the generators' among it), and
    the generators' CPU over them (lowest, highest). None if no measurement failed."""
    top = capacity(steps)
    ended = [s for s in steps if not s["holds"] and int(s["clients"]) > top]
    if not ended:
        return None
    busy = [float(s["generator_cpu_percent"]) for s in ended
            if s.get("generator_cpu_percent") is not None]
    return {"measurements": len(ended),
            "delay_alone": sum(1 for s in ended
                               if float(s["tick_overrun_share"]) <= OVERRUN_LIMIT
                               and float(s["fanout_delay_p99_ms"]) > DELAY_P99_LIMIT_MS),
            "generator_cpu_percent": [min(busy), max(busy)] if busy else None}


def cpu_ratio(ours: list[dict[str, object]],
              raw: list[dict[str, object]]) -> dict[str, object] | None:
    """Snakepit's CPU over the raw server's for the same clients, at every client count
    that both held with at least ``CPU_FLOOR_PERCENT`` of their core: how many counts, and
    the lowest, median and highest ratio (None if no count qualifies). Each pair is measured
    within the same minute, so it moves far less from run to run than the capacities do;
    where both servers fail at about the same share of their core, the capacity ratio is
    about its inverse."""
    def held(steps: list[dict[str, object]]) -> dict[int, float]:
        return {int(s["clients"]): float(s["server_cpu_percent"]) for s in steps
                if s["holds"] and s.get("server_cpu_percent") is not None}
    snakepit, bare = held(ours), held(raw)
    ratios = sorted(snakepit[n] / bare[n] for n in snakepit.keys() & bare.keys()
                    if min(snakepit[n], bare[n]) >= CPU_FLOOR_PERCENT)
    if not ratios:
        return None
    return {"steps": len(ratios), "low": ratios[0], "median": statistics.median(ratios),
            "high": ratios[-1]}
