"""`counterflow` command line: run the hub, migrate the database, manage users."""
from __future__ import annotations

import argparse
import getpass
import logging
import sys

from .settings import Settings

log = logging.getLogger("counterflow")


def _settings(args) -> Settings:
    return Settings.load(host=getattr(args, "host", None), port=getattr(args, "port", None),
                         simulate_devices=True if getattr(args, "simulate_devices", False) else None)


def cmd_run(args) -> int:
    from . import logs, migrate
    from .app import create_app
    from .demo import ACCOUNTS, DEMO_PASSWORD, ensure_demo

    logs.configure()
    settings = _settings(args)
    migrate.upgrade(settings.database_url)
    app = create_app(settings)
    hub = app.extensions["counterflow"]
    device_tokens: dict[str, str] = {}
    if args.demo:
        from .demo_tokens import ensure_demo_device_tokens

        ensure_demo(hub.db)
        device_tokens = ensure_demo_device_tokens(hub.db, settings.database_url)
    base = f"http://{settings.host}:{settings.port}"
    lines = [f"CounterFlow hub on {base}  (database: {settings.database_url})"]
    if args.demo:
        # The kiosk and display keep their device token (localStorage) after the first visit.
        lines += [
            f"  Kiosk:            {base}/kiosk/demo?token={device_tokens['kiosk']}",
            f"  Counter terminal: {base}/counter",
            f"  Lobby display:    {base}/display/demo?token={device_tokens['display']}",
            f"  Supervisor panel: {base}/supervisor/demo",
            f"  API docs:         {base}/api/v1/docs",
            "  Demo accounts (password '" + DEMO_PASSWORD + "'): " + ", ".join(u for u, _ in ACCOUNTS),
        ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    hub.start_background()
    socketio = app.extensions.get("socketio")
    try:
        if socketio is not None:
            socketio.run(app, host=settings.host, port=settings.port, allow_unsafe_werkzeug=True,
                         use_reloader=False, log_output=False)
        else:
            app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)
    finally:
        hub.stop_background()
    return 0


def cmd_db(args) -> int:
    from . import migrate

    settings = _settings(args)
    if args.db_command == "upgrade":
        migrate.upgrade(settings.database_url)
        sys.stdout.write("database is at the latest schema\n")
    else:
        migrate.current(settings.database_url)
    return 0


def cmd_users_add(args) -> int:
    from sqlalchemy import select

    from . import auth, migrate
    from .db import Database
    from .models import Branch

    settings = _settings(args)
    migrate.upgrade(settings.database_url)
    password = args.password or getpass.getpass(f"password for {args.username}: ")
    db = Database(settings.database_url)
    with db.write() as session:
        branch_id = None
        if args.branch:
            branch_id = session.execute(select(Branch.id).where(Branch.code == args.branch)).scalar_one_or_none()
            if branch_id is None:
                raise SystemExit(f"error: no branch with code {args.branch!r}")
        auth.create_user(session, args.username, password, args.role, branch_id, args.name or "")
    sys.stdout.write(f"created {args.role} {args.username}\n")
    return 0


def cmd_simulate(args) -> int:
    import json

    from .simulation import scenario as scenarios, simulate, text

    try:
        if args.scenario:
            sc = scenarios.from_toml(args.scenario)
            for name in ("hours", "seed", "warmup_min"):
                if getattr(args, name) is not None:
                    setattr(sc, name, getattr(args, name))
        else:
            sc = scenarios.simple(
                arrivals_per_hour=args.arrivals_per_hour, counters=args.counters,
                mean_service_min=args.mean_service_min, hours=args.hours if args.hours is not None else 8.0,
                seed=args.seed if args.seed is not None else 1, distribution=args.distribution, cv=args.cv,
                wait_target_min=args.target_min, no_show=args.no_show,
                warmup_min=args.warmup_min if args.warmup_min is not None else 0.0)
        result = simulate(sc.validate(), keep_db=args.keep_db)
    except (scenarios.ScenarioError, FileExistsError) as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    sys.stdout.write(json.dumps(result, indent=2) + "\n" if args.json else text.render(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counterflow", description="CounterFlow queue-management hub")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the hub")
    run.add_argument("--demo", action="store_true", help="create the demo branch and accounts if missing")
    run.add_argument("--simulate-devices", action="store_true",
                     help="start a simulator for every device of the demo branch (no hardware needed)")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="database schema")
    db.add_argument("db_command", choices=["upgrade", "current"])
    db.set_defaults(func=cmd_db)

    users = sub.add_parser("users", help="staff accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="create a staff account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["teller", "guide", "supervisor", "admin"])
    add.add_argument("--branch", help="branch code (every role but admin)")
    add.add_argument("--name", help="display name")
    add.add_argument("--password", help="password (asked for when missing)")
    add.set_defaults(func=cmd_users_add)

    sim = sub.add_parser("simulate", help="simulate a branch day on the real queue engine (virtual clock)",
                         description="Discrete-event simulation of a branch: Poisson arrivals, counters, "
                                     "service times, pauses; every step is a real QueueEngine transaction on a "
                                     "throwaway SQLite database. Without --scenario: one service A and "
                                     "--counters identical counters.")
    sim.add_argument("--scenario", help="TOML scenario file (services, counters, pauses; see README)")
    sim.add_argument("--arrivals-per-hour", type=float, default=30.0, help="Poisson arrivals per hour (default 30)")
    sim.add_argument("--counters", type=int, default=3, help="identical counters (default 3)")
    sim.add_argument("--mean-service-min", type=float, default=5.0, help="mean service time, minutes (default 5)")
    sim.add_argument("--distribution", default="exponential",
                     choices=["exponential", "deterministic", "lognormal", "gamma", "uniform"],
                     help="service-time distribution (default exponential)")
    sim.add_argument("--cv", type=float, default=1.0, help="service-time coefficient of variation (lognormal, "
                                                           "gamma, uniform)")
    sim.add_argument("--target-min", type=int, default=20, help="wait target, minutes (default 20)")
    sim.add_argument("--no-show", type=float, default=0.0, help="share of called customers who do not come")
    sim.add_argument("--hours", type=float, help="opening hours simulated (default 8)")
    sim.add_argument("--seed", type=int, help="random seed (default 1)")
    sim.add_argument("--warmup-min", type=float, help="leave customers arriving in the first minutes out")
    sim.add_argument("--keep-db", metavar="PATH", help="write the simulation database to PATH and keep it")
    sim.add_argument("--json", action="store_true", help="print the result as JSON")
    sim.set_defaults(func=cmd_simulate)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .queue.errors import DomainError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DomainError as err:
        sys.stderr.write(f"error: {err.message}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
