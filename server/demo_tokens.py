"""Device tokens for the demo kiosk and display, so `counterflow run --demo` can print working URLs.

The database keeps only token hashes, so the demo's plain tokens are kept in a small file beside the
database (mode 0600). A token that no longer authenticates (revoked, other database) is replaced.
Demo use only: a real branch gets its tokens from POST /api/v1/device-tokens.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from sqlalchemy.engine import make_url

from . import auth
from .demo import DEMO_BRANCH
from .queue import queries
from .queue.clock import utc_now
from .settings import DEFAULT_VAR_DIR

log = logging.getLogger(__name__)

DEMO_DEVICES = (("kiosk", "demo-kiosk"), ("display", "demo-display"))


def tokens_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db_path = Path(url.database)
        return db_path.with_name(db_path.name + ".demo-tokens.json")
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return DEFAULT_VAR_DIR / f"demo-tokens-{digest}.json"


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _still_valid(session, token: str, kind: str, branch_id: int) -> bool:
    try:
        p = auth.authenticate(session, token, utc_now())
    except auth.Unauthorized:
        return False
    return p.kind == "device" and p.device_kind == kind and p.branch_id == branch_id


def ensure_demo_device_tokens(db, database_url: str) -> dict[str, str]:
    """{"kiosk": token, "display": token} for the demo branch, creating what is missing."""
    path = tokens_path(database_url)
    saved = _read(path)
    tokens: dict[str, str] = {}
    with db.write() as session:
        branch = queries.branch_by_code(session, DEMO_BRANCH)
        for kind, name in DEMO_DEVICES:
            token = saved.get(kind)
            if isinstance(token, str) and _still_valid(session, token, kind, branch.id):
                tokens[kind] = token
            else:
                tokens[kind] = auth.create_device_token(session, name, kind, branch.id, utc_now())
    if tokens != saved:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(tokens, fh)
        log.info("demo device tokens created", extra={"file": str(path)})
    return tokens
