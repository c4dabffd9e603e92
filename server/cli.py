"""`counterflow` command line: run the hub, migrate the database, manage users."""
from __future__ import annotations

import argparse
import getpass
import sys

from .settings import Settings

# No logging, threading or socket import up here: `counterflow run` monkey-patches for gevent at the
# start of main() (server/serve.py), and what is imported before that stays unpatched.


def _settings(args) -> Settings:
    return Settings.load(host=getattr(args, "host", None), port=getattr(args, "port", None),
                         simulate_devices=True if getattr(args, "simulate_devices", False) else None,
                         demo=True if getattr(args, "demo", False) else None)


def cmd_run(args) -> int:
    from . import hub_lock, logs, migrate, serve
    from .app import create_app
    from .demo import ACCOUNTS, DEMO_PASSWORD, ensure_demo

    settings = _settings(args)
    logs.configure(settings.log_level, settings.log_format)
    hub_lock.acquire(settings.database_url)  # one hub per SQLite file; refuses before touching anything
    migrate.upgrade(settings.database_url)
    app = create_app(settings)
    hub = app.extensions["counterflow"]
    device_tokens: dict[str, str] = {}
    if args.demo:
        from .demo_tokens import ensure_demo_device_tokens

        ensure_demo(hub.db)
        device_tokens = ensure_demo_device_tokens(hub.db, settings.database_url)
        if settings.simulate_devices:
            from .devices.demo_devices import ensure_demo_devices

            ensure_demo_devices(hub.db)
    base = f"http://{settings.host}:{settings.port}"
    lines = [f"CounterFlow hub on {base}  (database: {settings.database_url})"]
    if args.demo:
        # The kiosk and display keep their device token (localStorage) after the first visit.
        lines += [
            f"  Kiosk:            {base}/kiosk/demo?token={device_tokens['kiosk']}",
            f"  Counter terminal: {base}/counter",
            f"  Lobby display:    {base}/display/demo?token={device_tokens['display']}",
            f"  Supervisor panel: {base}/supervisor/demo",
            f"  Rounds:           {base}/supervisor/demo/rounds   (the guide's tablet)",
            f"  Admin console:    {base}/admin",
            f"  Branch page:      {base}/b/demo   (customers' phones: take a ticket, book an appointment)",
            f"  API docs:         {base}/api/v1/docs",
            "  Demo accounts (password '" + DEMO_PASSWORD + "'): " + ", ".join(u for u, _ in ACCOUNTS),
        ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    serve.run(app, settings, started=lambda: _print_devices(hub))
    return 0


def _print_devices(hub) -> None:
    """The device list once every device has reported (or a few seconds passed), under the URLs."""
    service = hub.devices
    if service is None or not service.running:
        return
    service.wait_settled(timeout=8.0)
    rows = service.registry.list()
    if not rows:
        return
    from .devices.protocol import DeviceConfig

    lines = ["  Devices:"]
    for d in rows:
        place = f"counter {d['counter']}" if d["counter"] else (f"kiosk {d['kiosk']}" if d["kiosk"] else "")
        url = d["url"]
        if service.sims is not None and url.startswith("sim:"):
            try:  # where the simulator really listens, for a person who wants to poke at it
                url += " -> " + service.sims.resolve(DeviceConfig(d["id"], d["kind"], d["name"], url, d["settings"]))
            except ValueError:
                pass
        detail = f" ({d['detail']})" if d["state"] not in ("online", "disabled") and d["detail"] else ""
        lines.append(f"    {d['branch']}/{d['name']:<10} {d['kind']:<7} {place:<18} {d['state']}{detail}  {url}")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def cmd_sim(args) -> int:
    from hardware_sim.cli import main as sim_main

    return sim_main(args.sim_args)


def cmd_agent(args) -> int:
    """A branch PC's devices, driven for the central hub (server/devices/agent_client.py)."""
    import os

    from .devices.agent_client import run as run_agent
    from .devices.worker import Timing
    from .logs import configure

    token = args.token or os.environ.get("COUNTERFLOW_AGENT_TOKEN")
    if not token:
        sys.stderr.write("error: give --token or set COUNTERFLOW_AGENT_TOKEN\n")
        return 2
    settings = Settings.load()  # the same device_* timings as the in-hub manager, and the log settings
    configure(settings.log_level, settings.log_format)
    timing = Timing(health_interval=settings.device_poll_interval_s, key_poll_interval=settings.device_key_poll_s,
                    backoff_max=settings.device_backoff_max_s)
    return run_agent(args.hub, token, health_port=args.health_port, timing=timing)


def cmd_ports(args) -> int:
    from .devices import ports

    sys.stdout.write(ports.describe() + "\n")
    return 0


def _registry(args):
    from . import migrate
    from .db import Database
    from .devices.registry import DeviceRegistry
    from .queue.clock import utc_now

    settings = _settings(args)
    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    return DeviceRegistry(db, utc_now, None, allow_local=True), db  # a local admin with the database


def _find_device(registry, db, branch: str, name: str) -> dict:
    from .queue import queries

    with db.read() as session:
        branch_id = queries.branch_by_code(session, branch).id
    for device in registry.list(branch_id):
        if device["name"] == name or str(device["id"]) == name:
            return device
    raise SystemExit(f"error: branch {branch} has no device {name!r}")


def cmd_devices(args) -> int:
    import json

    registry, db = _registry(args)
    if args.devices_command == "list":
        branch_id = None
        if args.branch:
            from .queue import queries

            with db.read() as session:
                branch_id = queries.branch_by_code(session, args.branch).id
        rows = registry.list(branch_id)
        for d in rows:
            place = f"counter {d['counter']}" if d["counter"] else (f"kiosk {d['kiosk']}" if d["kiosk"] else "-")
            enabled = "" if d["enabled"] else " (disabled)"
            sys.stdout.write(f"{d['id']:>4}  {d['branch']}/{d['name']:<14} {d['kind']:<8} {place:<16} "
                             f"{d['state']:<15} {d['url']}{enabled}\n")
        if not rows:
            sys.stdout.write("no devices\n")
        return 0
    if args.devices_command == "add":
        settings = {}
        for item in args.setting or []:
            key, sep, value = item.partition("=")
            if not sep:
                raise SystemExit(f"error: --setting {item!r}: expected key=value")
            try:
                settings[key] = json.loads(value)
            except ValueError:
                settings[key] = value
        view = registry.add(args.branch, kind=args.kind, name=args.name, url=args.url, counter=args.counter,
                            kiosk=args.kiosk, settings=settings, enabled=not args.disabled, by="cli")
        sys.stdout.write(f"added {view['kind']} {view['name']} (id {view['id']}); a running hub picks it up "
                         "within a second\n")
        return 0
    if args.devices_command == "remove":
        from .queue.actors import SYSTEM

        device = _find_device(registry, db, args.branch, args.name)
        registry.remove(device["id"], SYSTEM)
        sys.stdout.write(f"removed {device['name']}\n")
        return 0
    return _test_device(args, registry, db)


def _test_device(args, registry, db) -> int:
    """Self-test one device from this process (stop the hub first if it holds the port)."""
    from .devices.directory import Directory
    from .devices.manager import DeviceManager

    device = _find_device(registry, db, args.branch, args.name)
    directory = Directory()
    directory.load(db)
    info = directory.get(device["id"])
    if device["url"].startswith("sim:"):
        sys.stdout.write(f"{device['name']} is simulated ({device['url']}): test it in the running hub with "
                         f"POST /api/v1/devices/{device['id']}/test\n")
        return 2
    import logging

    log = logging.getLogger("counterflow")
    manager = DeviceManager(lambda report: log.info("device report", extra={"report": report})).start()
    try:
        manager.submit({"op": "configure", "devices": [info.config().as_dict()]}).wait(10)
        result = manager.submit({"op": "self_test", "device": device["id"], "test_page": args.test_page}).wait(15)
    finally:
        manager.stop()
    result = result or {"ok": False, "error": "no answer within 15 s"}
    state = result.get("state") or "unknown"
    sys.stdout.write(f"{device['name']} ({device['kind']}, {device['url']}): {state}"
                     f"{' - ' + (result.get('detail') or result.get('error') or '') if not result.get('ok') else ''}\n")
    return 0 if result.get("ok") else 1


def cmd_db(args) -> int:
    from . import migrate

    settings = _settings(args)
    if args.db_command == "upgrade":
        migrate.upgrade(settings.database_url)
        sys.stdout.write("database is at the latest schema\n")
    else:
        migrate.current(settings.database_url)
    return 0


def cmd_migrate(args) -> int:
    from . import migrate

    migrate.upgrade(_settings(args).database_url)
    sys.stdout.write("database is at the latest schema\n")
    return 0


def cmd_backup(args) -> int:
    from . import backup

    settings = _settings(args)
    try:
        written = backup.backup(settings.database_url, args.path)
    except backup.BackupError as err:
        sys.stderr.write(f"{err}\n")
        return err.exit_code
    sys.stdout.write(f"backup written to {written} ({written.stat().st_size} bytes, integrity ok)\n")
    return 0


def cmd_restore(args) -> int:
    from . import backup

    settings = _settings(args)

    def hub_running():
        path = backup.sqlite_path(settings.database_url)
        return backup.hub_lock_holder(path) or backup.hub_answers(settings.host, settings.port)

    try:
        target, kept, revision = backup.restore(settings.database_url, args.path, hub_running=hub_running)
    except backup.BackupError as err:
        sys.stderr.write(f"{err}\n")
        return err.exit_code
    sys.stdout.write(f"restored {args.path} (schema {revision}) into {target}"
                     + (f"; the replaced database is kept as {kept}" if kept else "") + "\n")
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


def cmd_device_tokens(args) -> int:
    """List, create, revoke and rotate device tokens (server/device_tokens.py); a token is printed once."""
    from . import device_tokens, migrate
    from .db import Database
    from .queue import queries
    from .queue.clock import utc_now

    settings = _settings(args)
    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    now, out = utc_now(), sys.stdout
    try:
        with db.write() as session:
            if args.tokens_command == "list":
                branch_id = queries.branch_by_code(session, args.branch).id if args.branch else None
                for t in device_tokens.list_tokens(session, now, branch_id):
                    state = "active" if t["active"] else ("revoked" if t["revoked_at"] else "expired")
                    out.write(f"{t['id']:>5}  {t['branch']:<10} {t['kind']:<8} {t['name']:<24} {state:<8} "
                              f"expires {t['expires_at'] or 'never'}\n")
            elif args.tokens_command == "create":
                branch = queries.branch_by_code(session, args.branch)
                token, view = device_tokens.create(session, args.name, args.kind, branch, now,
                                                   expires_in_days=args.expires_in_days, by="cli")
                out.write(f"created {view['kind']} token {view['id']} for {view['name']}: {token}\n")
            elif args.tokens_command == "revoke":
                view = device_tokens.revoke(session, args.id, now, by="cli")
                out.write(f"revoked token {view['id']} ({view['kind']} {view['name']})\n")
            else:
                token, view = device_tokens.rotate(session, args.id, now, expires_in_days=args.expires_in_days,
                                                   by="cli")
                out.write(f"rotated: new token {view['id']} for {view['name']}: {token}\n")
    finally:
        db.dispose()
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

    agent = sub.add_parser("agent", help="run a branch PC's devices for a central hub (a device agent)")
    agent.add_argument("--hub", required=True, help="the hub's URL, e.g. https://queue.example.com")
    agent.add_argument("--token", help="the agent's device token (or COUNTERFLOW_AGENT_TOKEN)")
    agent.add_argument("--health-port", type=int, help="answer GET /healthz on 127.0.0.1:PORT")
    agent.set_defaults(func=cmd_agent)

    sub.add_parser("migrate", help="bring the database to the latest schema (before starting a new version)"
                   ).set_defaults(func=cmd_migrate)
    backup = sub.add_parser("backup", help="copy the SQLite database to PATH while the hub runs "
                                           "(PostgreSQL: prints the pg_dump line)")
    backup.add_argument("path", help="file to write, or a directory (counterflow-<timestamp>.db in it)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the SQLite database with a backup (the hub must be "
                                             "stopped; the replaced file is kept beside it)")
    restore.add_argument("path", help="backup file written by `counterflow backup`")
    restore.set_defaults(func=cmd_restore)

    db = sub.add_parser("db", help="database schema")
    db.add_argument("db_command", choices=["upgrade", "current"])
    db.set_defaults(func=cmd_db)

    from . import cli_branches

    cli_branches.add_parser(sub)  # counterflow branches create|list

    users = sub.add_parser("users", help="staff accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="create a staff account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["teller", "guide", "supervisor", "admin"])
    add.add_argument("--branch", help="branch code (every role but admin)")
    add.add_argument("--name", help="display name")
    add.add_argument("--password", help="password (asked for when missing)")
    add.set_defaults(func=cmd_users_add)

    tokens = sub.add_parser("device-tokens", help="device tokens: list, create, revoke, rotate")
    tokens_sub = tokens.add_subparsers(dest="tokens_command", required=True)
    tokens_sub.add_parser("list", help="every device token and its state").add_argument("--branch")
    create = tokens_sub.add_parser("create", help="a new token (printed once)")
    create.add_argument("name")
    create.add_argument("--kind", required=True, choices=["kiosk", "display", "agent", "pad"])
    create.add_argument("--branch", required=True)
    create.add_argument("--expires-in-days", type=int)
    tokens_sub.add_parser("revoke", help="revoke a token by id").add_argument("id", type=int)
    rotate = tokens_sub.add_parser("rotate", help="replace a token by id with a new one (printed once)")
    rotate.add_argument("id", type=int)
    rotate.add_argument("--expires-in-days", type=int)
    tokens.set_defaults(func=cmd_device_tokens)

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
    simulators = sub.add_parser("sim", help="run the device simulators standalone (python -m hardware_sim)",
                                add_help=False)
    simulators.add_argument("sim_args", nargs=argparse.REMAINDER)
    simulators.set_defaults(func=cmd_sim)

    sub.add_parser("ports", help="list serial ports and USB printers").set_defaults(func=cmd_ports)

    devices = sub.add_parser("devices", help="the device table (a running hub follows changes within a second)")
    devices_sub = devices.add_subparsers(dest="devices_command", required=True)
    listing = devices_sub.add_parser("list", help="devices and their last known state")
    listing.add_argument("--branch")
    add_device = devices_sub.add_parser("add", help="register a device")
    add_device.add_argument("--branch", required=True)
    add_device.add_argument("--kind", required=True, choices=["printer", "led", "pad", "keypad"])
    add_device.add_argument("--name", required=True)
    add_device.add_argument("--url", required=True, help="tcp://host:9100, serial:///dev/ttyUSB0?baud=9600&unit=3, "
                                                         "usb://04b8:0202, sim://printer/1, sim://bus/1?unit=3")
    add_device.add_argument("--counter", type=int, help="counter number (displays, pads, keypads)")
    add_device.add_argument("--kiosk", help="kiosk device-token name (printers)")
    add_device.add_argument("--setting", action="append", metavar="KEY=VALUE",
                            help="printer settings: encoding=big5 paper_mm=58 default=true backup_for=NAME ...")
    add_device.add_argument("--disabled", action="store_true")
    remove_device = devices_sub.add_parser("remove", help="remove a device (its fault records stay)")
    remove_device.add_argument("name", help="device name or id")
    remove_device.add_argument("--branch", required=True)
    test_device = devices_sub.add_parser("test", help="self-test a device from this process (stop the hub first "
                                                      "if it holds the port)")
    test_device.add_argument("name", help="device name or id")
    test_device.add_argument("--branch", required=True)
    test_device.add_argument("--test-page", action="store_true", help="printers: print a test page")
    devices.set_defaults(func=cmd_devices)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .serve import prepare

    argv = sys.argv[1:] if argv is None else argv
    prepare(argv)  # `run` in gevent mode: monkey-patch before the server modules are imported
    from .queue.errors import DomainError

    if argv[:1] == ["sim"]:  # everything after `sim` belongs to the simulators' own options
        from hardware_sim.cli import main as sim_main

        return sim_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DomainError as err:
        sys.stderr.write(f"error: {err.message}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
