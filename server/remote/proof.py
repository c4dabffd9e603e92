"""CAPTCHA-free proof and the keys the limits count by (docs/architecture.md, "Remote queue").

The branch page hands out a short-lived token signed with the hub's secret key, bound to the branch and
to the device cookie; taking a ticket needs it. A script must fetch the page for every ticket, keep
the cookie, and still meets the per-device, per-address and per-contact limits. The keys are keyed
hashes: the database never sees the cookie or the address, and a hash means nothing without the secret.
The door poster's key is derived the same way, so it stays the same across restarts as long as
`secret_key` is set (README, "Settings").
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..queue.errors import DomainError
from ..queue.remote import RemoteKeys

DEVICE_COOKIE = "cf_device"
_DEVICE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class BadProof(DomainError):
    kind = "forbidden"


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="counterflow-remote-proof")


def new_device_id() -> str:
    return secrets.token_urlsafe(18)


def valid_device(value: str | None) -> str | None:
    return value if value and _DEVICE_RE.match(value) else None


def issue_proof(secret: str, branch_code: str, device: str) -> str:
    return _serializer(secret).dumps({"b": branch_code, "d": device})


def check_proof(secret: str, token: str, branch_code: str, device: str | None, max_age_s: int) -> None:
    try:
        data = _serializer(secret).loads(token, max_age=max_age_s)
    except SignatureExpired:
        raise BadProof("proof_expired", "the page is too old; reload it and try again") from None
    except BadSignature:
        raise BadProof("proof_invalid", "take a ticket from the branch page") from None
    if not isinstance(data, dict) or data.get("b") != branch_code or data.get("d") != device:
        raise BadProof("proof_invalid", "take a ticket from the branch page")


def _keyed(secret: str, kind: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def normalise_contact(contact: str | None) -> str | None:
    """A phone number as its digits (and a leading +), an e-mail address in lower case; None if empty."""
    contact = (contact or "").strip()
    if not contact:
        return None
    if "@" in contact:
        return contact.lower()
    digits = re.sub(r"[\s().-]", "", contact)
    return digits


def valid_contact(contact: str) -> bool:
    if "@" in contact:
        return re.fullmatch(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+", contact) is not None and len(contact) <= 120
    return re.fullmatch(r"\+?\d{6,16}", contact) is not None


def limit_keys(secret: str, device: str | None, address: str | None, contact: str | None) -> RemoteKeys:
    return RemoteKeys(device=_keyed(secret, "device", device) if device else None,
                      address=_keyed(secret, "address", address) if address else None,
                      contact=_keyed(secret, "contact", contact) if contact else None)


def door_key(secret: str, branch_code: str) -> str:
    return _keyed(secret, "door", branch_code)[:24]
