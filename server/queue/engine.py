"""QueueEngine: the domain's one entry point, composed of operations split by job.

- `CounterOperations` (counter_ops.py): what a teller does at a counter, and ratings;
- `BranchOperations` (branch_ops.py): issuing and cancelling tickets, alerts, emergency mode, the
  display message;
- `StaffTicketOperations` (ticket_actions.py, `engine.staff`): moving and reprioritising waiting tickets,
  calling a chosen ticket, a supervisor closing a counter.
Each public method is one unit of work that records a TicketEvent for every ticket transition and
returns plain dicts; illegal transitions raise DomainError subclasses. The set-up cache (catalog)
and the running service-time figures are built once here and shared (docs/architecture.md).
"""
from __future__ import annotations

from .appointments import AppointmentOperations
from .branch_ops import BranchOperations, emergency_view
from .catalog import Catalog
from .clock import Clock, utc_now
from .counter_ops import MAX_PAUSE_REASON, MAX_REQUEUES, CounterOperations
from .estimates import ServiceTimes
from .remote import RemoteOperations
from .ticket_actions import StaffTicketOperations
from .uow import Publisher, unit_of_work

__all__ = ["QueueEngine", "emergency_view", "MAX_PAUSE_REASON", "MAX_REQUEUES"]


class QueueEngine:
    def __init__(self, db, publish: Publisher | None = None, clock: Clock = utc_now, *,
                 catalog: Catalog | None = None, service_times: ServiceTimes | None = None):
        self.db = db
        self.publish = publish
        self.clock = clock
        self.catalog = catalog or Catalog()
        self.service_times = service_times or ServiceTimes()
        self.counters = CounterOperations(self._uow, self.catalog, self.service_times)
        self.branches = BranchOperations(self._uow, self.catalog, self.service_times)
        c, b = self.counters, self.branches
        self.call_next, self.recall, self.start, self.complete = c.call_next, c.recall, c.start, c.complete
        self.no_show, self.transfer, self.pause, self.resume = c.no_show, c.transfer, c.pause, c.resume
        self.open_counter, self.close_counter, self.set_policy, self.rate, self.rate_ticket = (
            c.open_counter, c.close_counter, c.set_policy, c.rate, c.rate_ticket)
        self.issue, self.mark_printed, self.cancel = b.issue, b.mark_printed, b.cancel
        self.check_wait_times, self.acknowledge_alert = b.check_wait_times, b.acknowledge_alert
        self.start_emergency, self.end_emergency = b.start_emergency, b.end_emergency
        self.set_display_message = b.set_display_message
        # Staff acting on any ticket or counter (ticket_actions.py).
        self.staff = StaffTicketOperations(self._uow, self.catalog, self.counters)
        # Booking, cancelling and checking in appointments (appointments.py).
        self.appointments = AppointmentOperations(self._uow, self.catalog, self.service_times)
        # The remote queue: tickets from phones, check-in, rejoin, its settings (remote.py).
        self.remote = RemoteOperations(self._uow, self.branches, self.catalog)

    def _uow(self):
        # The clock is read when the unit of work starts: tests and simulations may replace it.
        return unit_of_work(self.db, self.clock, self.publish)

    def unit_of_work(self):
        """A unit of work on this engine's database, clock and publisher (day close, admin changes)."""
        return self._uow()
