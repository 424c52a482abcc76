"""Timer events that read the engine's clock and understand the Camunda Modeler notations.

A timer's text is either bare ISO 8601 as Modeler writes it (``P5D``, ``PT4H``,
``2026-12-01T09:00:00Z``, ``R3/PT1H``) or a ``${...}`` expression. An expression may yield an
ISO string, a date/datetime (absolute), a timedelta or months/years (relative), or
``working_days(n)`` (England & Wales working days). The due moment is computed once, when the
timer starts waiting, and kept in the task's ``event_value`` so the timer index can read it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from ..expression_functions import WorkingDays
from ..expressions import ExpressionError, is_expression
from ..workdays import WorkingDayCalendar, to_local

DATE, DURATION, CYCLE = "date", "duration", "cycle"
MAX_TIMER_YEARS = 30
MAX_TIMER_SPAN = timedelta(days=366 * MAX_TIMER_YEARS)
# A repeating timer fires at most once a minute: R/PT0S would fire on every sweep for ever.
MIN_CYCLE_SECONDS = 60
# the "Working-day timer" element template's properties on a timer event
WORKING_DAYS, WORKING_DAYS_FROM = "working_days", "working_days_from"
MILESTONE = "milestone"  # on a boundary timer: a date is the start of that day, not its end


def parse_duration(text: str) -> relativedelta:
    """An ISO 8601 duration (``P1Y2M3W4DT5H6M7S``) as a calendar-aware relativedelta."""
    try:
        parsed = TimerEventDefinition.parse_iso_duration(text.strip())
    except Exception:
        raise ExpressionError(f"'{text}' is not an ISO 8601 duration such as P5D or PT4H") from None
    whole = {key: int(value) for key, value in parsed.items() if key in ("years", "months")}
    rest = {key: value for key, value in parsed.items() if key not in ("years", "months", "t")}
    return relativedelta(**whole) + timedelta(**rest)


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is UK local time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ExpressionError(f"'{text}' is not an ISO 8601 date or date-time") from None
    return to_local(moment).astimezone(UTC)


def resolve_due(value, start: datetime, calendar: WorkingDayCalendar) -> datetime:
    """The absolute UTC moment a timer value means when counted from ``start``. A duration
    reaching more than :data:`MAX_TIMER_YEARS` away is refused: it is a mistake (or a hostile
    timescale), and walking it would cost seconds of CPU per step."""
    try:
        due = _resolve(value, start, calendar)
    except (OverflowError, ValueError) as error:
        raise ExpressionError(f"the timer cannot be computed: {error}") from None
    relative = isinstance(value, WorkingDays | timedelta | relativedelta) or (
        isinstance(value, str) and value.strip().upper().startswith("P")
    )
    if relative and abs(due - start) > MAX_TIMER_SPAN:
        raise ExpressionError(
            f"the timer is due {due:%d %B %Y}, more than {MAX_TIMER_YEARS} years away"
        )
    return due


def resolve_deadline(value, start: datetime, calendar: WorkingDayCalendar) -> datetime:
    """:func:`resolve_due` for a deadline people read as a day: ``working_days(n)``, a date,
    a date-only ISO text or a moment at exactly midnight UK time (what date arithmetic on a
    date gives) falls due at the calendar's end of the working day (``JOINEDUP_END_OF_DAY``,
    17:00 UK time) on that day. Durations and date-times with a time keep theirs."""
    due = resolve_due(value, start, calendar)
    if isinstance(value, WorkingDays) or _is_a_day(value, due):
        return calendar.end_of(to_local(due).date()).astimezone(UTC)
    return due


def _is_a_day(value, due: datetime) -> bool:
    if isinstance(value, timedelta | relativedelta):
        return False
    if isinstance(value, str) and value.strip().upper().startswith("P"):
        return False
    return to_local(due).time() == time(0)


def is_deadline_timer(my_task) -> bool:
    """A timer on the boundary of an activity measures that activity's deadline (a task's
    reminder or "missed" escalation, a stage's time limit), so it falls due when the task
    due on the same day does; other timers (intermediate catches: "from the 16th birthday")
    are milestones that start at the start of their day, and so is a boundary timer with the
    property ``milestone`` = ``true`` (the 18th birthday: "by 18" means before it begins)."""
    properties = getattr(my_task.task_spec, "extensions", None) or {}
    if (properties.get(MILESTONE) or "").strip().lower() == "true":
        return False
    split = my_task.parent
    return split is not None and isinstance(split.task_spec, BoundaryEventSplit)


def _resolve(value, start: datetime, calendar: WorkingDayCalendar) -> datetime:
    if isinstance(value, WorkingDays):
        return calendar.add(start, value.count).astimezone(UTC)
    if isinstance(value, datetime | date):
        return to_local(value).astimezone(UTC)
    if isinstance(value, timedelta | relativedelta):
        return (to_local(start) + value).astimezone(UTC)
    if isinstance(value, str):
        text = value.strip()
        if text.upper().startswith("P"):
            return (to_local(start) + parse_duration(text)).astimezone(UTC)
        return parse_moment(text)
    raise ExpressionError(
        f"a timer needs a date, a duration or working_days(n), not {type(value).__name__}"
    )


def parse_cycle(value, start: datetime, calendar: WorkingDayCalendar) -> dict:
    """``R[n]/[start/]duration`` as {cycles, next, duration}; cycles -1 repeats forever."""
    text = str(value).strip().upper()
    parts = text.split("/")
    if not parts[0].startswith("R") or len(parts) not in (2, 3):
        raise ExpressionError(f"'{value}' is not an ISO 8601 repeating interval like R3/PT1H")
    count = parts[0][1:]
    cycles = int(count) if count else -1
    if len(parts) == 3:
        first_start, period = parse_moment(parts[1]), parse_duration(parts[2])
        first = first_start
    else:
        period = parse_duration(parts[1])
        first = resolve_due(parts[1], start, calendar)
    seconds = ((to_local(first) + period) - to_local(first)).total_seconds()
    if seconds < MIN_CYCLE_SECONDS:
        raise ExpressionError(
            f"'{value}' repeats every {seconds:g} s; a repeating timer's period must be at least "
            f"{MIN_CYCLE_SECONDS} s"
        )
    return {"cycles": cycles, "next": first.isoformat(), "duration": seconds}


class ClockedTimer:
    """Shared behaviour: evaluate the timer text once, then compare with the engine clock."""

    kind = DATE

    def timer_value(self, my_task):
        engine = my_task.workflow.script_engine
        if is_expression(self.expression):
            return engine.evaluate(my_task, self.expression)
        return self.expression

    def computed(self, my_task, compute):
        """``compute(value, now, calendar)`` for this timer, its errors tied to the task."""
        engine = my_task.workflow.script_engine
        try:
            return compute(self.timer_value(my_task), engine.now(), engine.calendar)
        except ExpressionError as error:
            raise WorkflowTaskException(str(error), task=my_task, exception=error) from None

    def has_fired(self, my_task):
        engine = my_task.workflow.script_engine
        due = my_task._get_internal_data("event_value")
        if due is None:
            resolve = resolve_deadline if is_deadline_timer(my_task) else resolve_due
            due = self.computed(my_task, resolve).isoformat()
            my_task._set_internal_data(event_value=due)
        if datetime.fromisoformat(due) <= engine.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class WorkingTimeDateEventDefinition(ClockedTimer, TimeDateEventDefinition):
    """``bpmn:timeDate``: fires at a moment."""


class WorkingDurationEventDefinition(ClockedTimer, DurationTimerEventDefinition):
    """``bpmn:timeDuration``: fires a duration after the timer starts waiting."""

    kind = DURATION


class WorkingCycleEventDefinition(ClockedTimer, CycleTimerEventDefinition):
    """``bpmn:timeCycle``: fires repeatedly (non-interrupting boundary or start events)."""

    kind = CYCLE

    def cycle_complete(self, my_task):
        engine = my_task.workflow.script_engine
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = self.computed(my_task, parse_cycle)
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= engine.now():
                following = next_event + timedelta(seconds=event_value["duration"])
                event_value["next"] = following.isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready

    def has_fired(self, my_task):
        return CycleTimerEventDefinition.has_fired(self, my_task)


TIMER_CLASSES = {
    TimeDateEventDefinition: WorkingTimeDateEventDefinition,
    DurationTimerEventDefinition: WorkingDurationEventDefinition,
    CycleTimerEventDefinition: WorkingCycleEventDefinition,
}


def due_time_of(task) -> datetime | None:
    """When a waiting timer task falls due, from its stored event value."""
    event_value = task._get_internal_data("event_value")
    if event_value is None or task.state != TaskState.WAITING:
        return None
    if isinstance(event_value, dict):
        if event_value.get("cycles") == 0:
            return None
        event_value = event_value["next"]
    return datetime.fromisoformat(event_value)


def working_day_timer(name: str, days: str, start: str | None) -> TimerEventDefinition:
    """A timer N working days after it starts waiting, or after the date in ``start``."""
    count = _bare(days)
    if start:
        return TimeDateEventDefinition(name, f"${{add_working_days({_bare(start)}, {count})}}")
    return DurationTimerEventDefinition(name, f"${{working_days({count})}}")


def _bare(text: str) -> str:
    text = text.strip()
    return text[2:-1].strip() if text.startswith("${") and text.endswith("}") else text
