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
from .bench.ramp import DEFAULT_STEPS, parse_steps
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
    serve.add_argument("--engine", default=_env("ENGINE", defaults.engine),
                       choices=["auto", "c", "python"],
                       help="what steps the arenas: c (the compiled engine), python (the "
                       "reference engine) or auto, c where it was built (SNAKEPIT_ENGINE, "
                       "default %(default)s)")
    serve.add_argument("--bots", type=int, default=_env("BOTS", str(defaults.bots)),
                       help="fill arenas with fewer human players than this with bots, up to "
                       "this many snakes; 0 for none (SNAKEPIT_BOTS, default %(default)s)")
    serve.add_argument("--bot-level", default=_env("BOT_LEVEL", defaults.bot_level),
                       choices=["easy", "medium", "hard"],
                       help="how well bots play (SNAKEPIT_BOT_LEVEL, default %(default)s)")
    serve.add_argument("--max-per-address", type=int,
                       default=_env("MAX_PER_ADDRESS", str(defaults.max_connections_per_address)),
                       help="open WebSocket connections (and games, those waiting for a resume "
                       "included) one address may hold; 0 for no limit "
                       "(SNAKEPIT_MAX_PER_ADDRESS, default %(default)s)")
    serve.add_argument("--arenas-per-address", type=int,
                       default=_env("ARENAS_PER_ADDRESS", str(defaults.arenas_per_address)),
                       help="arenas opened by name (/?arena=NAME) one address may hold open "
                       "at once; 0 for no limit (SNAKEPIT_ARENAS_PER_ADDRESS, default "
                       "%(default)s)")
    serve.add_argument("--new-arenas-per-minute", type=float,
                       default=_env("NEW_ARENAS_PER_MINUTE",
                                    f"{defaults.new_arenas_per_minute:g}"),
                       help="new arenas one address may open by name a minute; 0 for no "
                       "limit (SNAKEPIT_NEW_ARENAS_PER_MINUTE, default %(default)s)")
    serve.add_argument("--trust-proxy", action="store_true",
                       default=_env("TRUST_PROXY", "") not in ("", "0", "false", "no"),
                       help="take client addresses from X-Forwarded-For (only behind your own "
                       "proxy; SNAKEPIT_TRUST_PROXY=1)")
    serve.add_argument("--allow-origin", action="append",
                       default=[o for o in _env("ALLOW_ORIGINS", "").split(",") if o.strip()],
                       metavar="ORIGIN",
                       help="a site whose pages may connect, e.g. https://example.org "
                       "(repeatable; SNAKEPIT_ALLOW_ORIGINS, comma-separated; the server's own "
                       "address is always allowed)")
    serve.add_argument("--resume-grace", type=float,
                       default=_env("RESUME_GRACE", str(defaults.resume_grace)),
                       help="seconds a player whose connection dropped has to come back to "
                       "the same snake (SNAKEPIT_RESUME_GRACE, default %(default)s)")
    serve.add_argument("--no-record", dest="record", action="store_false",
                       default=_env("RECORD", "1") not in ("", "0", "false", "no"),
                       help="do not record the arenas' games (SNAKEPIT_RECORD=0; recording "
                       "is on by default, see docs/replays.md)")
    serve.add_argument("--keep-recordings", type=int,
                       default=_env("KEEP_RECORDINGS", str(defaults.keep_recordings)),
                       help="recordings kept in DATA_DIR/replays; older ones are deleted, 0 "
                       "keeps all (SNAKEPIT_KEEP_RECORDINGS, default %(default)s)")
    serve.add_argument("--header-timeout", type=float,
                       default=_env("HEADER_TIMEOUT", str(defaults.header_timeout)),
                       help="seconds a client has to send a request's headers "
                       "(SNAKEPIT_HEADER_TIMEOUT, default %(default)s)")
    serve.add_argument("--keepalive-timeout", type=float,
                       default=_env("KEEPALIVE_TIMEOUT", str(defaults.keepalive_timeout)),
                       help="seconds a kept-alive HTTP connection may sit idle, at most 75 "
                       "(SNAKEPIT_KEEPALIVE_TIMEOUT, default %(default)s)")
    serve.add_argument("--max-http-per-address", type=int,
                       default=_env("MAX_HTTP_PER_ADDRESS",
                                    str(defaults.max_http_per_address)),
                       help="open plain-HTTP connections one address may hold; 0 for no "
                       "limit (SNAKEPIT_MAX_HTTP_PER_ADDRESS, default %(default)s)")
    serve.add_argument("--allowed-host", action="append",
                       default=[h for h in _env("ALLOWED_HOSTS", "").split(",") if h.strip()],
                       metavar="NAME",
                       help="a name this server answers for, e.g. snake.example.org or "
                       "*.example.org; * for any (repeatable; SNAKEPIT_ALLOWED_HOSTS, "
                       "comma-separated; default: the names of --host, localhost on "
                       "loopback; IP addresses are always accepted)")
    serve.add_argument("--log-level", default=_env("LOG_LEVEL", "info"),
                       choices=["debug", "info", "warning", "error"],
                       help="log level (SNAKEPIT_LOG_LEVEL, default %(default)s)")
    bench = commands.add_parser(
        "bench",
        help="measure how many clients one core holds, against a raw socket-writing baseline",
        description="Start a server pinned to one core and load generators on the other "
        "core(s); ramp the number of clients (a share playing, the rest watching) against "
        "Snakepit and, step by step in turn, against a bare server that only writes frames "
        "of the same size; report each step's figures, the capacity of each, and their "
        "ratio. Writes a JSON report and a PNG chart. Only ever targets 127.0.0.1.",
    )
    bench.add_argument("--steps", default=DEFAULT_STEPS,
                       help="client counts of the ramp: counts and ranges FIRST-LAST/STEP, "
                       "comma separated (default %(default)s)")
    bench.add_argument("--seconds", type=float, default=8.0,
                       help="measuring window per step (default %(default)s)")
    bench.add_argument("--warmup", type=float, default=3.0,
                       help="settling time after connecting, per step (default %(default)s)")
    bench.add_argument("--play-share", type=float, default=0.25,
                       help="share of clients that play; the rest watch (default %(default)s)")
    bench.add_argument("--tick-rate", type=float, default=10.0,
                       help="ticks per second (default %(default)s)")
    bench.add_argument("--tries", type=int, default=2,
                       help="times a step that did not hold is measured again, on each "
                       "server, before it counts as failed (default %(default)s)")
    bench.add_argument("--generators", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                       help="load generator processes (default: one per spare core, "
                       "%(default)s here)")
    bench.add_argument("--engine", default="auto", choices=["auto", "c", "python"],
                       help="the engine Snakepit's server steps its arenas with (default "
                       "%(default)s: c where it was built)")
    bench.add_argument("--out", type=Path, default=Path("bench-report.json"),
                       help="JSON report (default %(default)s)")
    bench.add_argument("--chart", type=Path, default=Path("bench-report.png"),
                       help="PNG chart (default %(default)s)")
    soak = commands.add_parser(
        "soak",
        help="hold thousands of clients for minutes while bad clients are injected",
        description="Start a server pinned to one core; on the other core, connect CLIENTS "
        "legitimate clients (a share playing, the rest watching) and hold them for MINUTES "
        "while a fault injector sends bad input, floods, stalled readers, vanished peers and "
        "slow headers, checking each gets its answer. Reports the server's memory drift, "
        "dropped legitimate clients (the target is 0), tick overruns and each fault's "
        "outcome, as a table and a JSON report. Only ever targets 127.0.0.1.",
    )
    soak.add_argument("--clients", type=int, default=2000,
                      help="legitimate clients (default %(default)s)")
    soak.add_argument("--minutes", type=float, default=10.0,
                      help="how long to hold them once connected (default %(default)s)")
    soak.add_argument("--play-share", type=float, default=0.25,
                      help="share of clients that play; the rest watch (default %(default)s)")
    soak.add_argument("--fault-rate", type=float, default=5.0,
                      help="faults started a second (default %(default)s)")
    soak.add_argument("--tick-rate", type=float, default=10.0,
                      help="ticks per second (default %(default)s)")
    soak.add_argument("--max-per-address", type=int,
                      default=defaults.max_connections_per_address,
                      help="the server's limit; the clients use many loopback addresses to "
                      "stay under it (0: no limit, no connection flood; default %(default)s)")
    soak.add_argument("--out", type=Path, default=Path("soak-report.json"),
                      help="JSON report (default %(default)s)")
    robot = commands.add_parser(
        "robot",
        help="play a robot (a Python class) on a Snakepit server",
        description="Load the robot class ROBOT (path/to/file.py:ClassName or "
        "package.module:ClassName), connect to the server, join, and answer every frame with "
        "the robot's decide(view). It joins again after each death. docs/robots.md explains "
        "how to write one.",
    )
    robot.add_argument("robot", metavar="ROBOT", help="FILE.py:ClassName or module:ClassName")
    robot.add_argument("--url", default="ws://127.0.0.1:8080/ws",
                       help="the server's WebSocket address (default %(default)s)")
    robot.add_argument("--name", help="the name to play under (default: the robot's name)")
    robot.add_argument("--arena", help="play in this named arena (default: any public one)")
    robot.add_argument("--games", type=int, help="stop after this many games")
    robot.add_argument("--seconds", type=float, help="stop after this many seconds")
    replay = commands.add_parser(
        "replay",
        help="describe a recorded game, and check it tick by tick with --verify",
        description="Print what the recording FILE holds (arena, ticks, players). With "
        "--verify, re-simulate it from its seed and settings and compare the state after "
        "every tick with the recorded digest: 'ok: N ticks identical', or the first tick "
        "that differs. Exits with 1 on a divergence or a damaged file.",
    )
    replay.add_argument("file", metavar="FILE", type=Path,
                        help="a recording (.jsonl), e.g. snakepit-data/replays/<id>.jsonl")
    replay.add_argument("--verify", action="store_true",
                        help="re-simulate and compare every tick's state digest")
    from .robots.simulate_cli import add_parser as add_simulate
    add_simulate(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "bench":
        _bench(args)
        return
    if args.command == "soak":
        _soak(args, argv)
        return
    if args.command == "robot":
        sys.exit(_robot(args))
    if args.command == "replay":
        from .replay.command import run as replay
        sys.exit(replay(args.file, verify=args.verify))
    if args.command == "simulate":
        from .robots.simulate_cli import run as simulate
        sys.exit(simulate(args))
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from .engine.fast import engine_class

    try:
        settings = Settings(
            host=args.host, port=args.port, data_dir=args.data_dir, tick_rate=args.tick_rate,
            width=args.world_size[0], height=args.world_size[1], max_players=args.max_players,
            seed=args.seed, engine=args.engine, bots=args.bots, bot_level=args.bot_level,
            max_connections_per_address=args.max_per_address, trust_proxy=args.trust_proxy,
            arenas_per_address=args.arenas_per_address,
            new_arenas_per_minute=args.new_arenas_per_minute,
            allowed_origins=tuple(args.allow_origin), header_timeout=args.header_timeout,
            resume_grace=args.resume_grace, record=args.record,
            keep_recordings=args.keep_recordings, keepalive_timeout=args.keepalive_timeout,
            max_http_per_address=args.max_http_per_address,
            allowed_hosts=tuple(h.strip() for h in args.allowed_host),
        )
        engine_class(settings.engine)
    except ValueError as exc:
        sys.exit(f"snakepit: {exc}")
    try:
        eventloop.run(_serve(settings))
    except OSError as exc:  # the port is taken, the data folder cannot be made, ...
        sys.exit(f"snakepit: {exc}")


def _robot(args: argparse.Namespace) -> int:
    """Play a robot until its games or seconds are done (or Ctrl-C); 2 if it cannot start."""
    import aiohttp

    from .robots.loader import RobotNotFound, make_robot
    from .robots.remote import play

    try:
        robot = make_robot(args.robot)
    except RobotNotFound as exc:
        print(f"snakepit robot: {exc}", file=sys.stderr)
        return 2
    name = args.name or getattr(robot, "name", None) or "robot"
    try:
        report = eventloop.run(play(robot, args.url, name, arena=args.arena, games=args.games,
                                    seconds=args.seconds))
    except KeyboardInterrupt:
        return 0
    except (aiohttp.ClientError, OSError, ConnectionError) as exc:
        print(f"snakepit robot: cannot play at {args.url}: {exc}", file=sys.stderr)
        return 2
    scores = [g.score for g in report.games]
    print(f"{len(report.games)} games, best score {max(scores, default=0)}, "
          f"{report.decisions} decisions, {report.late} late, {report.errors} errors")
    return 0


def _bench(args: argparse.Namespace) -> None:
    from .bench.controller import BenchOptions, bench

    try:
        steps = parse_steps(args.steps)
    except ValueError as error:
        sys.exit(f"snakepit: --steps: {error}")
    options = BenchOptions(steps=steps, seconds=args.seconds, warmup=args.warmup,
                           play_share=args.play_share, tick_rate=args.tick_rate,
                           tries=max(1, args.tries), generators=args.generators,
                           engine=args.engine, out=args.out, chart=args.chart)
    eventloop.run(bench(options))


def _soak(args: argparse.Namespace, argv: Sequence[str] | None) -> None:
    import shlex

    from .bench.soak import SoakOptions, soak

    command = shlex.join(["snakepit", *(sys.argv[1:] if argv is None else argv)])
    options = SoakOptions(clients=args.clients, minutes=args.minutes,
                          play_share=args.play_share, fault_rate=args.fault_rate,
                          tick_rate=args.tick_rate, max_per_address=args.max_per_address,
                          out=args.out, command=command)
    eventloop.run(soak(options))


async def _serve(settings: Settings) -> None:
    from .server import create_app, garbage

    garbage.tune()  # short collector pauses with thousands of connections (garbage.py)
    app = create_app(settings)
    await app.start()
    garbage.freeze_startup()
    for host, port in app.addresses:
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
        await app.stop()
