"""The bench report as a PNG: clients on x; tick rate, fan-out p99 and server CPU on y."""

from __future__ import annotations

from pathlib import Path


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

    fig, axes = plt.subplots(3, 1, figsize=(8, 9), sharex=True)
    panels = [
        ("ticks_per_second_per_arena", "ticks/s per arena"),
        ("fanout_delay_p99_ms", "fan-out delay p99 (ms)"),
        ("server_cpu_percent", "server CPU (%)"),
    ]
    for ax, (key, label) in zip(axes, panels, strict=True):
        for kind, style in (("snakepit", "o-"), ("raw", "s--")):
            steps = [s for s in _counted(report[kind]) if s.get(key) is not None]
            ax.plot([s["clients"] for s in steps], [s[key] for s in steps], style, label=kind)
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    axes[1].axhline(report["targets"]["fanout_delay_p99_ms"], color="red", lw=0.8,
                    label="target")
    axes[0].legend()
    axes[1].legend()
    axes[-1].set_xlabel("connected clients")
    ratio = report["ratio"]
    fig.suptitle(f"Snakepit capacity {report['snakepit_capacity']} vs raw "
                 f"{report['raw_capacity']} (ratio {ratio:.2f})" if ratio else "Snakepit bench")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
