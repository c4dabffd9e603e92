"""`counterflow branches create|list`: a new branch from the command line, through the same set-up
service (and audit) as the API and the admin console (server/queue/setup.py)."""
from __future__ import annotations

import sys


def add_parser(sub) -> None:
    branches = sub.add_parser("branches", help="branches: create, list")
    branches_sub = branches.add_subparsers(dest="branches_command", required=True)
    branches_sub.add_parser("list", help="every branch")
    create = branches_sub.add_parser("create", help="create a branch (then add services, counters, staff, "
                                                    "devices and device tokens in /admin or the API)")
    create.add_argument("code", help="1-32 of a-z, 0-9, '-', '_' (the branch's address in every URL)")
    create.add_argument("--name-zh", required=True, help="the branch's Chinese name")
    create.add_argument("--name-en", required=True, help="the branch's English name")
    create.add_argument("--timezone", default="Asia/Taipei", help="IANA zone (default Asia/Taipei)")
    branches.set_defaults(func=cmd_branches)


def cmd_branches(args) -> int:
    from sqlalchemy import select

    from . import migrate
    from .cli import _settings
    from .db import Database
    from .models import Branch
    from .queue.clock import utc_now
    from .queue.errors import DomainError
    from .queue.setup import SetupOperations
    from .queue.uow import unit_of_work

    settings = _settings(args)
    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        if args.branches_command == "list":
            with db.read() as session:
                for b in session.execute(select(Branch).order_by(Branch.code)).scalars():
                    sys.stdout.write(f"{b.code:<16} {b.timezone:<20} {b.name_zh} / {b.name_en}\n")
            return 0
        # No publish: the unit still writes the event log, which a running hub delivers at its next poll.
        setup = SetupOperations(lambda: unit_of_work(db, utc_now, None))
        try:
            view = setup.create_branch(args.code, args.name_zh, args.name_en, args.timezone, by="cli")
        except DomainError as err:
            sys.stderr.write(f"error: {err}\n")
            return 1
        sys.stdout.write(f"created branch {view['code']} ({view['name_zh']} / {view['name_en']}, "
                         f"{view['timezone']})\n")
        return 0
    finally:
        db.dispose()
