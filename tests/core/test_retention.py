"""Sign-in records do not grow for ever: audit rows and spent staff sign-in tokens older than
`auth_records_keep_days` are deleted (server/retention.py); recent ones, live sign-ins and device
tokens stay, and the hub keeps answering to the tokens it kept."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from server.models import ApiToken, AuthEvent
from server.queue.clock import utc_now
from server.retention import Retention, prune


def counts(db) -> tuple[int, int, int]:
    with db.read() as s:
        events = s.execute(select(func.count()).select_from(AuthEvent)).scalar_one()
        staff = s.execute(select(func.count()).select_from(ApiToken).where(ApiToken.user_id.is_not(None))).scalar_one()
        devices = s.execute(select(func.count()).select_from(ApiToken).where(ApiToken.user_id.is_(None))).scalar_one()
    return events, staff, devices


def test_old_sign_in_records_go_recent_ones_and_device_tokens_stay(app, hub, signed_in, client):
    admin = signed_in("admin")
    kiosk = admin.post("/api/v1/device-tokens", json={"name": "kiosk-r", "kind": "kiosk", "branch": "demo"})
    assert kiosk.status_code == 201
    signed_in("teller1"), signed_in("guide")  # three staff sign-ins, three audit rows (and the token's)
    now = utc_now()
    with hub.db.write() as s:
        # Make two of the three staff tokens two years old: one expired then, one revoked then.
        old = s.execute(select(ApiToken.id).where(ApiToken.user_id.is_not(None)).order_by(ApiToken.id).limit(2)).scalars().all()
        s.execute(update(ApiToken).where(ApiToken.id == old[0]).values(expires_at=now - dt.timedelta(days=700)))
        s.execute(update(ApiToken).where(ApiToken.id == old[1]).values(revoked_at=now - dt.timedelta(days=700)))
        # ... and the device token too: set-up records stay whatever their age.
        s.execute(update(ApiToken).where(ApiToken.user_id.is_(None)).values(revoked_at=now - dt.timedelta(days=700)))
        # 1,200 audit rows from two years ago (more than two batches) beside today's.
        s.add_all(AuthEvent(at=now - dt.timedelta(days=700, minutes=i), kind="sign_in_failed", username="x")
                  for i in range(1200))
    events, staff, devices = counts(hub.db)
    assert (staff, devices) == (3, 1) and events >= 1200 + 4

    assert prune(hub.db, now, keep_days=0) == {"auth_events": 0, "api_tokens": 0}  # 0: keep for ever
    removed = Retention(hub.db, keep_days=365, clock=lambda: now).run_once()
    assert removed == {"auth_events": 1200, "api_tokens": 2}
    assert counts(hub.db) == (events - 1200, 1, 1)
    # The sign-in kept still works; today's audit rows are all there.
    assert signed_in("guide").get("/api/v1/me").status_code == 200
    with hub.db.read() as s:
        assert s.execute(select(func.min(AuthEvent.at))).scalar_one() > now - dt.timedelta(days=1)
    assert prune(hub.db, now, keep_days=365) == {"auth_events": 0, "api_tokens": 0}
