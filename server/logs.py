"""Structured logs: one JSON object per line (COUNTERFLOW_LOG_FORMAT=json, the default), or plain text."""
from __future__ import annotations

import json
import logging
import sys

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


LOG_FORMATS = ("json", "text")


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Hub logs on stderr (systemd's journal takes them): JSON lines by default, or plain text."""
    if fmt not in LOG_FORMATS:
        raise SystemExit(f"error: COUNTERFLOW_LOG_FORMAT={fmt!r}: expected one of {', '.join(LOG_FORMATS)}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The dev server's own access log is one line per request and drowns the events.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
