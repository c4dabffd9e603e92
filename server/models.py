"""ORM tables. Times are stored as naive UTC (portable across SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    LargeBinary,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


from .queue.states import FINAL_STATUSES, OPEN_STATUSES, CounterState, TicketStatus

# Ticket statuses and counter states (docs/architecture.md, "The domain"); short names for the ORM.
WAITING, CALLED, SERVING, DONE = TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.DONE
NO_SHOW, CANCELLED = TicketStatus.NO_SHOW, TicketStatus.CANCELLED
TRANSFERRED, ABANDONED = TicketStatus.TRANSFERRED, TicketStatus.ABANDONED
COUNTER_CLOSED, COUNTER_OPEN, COUNTER_PAUSED = CounterState.CLOSED, CounterState.OPEN, CounterState.PAUSED

ROLES = ("teller", "guide", "supervisor", "admin")


class Branch(Base):
    __tablename__ = "branches"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    # Simplified Chinese, filled from name_zh by OpenCC unless given (server/queue/names.py).
    name_zh_hans: Mapped[str] = mapped_column(String(120), default="", server_default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Taipei")
    # Increasing per-branch event sequence number, bumped inside each write transaction
    # (docs/architecture.md, "Transactions and events").
    event_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped with every change to the branch's set-up (services, counters, day closes): hub processes
    # keep that set-up in memory and reload it when this moves (server/queue/catalog.py).
    config_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    display_message: Mapped[str] = mapped_column(String(500), default="")
    # How counters call while the emergency plan is on (server/queue/emergency.py; docs/architecture.md,
    # "Emergency plan"), what a kiosk does for a service no open counter serves, and the opening hours per
    # weekday ({"0": ["08:30", "17:00"], ...}, Monday = "0"; None = no hours kept: always open).
    emergency_policy: Mapped[str] = mapped_column(String(24), default="breached_longest_wait",
                                                  server_default="breached_longest_wait")
    unavailable_policy: Mapped[str] = mapped_column(String(16), default="warn", server_default="warn")
    opening_hours: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # The service star posted on the lobby display's rotation; no name = nothing posted (queue/wall_star.py).
    wall_star_month: Mapped[str] = mapped_column(String(7), default="", server_default="")
    wall_star_name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # 開業登記: when set, `open` needs today's opening round and device check (server/queue/rounds.py).
    opening_requires_round: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    services: Mapped[list["Service"]] = relationship(back_populates="branch", order_by="Service.code")
    counters: Mapped[list["Counter"]] = relationship(back_populates="branch", order_by="Counter.number")


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("branch_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    code: Mapped[str] = mapped_column(String(4))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    name_zh_hans: Mapped[str] = mapped_column(String(120), default="", server_default="")
    wait_target_min: Mapped[int] = mapped_column(Integer, default=20)
    wait_warning_min: Mapped[int] = mapped_column(Integer, default=15)
    default_service_s: Mapped[int] = mapped_column(Integer, default=300)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Staff-only (VIP) services are issued by guides, never offered on the public kiosk.
    staff_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    branch: Mapped[Branch] = relationship(back_populates="services")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    # None means every branch (admins).
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ApiToken(Base):
    """A bearer token: a staff sign-in (user_id set) or a device token (device_name set)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    device_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    device_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)  # kiosk, display, agent
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    user: Mapped[User | None] = relationship()


class AuthEvent(Base):
    """Audit record of sign-ins, refusals, sign-outs and device-token changes (server/audit.py)."""

    __tablename__ = "auth_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    token_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")


class Counter(Base):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("branch_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[str] = mapped_column(String(16), default=COUNTER_CLOSED)
    policy: Mapped[str] = mapped_column(String(16), default="strict")  # strict | longest_wait
    pause_reason: Mapped[str | None] = mapped_column(String(120), nullable=True)
    paused_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    current_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", use_alter=True, name="fk_counter_current_ticket"), nullable=True
    )
    branch: Mapped[Branch] = relationship(back_populates="counters")
    staff: Mapped[User | None] = relationship()
    service_links: Mapped[list["CounterService"]] = relationship(
        order_by="CounterService.rank", cascade="all, delete-orphan"
    )


