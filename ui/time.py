"""Times for people: China Standard Time with the zone shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def cst(moment: datetime | None) -> str:
    """``moment`` (aware, or naive UTC) as "2026-03-01 17:00 CST (UTC+8)"; "" for None."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M") + " CST (UTC+8)"
