"""`sim://` device URLs, parsed without loading the simulators (a production hub never needs them)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit


def parse_sim_url(url: str) -> tuple[str, int, int | None]:
    """sim://printer/N or sim://bus/N?unit=U -> ("printer"|"bus", N, U); raises ValueError."""
    parts = urlsplit(url)
    if parts.scheme != "sim" or parts.netloc not in ("printer", "bus"):
        raise ValueError(f"{url!r}: expected sim://printer/N or sim://bus/N?unit=U")
    try:
        number = int(parts.path.strip("/"))
        units = parse_qs(parts.query).get("unit")
        unit = int(units[0]) if units else None
    except ValueError:
        raise ValueError(f"{url!r}: simulator number and unit must be whole numbers") from None
    if parts.netloc == "bus" and (unit is None or not 1 <= unit <= 247):
        raise ValueError(f"{url!r}: a bus device needs ?unit=1..247")
    if number < 1:
        raise ValueError(f"{url!r}: simulators are numbered from 1")
    return parts.netloc, number, unit