class CounterService(Base):
    __tablename__ = "counter_services"
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    service: Mapped[Service] = relationship()


class NumberSequence(Base):
    """Last number handed out per service per business day."""

    __tablename__ = "number_sequences"
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    business_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # A transfer creates a follow-up ticket with the same number and the next generation.
        UniqueConstraint("branch_id", "business_day", "number", "transfer_gen"),
        # Call next reads the head of one service's queue: an index range, whatever the queue length.
        Index("ix_tickets_queue_head", "service_id", "status", "target_counter_id", "priority", "arrived_at", "id"),
        Index("ix_tickets_for_counter", "target_counter_id", "status", "priority", "arrived_at"),
        Index("ix_tickets_branch_day", "branch_id", "business_day"),
        # Recent service times for wait estimates: the newest finished tickets of one service, read
        # from the end of an index range however long the history is.
        Index("ix_tickets_service_finished", "service_id", "status", "finished_at"),
        # A printer fault's report: the tickets that printer failed to print while it was broken.
        Index("ix_tickets_printer", "printer_id", "created_at"),
        # Call next's appointment head: the waiting appointment tickets of a service whose window is open.
        Index("ix_tickets_appointment_head", "service_id", "status", "appointment_window_end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    business_day: Mapped[dt.date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    # Lower sorts first: 0 = VIP/urgent, 1 = priority (elderly, disabled), 2 = normal.
    priority: Mapped[int] = mapped_column(Integer, default=2)
    channel: Mapped[str] = mapped_column(String(16), default="kiosk")
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    public_token: Mapped[str] = mapped_column(String(48), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Queue position time: equals created_at, kept across a transfer unless asked otherwise.
    arrived_at: Mapped[dt.datetime] = mapped_column(DateTime)
    called_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Set when a ticket is transferred to one counter in particular.
    target_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    requeue_count: Mapped[int] = mapped_column(Integer, default=0)
    transferred_from_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    transfer_gen: Mapped[int] = mapped_column(Integer, default=0)
    issued_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    printed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # The printer (device id) that printed the ticket or, when none did, the first one that failed.
    # No foreign key: a device removed later leaves its tickets' history alone.
    printer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # What a transfer or a supervisor's move tells the teller who calls it next (staff only).
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # An appointment's ticket: the span in which it is called ahead of walk-ins of its service
    # (server/queue/selection.py; docs/architecture.md, "Appointments"). None for every other ticket.
    appointment_window_start: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    appointment_window_end: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # A ticket taken from a phone waits "not checked in": it keeps its place but call next skips it
    # until the customer checks in (docs/architecture.md, "Remote queue").
    awaiting_check_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    service: Mapped[Service] = relationship(foreign_keys=[service_id])
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id])


class TicketEvent(Base):
    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(120))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class CounterPause(Base):
    """One pause of a counter, for pause-time reports."""

    __tablename__ = "counter_pauses"
    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Rating(Base):
    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    score: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(64), default="pad")


