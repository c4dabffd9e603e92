"""The message gateway: pluggable providers that deliver a notice to a phone or an e-mail address.

- `log`: writes the message to the hub's log (development, demos);
- `http`: POSTs the message as JSON to `message_http_url` with `Authorization: Bearer <message_http_key>`
  and `Idempotency-Key: notice-<id>`; any 2xx is delivered, anything else (or no answer) a failure the
  worker retries with backoff (server/remote/notice_worker.py). An SMS or e-mail service sits behind
  that URL.
- `none`: sends nothing (the ticket page still tells its customer).
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

log = logging.getLogger(__name__)


class SendFailed(Exception):
    pass


class LogProvider:
    name = "log"

    def send(self, message: dict) -> None:
        log.info("notice", extra={"notice": {k: v for k, v in message.items() if k != "to"}})


class NoProvider:
    name = "none"

    def send(self, message: dict) -> None:
        pass


class HttpProvider:
    name = "http"

    def __init__(self, url: str, key: str | None, timeout_s: float = 5.0):
        if not url.startswith(("http://", "https://")):
            raise ValueError("message_http_url must be an http(s) URL")
        self.url, self.key, self.timeout_s = url, key, timeout_s

    def send(self, message: dict) -> None:
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"notice-{message['notice_id']}"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.url, data=json.dumps(message, ensure_ascii=False).encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                if not 200 <= response.status < 300:
                    raise SendFailed(f"HTTP {response.status}")
        except urllib.error.HTTPError as err:
            raise SendFailed(f"HTTP {err.code}") from None
        except (urllib.error.URLError, OSError) as err:
            raise SendFailed(f"no answer: {getattr(err, 'reason', err)}") from None


def make_provider(settings):
    kind = settings.message_provider
    if kind == "http":
        if not settings.message_http_url:
            raise ValueError("message_provider = http needs message_http_url")
        return HttpProvider(settings.message_http_url, settings.message_http_key)
    if kind == "log":
        return LogProvider()
    if kind == "none":
        return NoProvider()
    raise ValueError(f"unknown message_provider {kind!r} (log, http or none)")
