"""The ``snakepit`` command: the composition root that reads settings and starts things."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from . import eventloop
from .settings import Settings

log = logging.getLogger("snakepit")


def _env(name: str, default: str) -> str:
    return os.environ.get(f"SNAKEPIT_{name}", default)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 60x40, got {text!r}")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    defaults = Settings()
    parser = argparse.ArgumentParser(
        prog="snakepit", description="Snakepit: online multiplayer Snake in the browser."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the game server",
        description="Run the game server. Every option can also be set by the environment "
        "variable named in its help; a flag wins over the variable. (argparse checks both the "
        "same way, so a bad variable is reported under its flag's name.)",
    )
    serve.add_argument("--host", default=_env("HOST", defaults.host),
                       help="address to listen on (SNAKEPIT_HOST, default %(default)s)")
    serve.add_argument("--port", type=int, default=_env("PORT", str(defaults.port)),
                       help="TCP port; 0 picks a free one (SNAKEPIT_PORT, default %(default)s)")
    serve.add_argument("--data-dir", type=Path,
                       default=_env("DATA_DIR", str(defaults.data_dir)),
                       help="folder for the top-score database, created if missing "
                       "(SNAKEPIT_DATA_DIR, default ./%(default)s)")
    serve.add_argument("--tick-rate", type=float,
                       default=_env("TICK_RATE", str(defaults.tick_rate)),
                       help="ticks per second (SNAKEPIT_TICK_RATE, default %(default)s)")
    serve.add_argument("--world-size", type=_size,
                       default=_env("WORLD_SIZE", f"{defaults.width}x{defaults.height}"),
                       metavar="WxH",
                       help="world width x height in cells (SNAKEPIT_WORLD_SIZE, default "
                       f"{defaults.width}x{defaults.height})")
    serve.add_argument("--max-players", type=int,
                       default=_env("MAX_PLAYERS", str(defaults.max_players)),
                       help="snakes per world (SNAKEPIT_MAX_PLAYERS, default %(default)s)")
    serve.add_argument("--seed", type=int, default=os.environ.get("SNAKEPIT_SEED"),
                       help="seed of the world's generator (SNAKEPIT_SEED, default: random)")
    serve.add_argument("--log-level", default=_env("LOG_LEVEL", "info"),
                       choices=["debug", "info", "warning", "error"],
                       help="log level (SNAKEPIT_LOG_LEVEL, default %(default)s)")
    bench = commands.add_parser(
        "bench",
        help="measure how many clients one core holds, against a raw socket-writing baseline",
        description="Start a server pinned to one core and load generators on the other "
        "core(s); ramp the number of clients (a share playing, the rest watching), first "
        "against Snakepit, then against a bare server that only writes frames of the same "
        "size; report each step's figures, the capacity of each, and their ratio. Writes a "
        "JSON report and a PNG chart. Only ever targets 127.0.0.1.",
    )
    bench.add_argument("--steps", default="1000,2000,4000,6000,8000,10000,12000",
                       help="client counts of the ramp, comma separated (default %(default)s)")
    bench.add_argument("--seconds", type=float, default=8.0,
                       help="measuring window per step (default %(default)s)")
    bench.add_argument("--warmup", type=float, default=3.0,
                       help="settling time after connecting, per step (default %(default)s)")
    bench.add_argument("--play-share", type=float, default=0.25,
                       help="share of clients that play; the rest watch (default %(default)s)")
    bench.add_argument("--tick-rate", type=float, default=10.0,
                       help="ticks per second (default %(default)s)")
    bench.add_argument("--generators", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                       help="load generator processes (default: one per spare core, "
                       "%(default)s here)")
    bench.add_argument("--out", type=Path, default=Path("bench-report.json"),
                       help="JSON report (default %(default)s)")
    bench.add_argument("--chart", type=Path, default=Path("bench-report.png"),
                       help="PNG chart (default %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "bench":
        _bench(args)
        return
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings(
            host=args.host, port=args.port, data_dir=args.data_dir, tick_rate=args.tick_rate,
            width=args.world_size[0], height=args.world_size[1], max_players=args.max_players,
            seed=args.seed,
        )
    except ValueError as exc:
        sys.exit(f"snakepit: {exc}")
    try:
        eventloop.run(_serve(settings))
    except OSError as exc:  # the port is taken, the data folder cannot be made, ...
        sys.exit(f"snakepit: {exc}")


def _bench(args: argparse.Namespace) -> None:
    from .bench.controller import BenchOptions, bench

    try:
        steps = tuple(int(n) for n in args.steps.split(","))
    except ValueError:
        sys.exit(f"snakepit: --steps takes numbers separated by commas, not {args.steps!r}")
    options = BenchOptions(steps=steps, seconds=args.seconds, warmup=args.warmup,
                           play_share=args.play_share, tick_rate=args.tick_rate,
                           generators=args.generators, out=args.out, chart=args.chart)
    eventloop.run(bench(options))


async def _serve(settings: Settings) -> None:
    from aiohttp import web

    from .server import create_app

    runner = web.AppRunner(create_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    for host, port in (a[:2] for a in runner.addresses):
        shown = f"[{host}]" if ":" in host else host
        print(f"Snakepit is running: open http://{shown}:{port}/ in a browser", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        print("Snakepit is stopping", flush=True)
        await runner.cleanup()
