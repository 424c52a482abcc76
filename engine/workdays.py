"""Working-day arithmetic for England & Wales.

A working day is Monday to Friday and not a bank holiday in England & Wales, as listed by the
maintained ``holidays`` package (offline data, no network at run time). England and Wales share
one list of bank holidays, so the ``ENG`` subdivision stands for both.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from .errors import SettingError

UK_TIME = ZoneInfo("Europe/London")
DEFAULT_END_OF_DAY = time(17, 0)  # JOINEDUP_END_OF_DAY: when a date-only deadline falls due
# About ten years: counting walks day by day, so an absurd count must be refused, not walked.
MAX_WORKING_DAYS = 2_610


class WorkingDayCalendar:
    """Counts working days in local (UK) time; results keep the start's time of day.

    ``end_of_day`` is when a deadline given as a day (a date, or ``working_days(n)``) falls due
    on that day (``engine.dialect.timers.resolve_deadline``).
    """

    def __init__(
        self,
        country: str = "GB",
        subdivision: str = "ENG",
        timezone=UK_TIME,
        end_of_day: time = DEFAULT_END_OF_DAY,
    ):
        self.country = country
        self.subdivision = subdivision
        self.timezone = timezone
        self.end_of_day = end_of_day

    def end_of(self, day: date) -> datetime:
        """The end of the working day on ``day``, local time (aware)."""
        return datetime.combine(day, self.end_of_day, self.timezone)

    @cached_property
    def _bank_holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays(self.country, subdiv=self.subdivision)

    def is_working_day(self, day: date) -> bool:
        """True for a weekday that is not a bank holiday."""
        return day.weekday() < 5 and day not in self._bank_holidays

    def holiday_name(self, day: date) -> str | None:
        """The bank holiday's name on ``day``, if it is one."""
        return self._bank_holidays.get(day)

    def add(self, start: datetime | date, count: int) -> datetime:
        """The ``count``-th working day after ``start``, at the same local time of day.

        Counting starts with the day after ``start``, so 1 working day after Friday 10:00 is
        Monday 10:00 (or Tuesday after a bank-holiday Monday). Negative counts go backwards.
        A bare date is taken as 00:00 UK time.
        """
        if abs(count) > MAX_WORKING_DAYS:
            raise ValueError(
                f"{count:,} working days is too far; the limit is {MAX_WORKING_DAYS:,}"
            )
        local = to_local(start, self.timezone)
        day, step, remaining = local.date(), (1 if count >= 0 else -1), abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return datetime.combine(day, local.timetz().replace(tzinfo=None), self.timezone)

    def count_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        days, day = 0, start
        while day < end:
            day += timedelta(days=1)
            days += self.is_working_day(day)
        return days


def parse_end_of_day(text: str | None) -> time:
    """``JOINEDUP_END_OF_DAY`` (``17:00``, UK time) as a time; empty gives the default."""
    if not (text or "").strip():
        return DEFAULT_END_OF_DAY
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise SettingError(
            f"JOINEDUP_END_OF_DAY is '{text}': set it to a time of day such as 17:00"
        ) from None


def to_local(moment: datetime | date, timezone=UK_TIME) -> datetime:
    """An aware datetime in ``timezone``; dates are midnight there, naive datetimes local."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, datetime.min.time(), timezone)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone)
    return moment.astimezone(timezone)


def due_in_words(due: datetime, now: datetime, calendar: WorkingDayCalendar) -> str:
    """'due Tue 29 Dec (5 working days)', 'due today', 'overdue by 2 working days': working
    days counted from today, in UK time; a time other than the end of the working day is
    named ('due today at 09:00'), and a year other than this one."""
    local, today = to_local(due, calendar.timezone), to_local(now, calendar.timezone).date()
    at = "" if local.time() == calendar.end_of_day else f" at {local:%H:%M}"
    day = f"{local:%a %-d %b}" + ("" if local.year == today.year else f" {local.year}")
    if due <= now:
        late = calendar.count_between(local.date(), today)
        if not late:
            return f"overdue (due today{at})"
        return f"overdue by {_working_days(late)} (due {day})"
    if local.date() == today:
        return f"due today{at}"
    return f"due {day}{at} ({_working_days(calendar.count_between(today, local.date()))})"


def _working_days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"
