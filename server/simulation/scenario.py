"""What to simulate: services with their arrival rates and service times, counters with their
service lists, policies and pauses. Built from command-line options or a TOML scenario file."""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields

from .distributions import DISTRIBUTIONS

DEFAULT_START = "2026-03-02T09:00"  # a Monday, local time of the branch


class ScenarioError(ValueError):
    pass


@dataclass
class ServiceSpec:
    code: str
    # Poisson arrivals per hour: one rate for the whole day, or one rate per hour from the opening.
    arrivals_per_hour: float | list[float]
    mean_service_min: float
    distribution: str = "exponential"
    cv: float = 1.0  # coefficient of variation for lognormal, gamma and uniform service times
    wait_target_min: int = 20
    no_show: float = 0.0  # probability that a called customer does not come to the counter
    name: str = ""
    # Appointments (appointment_arrivals.py): booked per hour on average, seats per slot, and how early or
    # late (minutes, uniformly) the booked customers arrive around their slot.
    appointments_per_hour: float = 0.0
    appointment_seats: int = 1
    appointment_early_min: float = 5.0
    appointment_late_min: float = 5.0
    # Remote arrivals (docs/architecture.md, "Remote queue"): this share of the customers take their
    # ticket on the phone and check in remote_travel_min later; they are called only after that.
    remote_share: float = 0.0
    remote_travel_min: float = 10.0

    def rate_at(self, hour: int) -> float:
        if isinstance(self.arrivals_per_hour, list):
            return self.arrivals_per_hour[hour] if hour < len(self.arrivals_per_hour) else 0.0
        return float(self.arrivals_per_hour)


@dataclass
class PauseSpec:
    at_min: float  # minutes after opening
    minutes: float
    reason: str = "break"


@dataclass
class CounterSpec:
    number: int
    services: list[str]
    policy: str = "strict"
    pauses: list[PauseSpec] = field(default_factory=list)


@dataclass
class Scenario:
    services: list[ServiceSpec]
    counters: list[CounterSpec]
    hours: float = 8.0
    seed: int = 1
    start: str = DEFAULT_START
    timezone: str = "Asia/Taipei"
    warmup_min: float = 0.0  # customers arriving before this are left out of the figures
    no_show_wait_min: float = 1.0  # how long a teller waits before pressing no-show
    drain: bool = True  # after closing time, serve everyone already waiting

    def validate(self) -> "Scenario":
        if not self.services:
            raise ScenarioError("a scenario needs at least one service")
        if not self.counters:
            raise ScenarioError("a scenario needs at least one counter")
        if not 0 < self.hours <= 24 * 30:
            raise ScenarioError("hours must be more than 0 and at most 720")
        codes = [s.code for s in self.services]
        if len(set(codes)) != len(codes):
            raise ScenarioError("service codes must be distinct")
        for s in self.services:
            if s.distribution not in DISTRIBUTIONS:
                raise ScenarioError(f"service {s.code}: distribution must be one of {', '.join(DISTRIBUTIONS)}")
            if s.mean_service_min <= 0:
                raise ScenarioError(f"service {s.code}: mean_service_min must be positive")
            rates = s.arrivals_per_hour if isinstance(s.arrivals_per_hour, list) else [s.arrivals_per_hour]
            if any(r < 0 for r in rates):
                raise ScenarioError(f"service {s.code}: arrival rates cannot be negative")
            if not 0 <= s.no_show < 1:
                raise ScenarioError(f"service {s.code}: no_show is a probability below 1")
            if s.appointments_per_hour < 0 or not 1 <= s.appointment_seats <= 50:
                raise ScenarioError(f"service {s.code}: appointments_per_hour >= 0 and appointment_seats 1-50")
            if not 0 <= s.remote_share <= 1 or s.remote_travel_min < 0:
                raise ScenarioError(f"service {s.code}: remote_share is a share from 0 to 1, remote_travel_min >= 0")
        numbers = [c.number for c in self.counters]
        if len(set(numbers)) != len(numbers):
            raise ScenarioError("counter numbers must be distinct")
        for c in self.counters:
            unknown = [code for code in c.services if code not in codes]
            if unknown or not c.services:
                raise ScenarioError(f"counter {c.number}: unknown or missing services {unknown}")
        self.start_local()
        return self

    def start_local(self) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(self.start)
        except ValueError:
            raise ScenarioError("start must be a local date-time, e.g. 2026-03-02T09:00") from None

    def single_service_identical_counters(self) -> bool:
        """The case Erlang C (M/M/c) describes: one service, every counter serves it, exponential
        service, constant Poisson arrivals, no pauses or no-shows."""
        if len(self.services) != 1:
            return False
        s = self.services[0]
        constant = not isinstance(s.arrivals_per_hour, list) or len(set(s.arrivals_per_hour)) <= 1
        return (s.distribution == "exponential" and s.no_show == 0 and constant and not s.appointments_per_hour
                and all(c.services == [s.code] and not c.pauses for c in self.counters))


def simple(arrivals_per_hour: float = 30.0, counters: int = 3, mean_service_min: float = 5.0, hours: float = 8.0,
           seed: int = 1, distribution: str = "exponential", cv: float = 1.0, wait_target_min: int = 20,
           no_show: float = 0.0, warmup_min: float = 0.0) -> Scenario:
    """One service `A` and `counters` identical counters serving it."""
    service = ServiceSpec("A", arrivals_per_hour, mean_service_min, distribution, cv, wait_target_min, no_show)
    return Scenario([service], [CounterSpec(n, ["A"]) for n in range(1, counters + 1)], hours=hours, seed=seed,
                    warmup_min=warmup_min).validate()


def _build(cls, data: dict, where: str):
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(unknown)}")
    try:
        return cls(**data)
    except TypeError as err:
        raise ScenarioError(f"{where}: {err}") from None


def from_dict(data: dict) -> Scenario:
    data = dict(data)
    services = [_build(ServiceSpec, s, f"services[{i}]") for i, s in enumerate(data.pop("services", []))]
    counters = []
    for i, c in enumerate(data.pop("counters", [])):
        c = dict(c)
        pauses = [_build(PauseSpec, p, f"counters[{i}].pauses") for p in c.pop("pauses", [])]
        counters.append(_build(CounterSpec, {**c, "pauses": pauses}, f"counters[{i}]"))
    return _build(Scenario, {**data, "services": services, "counters": counters}, "scenario").validate()


def from_toml(path: str) -> Scenario:
    try:
        with open(path, "rb") as fh:
            return from_dict(tomllib.load(fh))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ScenarioError(f"cannot read scenario {path}: {err}") from None