class Comment(Base):
    """The comment book (意見簿): a customer's comment from the ticket page or on paper, registered by
    staff, then answered, marked handled and archived by a supervisor (server/queue/comments.py)."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_branch_day", "branch_id", "business_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    business_day: Mapped[dt.date] = mapped_column(Date)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    number: Mapped[str] = mapped_column(String(16), default="")
    source: Mapped[str] = mapped_column(String(16))  # ticket_page | paper
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(String(1000))
    contact: Mapped[str] = mapped_column(String(120), default="")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    registered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reply: Mapped[str] = mapped_column(String(2000), default="")
    replied_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    handled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    archived_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_branch_open", "branch_id", "cleared_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    kind: Mapped[str] = mapped_column(String(32))  # wait_time, device_fault, ...
    level: Mapped[str] = mapped_column(String(16))  # warning, critical
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    device_fault_id: Mapped[int | None] = mapped_column(ForeignKey("device_faults.id"), nullable=True)
    message: Mapped[str] = mapped_column(String(300), default="")
    value_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    cleared_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class EmergencyMode(Base):
    __tablename__ = "emergency_modes"
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    instruction: Mapped[str] = mapped_column(String(300), default="", server_default="")
    policy: Mapped[str] = mapped_column(String(24), default="breached_longest_wait",
                                        server_default="breached_longest_wait")
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("branch_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    kind: Mapped[str] = mapped_column(String(16))  # printer, led, pad, keypad
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(300))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    kiosk: Mapped[str | None] = mapped_column(String(60), nullable=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16), default="unknown")
    state_detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class DeviceFault(Base):
    __tablename__ = "device_faults"
    __table_args__ = (Index("ix_device_faults_branch_raised", "branch_id", "raised_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    code: Mapped[str] = mapped_column(String(48))
    severity: Mapped[str] = mapped_column(String(16), default="fault")  # degraded, fault
    source: Mapped[str] = mapped_column(String(16), default="auto")  # auto, staff
    message: Mapped[str] = mapped_column(String(500), default="")
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime)
    raised_by: Mapped[str] = mapped_column(String(120))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    ack_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    contingency: Mapped[str | None] = mapped_column(String(300), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    resolve_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Resolved while the device still reported the fault: the supervisor's reason (docs/architecture.md, "Devices").
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The investigation after resolution (seed 4-8): cause, who is responsible, what follows.
    cause: Mapped[str | None] = mapped_column(Text, nullable=True)
    responsibility: Mapped[str | None] = mapped_column(Text, nullable=True)
    follow_up: Mapped[str | None] = mapped_column(Text, nullable=True)
    investigated_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    investigated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class BranchOpening(Base):
    """開業登記: who opened the branch for the business day, and what was outstanding."""

    __tablename__ = "branch_openings"
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    business_day: Mapped[dt.date] = mapped_column(Date)
    opened_by: Mapped[str] = mapped_column(String(120))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    checklist: Mapped[list | None] = mapped_column(JSON, nullable=True)
    outstanding_faults: Mapped[list | None] = mapped_column(JSON, nullable=True)


class DayClose(Base):
    """日結: the locked day and its stored report."""

    __tablename__ = "day_closes"
    __table_args__ = (UniqueConstraint("branch_id", "business_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    business_day: Mapped[dt.date] = mapped_column(Date)
    closed_by: Mapped[str] = mapped_column(String(120))
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    report: Mapped[dict] = mapped_column(JSON)


class EventLogEntry(Base):
    """The event log (outbox): every committed domain event, written in the transaction that made it.
    Hub processes deliver to their sockets by reading it in seq order (docs/architecture.md,
    "Real-time"); pruned by age."""

    __tablename__ = "event_log"
    __table_args__ = (Index("ix_event_log_created_at", "created_at"),)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SetupChange(Base):
    """Audit of every set-up change (branches, services, counters, staff accounts, devices, device
    tokens): who, when, what, and the fields before -> after (server/setup_audit.py)."""

    __tablename__ = "setup_changes"
    __table_args__ = (Index("ix_setup_changes_branch_at", "branch_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(120))
    # No foreign key: the record outlives what it describes (a removed device, a renamed branch).
    branch_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    entity: Mapped[str] = mapped_column(String(24))  # branch, service, counter, user, device, device_token
    entity_key: Mapped[str] = mapped_column(String(120))  # the code, number, username or name
    action: Mapped[str] = mapped_column(String(24))  # created, changed, removed, revoked, rotated, ...
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class AgentReport(Base):
    """A key press a branch agent reported, by the agent's report id: acted on once, also when the
    hub was restarted before its acknowledgement reached the agent (server/devices/agent_receipts.py)."""

    __tablename__ = "agent_reports"
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True, autoincrement=False)
    agent: Mapped[str] = mapped_column(String(120), primary_key=True)
    report_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class RoundChecklist(Base):
    """A branch's round sheet (巡視表) for one kind of round: opening, midday or closing. `items` is a list of
    {"key", "group": {locale: text}, "text": {locale: text}} (server/queue/rounds.py)."""

    __tablename__ = "round_checklists"
    __table_args__ = (UniqueConstraint("branch_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    kind: Mapped[str] = mapped_column(String(16))
    items: Mapped[list] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Round(Base):
    """One round done: who, when, and each item's answer (ok / problem + note, and the fault or task a
    problem became), with the item's texts as they were that day."""

    __tablename__ = "rounds"
    __table_args__ = (Index("ix_rounds_branch_day", "branch_id", "business_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    kind: Mapped[str] = mapped_column(String(16))
    business_day: Mapped[dt.date] = mapped_column(Date)
    done_by: Mapped[str] = mapped_column(String(120))
    done_at: Mapped[dt.datetime] = mapped_column(DateTime)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[list] = mapped_column(JSON)


class AppointmentPolicy(Base):
    """A branch's appointment rules (server/queue/appointments.py); no row = the defaults."""

    __tablename__ = "appointment_policies"
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True, autoincrement=False)
    # Called ahead of walk-ins from `early_min` before the slot until `late_min` after it.
    early_min: Mapped[int] = mapped_column(Integer, default=5)
    late_min: Mapped[int] = mapped_column(Integer, default=10)
    # Name, phone and e-mail are purged at the day close of the appointment's day (0) or N days later.
    keep_contact_days: Mapped[int] = mapped_column(Integer, default=0)
    bookings_per_contact_day: Mapped[int] = mapped_column(Integer, default=3)
    horizon_days: Mapped[int] = mapped_column(Integer, default=14)
    prefix: Mapped[str] = mapped_column(String(2), default="P")


class AppointmentService(Base):
    """How many counters a service sets aside for appointments, and its slot length."""

    __tablename__ = "appointment_services"
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True, autoincrement=False)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    counters: Mapped[int] = mapped_column(Integer, default=0)
    slot_min: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: the service's default time


