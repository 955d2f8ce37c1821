"""The bench report as a PNG: clients on x; tick rate, late ticks, fan-out p99 and server
CPU on y."""

from __future__ import annotations

from pathlib import Path

from .verdict import bounds


def _counted(steps: list[dict]) -> list[dict]:
    """One measurement per client count: the one that held, else the last one."""
    chosen: dict[int, dict] = {}
    for step in steps:
        kept = chosen.get(step["clients"])
        if kept is None or not kept["holds"]:
            chosen[step["clients"]] = step
    return [chosen[n] for n in sorted(chosen)]


def draw(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, axes = plt.subplots(4, 1, figsize=(8, 11.5), sharex=True)
    panels = [  # (figure, scale to plot, axis label)
        ("ticks_per_second_per_arena", 1, "ticks/s per arena"),
        ("tick_overrun_share", 100, "ticks > 25 ms late (%)"),
        ("fanout_delay_p99_ms", 1, "fan-out delay p99 (ms)"),
        ("server_cpu_percent", 1, "server CPU (%)"),
    ]
    for ax, (key, scale, label) in zip(axes, panels, strict=True):
        for kind, style in (("snakepit", "o-"), ("raw", "s--")):
            steps = [s for s in _counted(report[kind]) if s.get(key) is not None]
            ax.plot([s["clients"] for s in steps], [s[key] * scale for s in steps], style,
                    label=kind)
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.ticklabel_format(axis="y", useOffset=False)  # "10.0", not "+1e1" over "0.002"
    axes[1].axhline(report["targets"]["tick_overrun_share"] * 100, color="red", lw=0.8,
                    label="target")
    axes[2].axhline(report["targets"]["fanout_delay_p99_ms"], color="red", lw=0.8,
                    label="target")
    for ax in axes:  # every panel from 0 (after the target lines, which widen theirs)
        ax.set_ylim(bottom=0)
    # Late ticks go from none to nearly all: linear up to the 1 % target, logarithmic above.
    axes[1].set_yscale("symlog", linthresh=1)
    axes[1].set_ylim(0, 100)
    axes[1].set_yticks([0, 0.5, 1, 10, 100])
    axes[1].yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    # Ticks a second up to a little above the rate asked for: a flat line at the rate is
    # the healthy case, and a drop shows at its true size.
    rate = float(report.get("options", {}).get("tick_rate") or 10.0)
    top = max([rate] + [s["ticks_per_second_per_arena"] for kind in ("snakepit", "raw")
                        for s in report[kind] if s.get("ticks_per_second_per_arena")])
    axes[0].set_ylim(0, top * 1.15)
    axes[0].legend()
    axes[2].legend()
    axes[-1].set_xlabel("connected clients")
    ratio, marks = report["ratio"], bounds(report, at_least="≥ ", at_most="≤ ")
    title = (f"Snakepit capacity {marks['snakepit']}{report['snakepit_capacity']} vs "
             f"raw {marks['raw']}{report['raw_capacity']} (ratio {marks['ratio']}{ratio:.2f})"
             if ratio else "Snakepit bench")
    cpu = report.get("cpu_ratio")
    if cpu:
        title += (f"\nCPU for the same clients: {cpu['median']:.2f} times the raw server's "
                  f"(median of {cpu['steps']} steps, {cpu['low']:.2f}-{cpu['high']:.2f})")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
