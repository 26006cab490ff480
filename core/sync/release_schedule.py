"""Release schedules of published books: "every friday", "daily at 18:00", "every 3 days".

A schedule releases the next waiting chapter at each of its times (UTC). The text is what
the writer typed (CLI ``--schedule``, the Publish dialog) and what the server stores; both
read it with :func:`parse_schedule`, so a schedule the server takes is one the client
checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME_RE = re.compile(r"\bat\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b")


@dataclass(frozen=True)
class Schedule:
    weekday: int | None = None  # 0 Monday .. 6 Sunday; None: every ``every_days``
    every_days: int = 7
    hour: int = 0
    minute: int = 0

    def next_after(self, moment: datetime) -> datetime:
        """The first release time strictly after ``moment`` (an aware datetime)."""
        at = moment.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        if self.weekday is not None:
            at += timedelta(days=(self.weekday - at.weekday()) % 7)
            while at <= moment:
                at += timedelta(days=7)
            return at
        while at <= moment:
            at += timedelta(days=self.every_days)
        return at

    def describe(self) -> str:
        clock = f" at {self.hour:02d}:{self.minute:02d} UTC"
        if self.weekday is not None:
            return f"every {WEEKDAYS[self.weekday].capitalize()}{clock}"
        if self.every_days == 1:
            return f"every day{clock}"
        return f"every {self.every_days} days{clock}"


def parse_schedule(value: str) -> Schedule:
    """The schedule ``value`` says; ValueError naming what is understood when it is not."""
    said = " ".join(value.casefold().split())
    hour = minute = 0
    clock = _TIME_RE.search(said)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        if clock.group(3) == "pm" and hour < 12:
            hour += 12
        elif clock.group(3) == "am" and hour == 12:
            hour = 0
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError(f"{clock.group(0)!r} is not a time of day")
        said = (said[: clock.start()] + said[clock.end() :]).strip()
    said = re.sub(r"^(every|each)\s+", "", said)
    for number, day in enumerate(WEEKDAYS):
        if said in (day, day + "s", day[:3]):
            return Schedule(weekday=number, hour=hour, minute=minute)
    if said in ("day", "daily"):
        return Schedule(every_days=1, hour=hour, minute=minute)
    if said in ("week", "weekly"):
        return Schedule(every_days=7, hour=hour, minute=minute)
    days = re.fullmatch(r"(\d{1,3})\s+days?", said)
    if days and int(days.group(1)) >= 1:
        return Schedule(every_days=int(days.group(1)), hour=hour, minute=minute)
    weeks = re.fullmatch(r"(\d{1,2})\s+weeks?", said)
    if weeks and int(weeks.group(1)) >= 1:
        return Schedule(every_days=7 * int(weeks.group(1)), hour=hour, minute=minute)
    raise ValueError(
        f"{value!r} is not a schedule I can read: say “every friday”, “every friday at "
        "18:00”, “daily”, “weekly” or “every 3 days” (times are UTC)"
    )