class Appointment(Base):
    """A booked slot. `seat` is one of the slot's places (1..counters set aside); the unique constraint
    makes a double booking impossible on both databases, and a cancel frees the seat (seat = None)."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("branch_id", "service_id", "slot_start", "seat", name="uq_appointments_seat"),
        Index("ix_appointments_branch_day", "branch_id", "business_day"),
        Index("ix_appointments_contact", "branch_id", "contact_key", "business_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    business_day: Mapped[dt.date] = mapped_column(Date)
    slot_start: Mapped[dt.datetime] = mapped_column(DateTime)
    slot_end: Mapped[dt.datetime] = mapped_column(DateTime)
    seat: Mapped[int | None] = mapped_column(Integer, nullable=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    public_token: Mapped[str] = mapped_column(String(48), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked, arrived, cancelled, no_show
    # Personal data, purged after the branch's keep_contact_days (docs/architecture.md, "Appointments").
    name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    email: Mapped[str | None] = mapped_column(String(120), nullable=True)
    contact_key: Mapped[str | None] = mapped_column(String(64), nullable=True)  # hash, for the daily limit
    contact_purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    booked_at: Mapped[dt.datetime] = mapped_column(DateTime)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    checked_in_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    no_show_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)


class TellerSurvey(Base):
    """The teller satisfaction survey (柜員滿意度調查) a supervisor sets: questions in three languages,
    asked once per period (month, quarter, week) between its open and close days
    (server/queue/teller_survey.py; docs/architecture.md, "Teller survey")."""

    __tablename__ = "teller_surveys"
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    title: Mapped[dict] = mapped_column(JSON)  # {"zh-Hant": ..., "zh-Hans": ..., "en": ...}
    questions: Mapped[list] = mapped_column(JSON)  # [{"kind": "rating" | "text", "text": {locale: ...}}]
    period: Mapped[str] = mapped_column(String(16))  # monthly | quarterly | weekly
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class TellerSurveyResponse(Base):
    """One set of answers, anonymous: no teller, no time (the marker below says who answered)."""

    __tablename__ = "teller_survey_responses"
    __table_args__ = (Index("ix_teller_survey_responses_survey_period", "survey_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("teller_surveys.id"))
    period: Mapped[str] = mapped_column(String(10))  # 2026-12, 2026-Q4, 2026-W49
    answers: Mapped[list] = mapped_column(JSON)  # per question: 1-5, a text, or null (skipped)


class TellerSurveyAnswered(Base):
    """"Has answered": which teller answered which survey in which period, so nobody is asked twice.
    Kept apart from the answers, without an id or a time, so the two cannot be joined."""

    __tablename__ = "teller_survey_answered"
    survey_id: Mapped[int] = mapped_column(ForeignKey("teller_surveys.id"), primary_key=True, autoincrement=False)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)


class BranchLogo(Base):
    """The branch's logo printed at the top of its tickets: the image as uploaded (PNG or JPEG, checked
    by drivers/ticket_logo.py), scaled and dithered for each printer's paper when it prints."""

    __tablename__ = "branch_logos"
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True, autoincrement=False)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    mimetype: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RosterShift(Base):
    """The roster (排班): one teller's plan for one business day - at a counter, on duty outside the
    hall's hours, or resting - with times in minutes after local midnight and breaks inside the shift
    (server/queue/roster.py; docs/architecture.md, "Roster")."""

    __tablename__ = "roster_shifts"
    __table_args__ = (Index("ix_roster_shifts_branch_day", "branch_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))  # counter | duty | rest
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    start_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    breaks: Mapped[list] = mapped_column(JSON)  # [[start_min, end_min], ...]
    note: Mapped[str] = mapped_column(String(200), default="")
    planned_by: Mapped[str] = mapped_column(String(120))
    planned_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CounterSession(Base):
    """A teller's time at a counter, from opening it to closing it: the actual hours the day report
    sets against the roster (written by counter_ops' set_counter through server/queue/counter_sessions.py)."""

    __tablename__ = "counter_sessions"
    __table_args__ = (Index("ix_counter_sessions_counter_open", "counter_id", "closed_at"),
                      Index("ix_counter_sessions_opened_at", "opened_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


# ---------------------------------------------------------------------------- remote queue
# docs/architecture.md, "Remote queue": the branch page /b/<code>, check-in, limits and the nudges.
class RemoteSettings(Base):
    """A branch's remote-queue settings; a branch without a row uses the column defaults."""

    __tablename__ = "remote_settings"
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True, autoincrement=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    call_without_check_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    nudge_places: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    rejoin_window_s: Mapped[int] = mapped_column(Integer, default=900, server_default="900")
    # None: a contact is kept until the day close; else this many hours after the ticket was taken.
    contact_keep_hours: Mapped[int | None] = mapped_column(Integer, nullable=True)
    proof_max_age_s: Mapped[int] = mapped_column(Integer, default=600, server_default="600")
    limit_window_s: Mapped[int] = mapped_column(Integer, default=3600, server_default="3600")
    device_limit: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    contact_limit: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    # Per client address: higher, since a hall's guest Wi-Fi puts many phones behind one address.
    address_limit: Mapped[int] = mapped_column(Integer, default=30, server_default="30")


class RemoteTicket(Base):
    """What a remote ticket carries besides the ticket: the contact (purged on time), the hashed keys the
    limits count by, and how it was checked in."""

    __tablename__ = "remote_tickets"
    __table_args__ = (Index("ix_remote_tickets_branch_created", "branch_id", "created_at"),)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True, autoincrement=False)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    contact: Mapped[str | None] = mapped_column(String(120), nullable=True)
    contact_purge_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    device_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    address_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    contact_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    checked_in_via: Mapped[str | None] = mapped_column(String(16), nullable=True)  # door | kiosk | staff | setting
    # The language of the page the ticket was taken on: the notices speak it (NULL: zh_Hant).
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # A missed customer's new ticket names the one they missed: at most one rejoin each.
    rejoined_from_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True, unique=True)


class Notice(Base):
    """The outbox of customer notices (`near`, `called`): one row per ticket and kind, written in the
    engine's transaction and sent by server/remote/notice_worker.py."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("ticket_id", "kind"), Index("ix_notices_due", "status", "next_attempt_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed | skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
