"""The remote queue in the domain: a ticket taken from a phone, its check-in, a missed customer's rejoin,
the branch's remote settings and the purge of contacts (docs/architecture.md, "Remote queue").

A remote ticket is an ordinary ticket on the `remote` channel with `awaiting_check_in` set (unless the
branch calls remote tickets without check-in): it keeps its place in the queue, but call next skips it
until `check_in`. Limits (per device, per client address, per contact, per time window) are counted
here, inside the issuing transaction, from the hashed keys the API hands in; the raw cookie and
address never reach the database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, select, text, update

from ..models import Branch, DayClose, RemoteSettings, RemoteTicket, Ticket
from . import setup_audit, ticket_store as store
from .actors import SYSTEM, Actor
from .catalog import BranchConfig
from .counter_ops import transition
from .errors import Conflict, DomainError, Invalid, NotFound
from .repository import branch_by_code
from .states import TicketAction, TicketStatus
from .uow import EventName, UnitOfWork

MAX_CONTACT = 120
# Whatever the setting, a contact is never kept longer than this (a day never closed, say).
MAX_KEEP_HOURS = 48
CHECK_IN_VIAS = ("door", "kiosk", "staff")
# The branch turned on call_without_check_in while the ticket waited (not a customer's check-in:
# reports count check-ins by CHECK_IN_VIAS only).
CHECK_IN_BY_SETTING = "setting"
# name -> (lowest, highest) a supervisor may set.
SETTING_RANGES = {"nudge_places": (1, 20), "rejoin_window_s": (0, 4 * 3600), "contact_keep_hours": (1, MAX_KEEP_HOURS),
                  "proof_max_age_s": (30, 24 * 3600), "limit_window_s": (60, 24 * 3600),
                  "device_limit": (1, 100), "contact_limit": (1, 100), "address_limit": (1, 1000)}
FLAGS = ("enabled", "call_without_check_in")
# The languages a notice can be written in (server/translations); the branch's own by default.
NOTICE_LOCALES = ("zh_Hant", "zh_Hans", "en")
DEFAULT_NOTICE_LOCALE = "zh_Hant"
LIMIT_NOUNS = {"device": "device", "contact": "phone number or e-mail address", "address": "network address"}


class TooMany(DomainError):
    """A limit against abuse was reached: the API answers 429 with Retry-After."""

    kind = "too_many"


@dataclass(frozen=True)
class RemoteKeys:
    """Hashes of what identifies the customer for the limits (server/remote/limits.py makes them)."""

    device: str | None = None
    address: str | None = None
    contact: str | None = None


def settings_view(row: RemoteSettings | None) -> dict:
    row = row or RemoteSettings()
    defaults = {c.name: c.default.arg for c in RemoteSettings.__table__.columns if c.default is not None}
    view = {name: getattr(row, name) for name in (*FLAGS, *SETTING_RANGES)}
    return {k: (defaults.get(k) if v is None and k != "contact_keep_hours" else v) for k, v in view.items()}


def read_settings(session, branch_id: int) -> dict:
    return settings_view(session.get(RemoteSettings, branch_id))


_KEY_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:key))")


class RemoteOperations:
    def __init__(self, uow_factory, branches, catalog):
        self._uow = uow_factory
        self.branches = branches  # BranchOperations: a remote ticket is issued the usual way
        self.catalog = catalog

    # ------------------------------------------------------------------ taking a ticket
    def take(self, branch_code: str, service_code: str, keys: RemoteKeys, contact: str | None = None,
             actor: Actor = Actor(kind="remote", name="phone"), locale: str | None = None) -> dict:
        """`locale` (one of NOTICE_LOCALES, else the default): the notices go out in it."""
        contact = (contact or "").strip() or None
        locale = locale if locale in NOTICE_LOCALES else DEFAULT_NOTICE_LOCALE
        if contact is not None and len(contact) > MAX_CONTACT:
            raise Invalid("contact_too_long", f"a phone number or e-mail address is at most {MAX_CONTACT} characters")
        extra: dict = {}

        def on_issue(uow: UnitOfWork, config: BranchConfig, ticket: dict) -> None:
            settings = read_settings(uow.session, config.id)
            if not settings["enabled"]:
                raise Conflict("remote_disabled", f"branch {config.code} does not take tickets from phones")
            self._check_limits(uow, config.id, keys, settings)
            awaiting = not settings["call_without_check_in"]
            if awaiting:
                store.update_ticket(uow.connection, ticket["id"], awaiting_check_in=True)
            ticket["awaiting_check_in"] = awaiting
            keep = settings["contact_keep_hours"]
            uow.session.add(RemoteTicket(
                ticket_id=ticket["id"], branch_id=config.id, created_at=uow.now, contact=contact,
                contact_purge_at=uow.now + dt.timedelta(hours=keep if keep is not None else MAX_KEEP_HOURS),
                device_hash=keys.device, address_hash=keys.address, contact_hash=keys.contact, locale=locale))
            extra["nudge_places"] = settings["nudge_places"]

        view = self.branches.issue(branch_code, service_code, actor, channel="remote", on_issue=on_issue)
        view.update(extra)
        return view

    @staticmethod
    def _check_limits(uow: UnitOfWork, branch_id: int, keys: RemoteKeys, settings: dict) -> None:
        since = uow.now - dt.timedelta(seconds=settings["limit_window_s"])
        postgres = uow.connection.dialect.name == "postgresql"
        for column, key, limit, code in ((RemoteTicket.device_hash, keys.device, settings["device_limit"], "device"),
                                         (RemoteTicket.contact_hash, keys.contact, settings["contact_limit"], "contact"),
                                         (RemoteTicket.address_hash, keys.address, settings["address_limit"], "address")):
            if key is None:
                continue
            if postgres:
                # Two takes with the same key count one after the other (held to the commit, always in this
                # order: no deadlock); on SQLite the one writer already does that.
                uow.connection.execute(_KEY_LOCK, {"key": f"remote:{branch_id}:{code}:{key}"})
            stmt = select(func.count(), func.min(RemoteTicket.created_at)).where(
                RemoteTicket.branch_id == branch_id, column == key, RemoteTicket.created_at > since)
            count, oldest = uow.session.execute(stmt).one()
            if count >= limit:
                retry = max(1, int((oldest - since).total_seconds()) + 1)
                raise TooMany(f"too_many_{code}_tickets",
                              f"this {LIMIT_NOUNS[code]} took "
                              f"{count} tickets in the last {settings['limit_window_s'] // 60} minutes; try later",
                              detail={"retry_after_s": retry, "limit": limit})

    # ------------------------------------------------------------------ check-in
    def check_in(self, via: str, actor: Actor = SYSTEM, *, ticket_id: int | None = None, token: str | None = None,
                 branch_code: str | None = None, number: str | None = None) -> dict:
        """Check a remote ticket in: by id (staff), by its page's token (the door), or by number (kiosk)."""
        if via not in CHECK_IN_VIAS:
            raise Invalid("invalid_check_in", f"via must be one of {', '.join(CHECK_IN_VIAS)}")
        with self._uow() as uow:
            s, conn = uow.session, uow.connection
            query = select(Ticket.id)
            if ticket_id is not None:
                query = query.where(Ticket.id == ticket_id)
            elif token is not None:
                query = query.where(Ticket.public_token == token)
            else:
                branch = branch_by_code(s, branch_code or "")
                query = (query.where(Ticket.branch_id == branch.id, Ticket.number == (number or "").strip().upper(),
                                     Ticket.status == TicketStatus.WAITING).order_by(Ticket.id.desc()).limit(1))
            found = s.execute(query).scalar_one_or_none()
            row = store.locked_ticket(conn, found) if found is not None else None
            if row is None:
                raise NotFound("ticket_not_found", "no such waiting ticket")
            ticket = dict(row._mapping)
            config = self._config(uow, ticket["branch_id"])
            if ticket["business_day"] in config.closed_days:
                raise Conflict("day_closed", f"ticket {ticket['number']} belongs to a closed business day")
            if ticket["channel"] != "remote":
                raise Conflict("not_remote", f"ticket {ticket['number']} was not taken from a phone")
            if ticket["status"] != TicketStatus.WAITING or not ticket["awaiting_check_in"]:
                raise Conflict("already_checked_in" if ticket["status"] == TicketStatus.WAITING else "illegal_transition",
                               f"ticket {ticket['number']} is {ticket['status']} and needs no check-in")
            event = transition(conn, ticket, TicketAction.CHECK_IN, actor, uow.now, None, {"via": via},
                               awaiting_check_in=False)
            store.record_events(conn, [event])
            s.execute(update(RemoteTicket).where(RemoteTicket.ticket_id == ticket["id"])
                      .values(checked_in_at=uow.now, checked_in_via=via))
            view = store.ticket_dict(ticket, config)
            uow.emit(EventName.TICKET_CHECKED_IN, config, {"ticket": view, "via": via})
            uow.emit(EventName.QUEUE_CHANGED, config, {"services": [ticket["service_id"]]})
        return view

    # ------------------------------------------------------------------ rejoin
    def rejoin(self, token: str, actor: Actor = Actor(kind="remote", name="ticket_page")) -> dict:
        """A customer called and missed (no-show) takes a new ticket of the same service from the ticket
        page, within the branch's window; once per ticket. The new ticket joins at the back, checked in."""
        with self._uow() as uow:
            old = uow.session.execute(select(Ticket).where(Ticket.public_token == token)).scalar_one_or_none()
            if old is None:
                raise NotFound("ticket_not_found", "no such ticket")
            service_code = old.service.code
            branch_code = self._config(uow, old.branch_id).code
        found: dict = {}

        def on_issue(uow: UnitOfWork, config: BranchConfig, ticket: dict) -> None:
            conn = uow.connection
            locked = store.locked_ticket(conn, old.id)
            missed = dict(locked._mapping)
            settings = read_settings(uow.session, config.id)
            window = dt.timedelta(seconds=settings["rejoin_window_s"])
            if missed["status"] != TicketStatus.NO_SHOW:
                raise Conflict("not_missed", f"ticket {missed['number']} was not missed; only a no-show may rejoin")
            if missed["finished_at"] is None or uow.now - missed["finished_at"] > window:
                raise Conflict("rejoin_window_passed", "the time to rejoin has passed",
                               detail={"rejoin_window_s": settings["rejoin_window_s"]})
            if uow.session.execute(select(exists().where(RemoteTicket.rejoined_from_id == missed["id"]))).scalar():
                raise Conflict("already_rejoined", f"ticket {missed['number']} has already rejoined")
            before = dict(missed)
            event = transition(conn, missed, TicketAction.REJOIN, actor, uow.now, None,
                               {"new_ticket_id": ticket["id"], "new_number": ticket["number"]})
            store.record_events(conn, [event])
            contact, locale = uow.session.execute(select(RemoteTicket.contact, RemoteTicket.locale).where(
                RemoteTicket.ticket_id == missed["id"])).first() or (None, None)
            uow.session.add(RemoteTicket(ticket_id=ticket["id"], branch_id=config.id, created_at=uow.now,
                                         contact=contact, locale=locale, rejoined_from_id=missed["id"],
                                         checked_in_at=uow.now,
                                         checked_in_via="rejoin",
                                         contact_purge_at=uow.now + dt.timedelta(hours=MAX_KEEP_HOURS)))
            uow.emit(EventName.TICKET_REJOINED, config, {"ticket": store.ticket_dict(before, config),
                                                         "new_ticket_id": ticket["id"]})
            found["number"] = before["number"]

        view = self.branches.issue(branch_code, service_code, actor, channel=old.channel, on_issue=on_issue)
        view["rejoined_from"] = found.get("number")
        return view

    # ------------------------------------------------------------------ settings and privacy
    def update_settings(self, branch_code: str, changes: dict, by: str = "system", actor: Actor | None = None) -> dict:
        """Audited like every set-up change (setup_audit: entity `branch`, fields `remote.<name>`).
        Turning `call_without_check_in` on checks in the remote tickets already waiting, in the same
        unit of work (`_check_in_waiting`): else they would wait uncalled under a rule that no longer
        asks them to check in."""
        for name, value in changes.items():
            if name in FLAGS:
                if not isinstance(value, bool):
                    raise Invalid("invalid_setting", f"{name} is true or false")
            elif name in SETTING_RANGES:
                lo, hi = SETTING_RANGES[name]
                if not (value is None and name == "contact_keep_hours") and (
                        not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi):
                    raise Invalid("invalid_setting", f"{name} is a whole number from {lo} to {hi}")
            else:
                raise Invalid("unknown_setting", f"no remote setting {name!r}")
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code, lock=True)
            row = uow.session.get(RemoteSettings, branch.id)
            before = settings_view(row)
            if row is None:
                row = RemoteSettings(branch_id=branch.id)
                uow.session.add(row)
            for name, value in changes.items():
                setattr(row, name, value)
            uow.session.flush()
            view = settings_view(row)
            if view["call_without_check_in"] and not before["call_without_check_in"]:
                self._check_in_waiting(uow, branch.id, actor or Actor(kind="user", name=by))
            setup_audit.record(uow.session, uow.now, by, branch.id, "branch", branch_code, "changed",
                               {f"remote.{k}": v for k, v in before.items()},
                               {f"remote.{k}": v for k, v in view.items()})
            uow.emit(EventName.BRANCH_UPDATED, branch, {"remote": view})
        return view

    def _check_in_waiting(self, uow: UnitOfWork, branch_id: int, actor: Actor) -> None:
        """Check in every waiting remote ticket of the branch (TicketEvent `check_in`, via `setting`)."""
        conn = uow.connection
        ids = uow.session.execute(select(Ticket.id).where(
            Ticket.branch_id == branch_id, Ticket.status == TicketStatus.WAITING,
            Ticket.awaiting_check_in.is_(True)).order_by(Ticket.id)).scalars().all()
        if not ids:
            return
        config = self._config(uow, branch_id)
        events, services = [], set()
        for ticket_id in ids:
            ticket = dict(store.locked_ticket(conn, ticket_id)._mapping)
            events.append(transition(conn, ticket, TicketAction.CHECK_IN, actor, uow.now, None,
                                     {"via": CHECK_IN_BY_SETTING}, awaiting_check_in=False))
            services.add(ticket["service_id"])
            uow.emit(EventName.TICKET_CHECKED_IN, config, {"ticket": store.ticket_dict(ticket, config),
                                                           "via": CHECK_IN_BY_SETTING})
        store.record_events(conn, events)
        uow.session.execute(update(RemoteTicket).where(RemoteTicket.ticket_id.in_(ids))
                            .values(checked_in_at=uow.now, checked_in_via=CHECK_IN_BY_SETTING)
                            .execution_options(synchronize_session=False))
        uow.emit(EventName.QUEUE_CHANGED, config, {"services": sorted(services)})

    def purge_contacts(self) -> int:
        """Forget the contacts whose time is up: the ticket's business day is closed (the default), or the
        branch's hours are over. Returns how many were forgotten."""
        with self._uow() as uow:
            closed = (select(Ticket.id).join(DayClose, (DayClose.branch_id == Ticket.branch_id)
                                             & (DayClose.business_day == Ticket.business_day)))
            result = uow.session.execute(
                update(RemoteTicket).where(RemoteTicket.contact.is_not(None),
                                           (RemoteTicket.contact_purge_at <= uow.now)
                                           | RemoteTicket.ticket_id.in_(closed))
                .values(contact=None).execution_options(synchronize_session=False))
            return result.rowcount or 0

    def _config(self, uow: UnitOfWork, branch_id: int) -> BranchConfig:
        version = uow.session.execute(select(Branch.config_version).where(Branch.id == branch_id)).scalar_one()
        return self.catalog.get(uow.connection, branch_id, version)

