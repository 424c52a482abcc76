"""The dashboard's figures, each a small table read from the fact tables alone.

Every query is bounded by the period on an indexed time column (``ended_at``, ``left_at``,
``due_at``) and returns aggregates only: counts, medians and shares, never a case or a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from ..agencies import agency_name
from ..models import Definition
from .filters import Filters
from .models import DeadlineResult, InstanceOutcome, Milestone, StagePeriod

ESCALATIONS = "professional-differences"
MILESTONE_PROCESSES = (
    ("pre-birth", "pre-birth-assessment", "Pre-birth timeliness"),
    ("transition", "transition-to-adulthood", "Transition milestones"),
)
DAY = 86400


@dataclass
class Table:
    """One figure: its caption, column headings, rows, and the bars its chart draws."""

    slug: str
    caption: str
    headings: list[str]
    rows: list[list] = field(default_factory=list)
    bars: list[tuple[str, float]] = field(default_factory=list)  # label, value
    unit: str = ""  # what a bar's value is ("%" or "")
    chart: str = ""  # what the chart shows, its caption


def _parties(columns, agency: str | None):
    if agency is None:
        return []
    return [or_(*(column == agency for column in columns))]


def process_names(session: Session) -> dict[str, str]:
    """Each process key's name as its newest definition gives it."""
    rows = session.execute(
        select(Definition.key, Definition.name)
        .where(Definition.kind == "bpmn")
        .order_by(Definition.version)
    )
    return {key: name or key for key, name in rows}


def escalations(session: Session, f: Filters, now: datetime) -> Table:
    """Professional differences ended in the period by the highest stage reached and how they
    ended; those still open, by the stage they are at now."""
    o = InstanceOutcome
    ended = session.execute(
        select(o.top_stage, o.top_stage_name, o.outcome, func.count())
        .where(o.process_key == ESCALATIONS, o.ended_at >= f.since, o.ended_at < f.until)
        .where(*_parties((o.agency, o.other_agency), f.agency))
        .group_by(o.top_stage, o.top_stage_name, o.outcome)
    ).all()
    p = StagePeriod
    still_open = session.execute(
        select(p.stage, p.stage_name, func.count())
        .where(p.process_key == ESCALATIONS, p.left_at.is_(None), p.entered_at < f.until)
        .where(*_parties((p.agency, p.other_agency), f.agency))
        .group_by(p.stage, p.stage_name)
    ).all()
    rows = [(s or 0, n or "Before stage 1", outcome, c) for s, n, outcome, c in ended]
    rows += [(s, n, "Still open", c) for s, n, c in still_open]
    rows.sort(key=lambda row: (row[0], row[2] == "Still open", row[2]))
    totals: dict[str, int] = {}
    for _stage, name, _outcome, count in rows:
        totals[name] = totals.get(name, 0) + count
    return Table(
        "escalations",
        "Professional differences by the highest stage reached and outcome",
        ["Highest stage reached", "Outcome", "Number"],
        [[name, outcome, count] for _stage, name, outcome, count in rows],
        list(totals.items()),
        chart="Number of professional differences by the highest stage reached",
    )


def stage_times(session: Session, f: Filters, names: dict[str, str]) -> Table:
    """Stages left in the period: how many, the median days spent, and the share left
    before their timescale ran out (of those with a timescale)."""
    p = StagePeriod
    where = [
        p.left_at >= f.since,
        p.left_at < f.until,
        *_parties((p.agency, p.other_agency), f.agency),
    ]
    group = (p.process_key, p.stage)
    ranked = (
        select(
            *group,
            p.seconds,
            func.row_number().over(partition_by=group, order_by=p.seconds).label("rn"),
            func.count().over(partition_by=group).label("n"),
        )
        .where(*where)
        .subquery()
    )
    middle = or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    medians = dict(
        ((key, stage), seconds)
        for key, stage, seconds in session.execute(
            select(ranked.c.process_key, ranked.c.stage, func.avg(ranked.c.seconds))
            .where(middle)
            .group_by(ranked.c.process_key, ranked.c.stage)
        )
    )
    counts = session.execute(
        select(
            *group,
            func.max(p.stage_name),
            func.count(),
            func.sum(case((p.within_timescale.is_(True), 1), else_=0)),
            func.count(p.within_timescale),
        )
        .where(*where)
        .group_by(*group)
        .order_by(*group)
    ).all()
    table = Table(
        "stages",
        "Time spent in each stage against its timescale",
        ["Process", "Stage", "Stages finished", "Median days", "Within timescale"],
        unit="%",
        chart="Share of stages finished within their timescale",
    )
    for key, stage, name, count, within, timed in counts:
        median = round(float(medians.get((key, stage), 0)) / DAY, 1)
        share = percent(within, timed)
        table.rows.append(
            [names.get(key, key), name, count, median, _share_text(share, "No timescale")]
        )
        if share is not None:
            table.bars.append((f"{name} ({names.get(key, key)})", share))
    return table


def deadlines(session: Session, f: Filters, names: dict[str, str]) -> Table:
    """Task deadlines falling in the period, met and missed, by the owning agency and process."""
    d = DeadlineResult
    met = func.sum(cast(d.met, Integer))
    rows = session.execute(
        select(d.agency, d.process_key, met, func.count())
        .where(d.due_at >= f.since, d.due_at < f.until, *_parties((d.agency,), f.agency))
        .group_by(d.agency, d.process_key)
    ).all()
    rows = sorted(rows, key=lambda r: (agency_name(r[0]) or "", names.get(r[1], r[1])))
    table = Table(
        "deadlines",
        "Deadlines met and missed by agency and process",
        ["Agency", "Process", "Met", "Missed", "Met on time"],
        unit="%",
        chart="Share of deadlines met on time, by agency",
    )
    by_agency: dict[str, list[int]] = {}
    for agency, key, met_count, count in rows:
        name = agency_name(agency) or "Not known"
        table.rows.append(
            [
                name,
                names.get(key, key),
                met_count,
                count - met_count,
                f"{percent(met_count, count)}%",
            ]
        )
        sums = by_agency.setdefault(name, [0, 0])
        sums[0], sums[1] = sums[0] + met_count, sums[1] + count
    table.bars = [(name, percent(m, c)) for name, (m, c) in by_agency.items()]
    return table


def milestones(
    session: Session, f: Filters, now: datetime, slug: str, key: str, title: str
) -> Table:
    """Milestones due in the period: met, late, overdue, not needed (ended first), not yet due."""
    m = Milestone
    open_ = and_(m.reached_at.is_(None), m.dropped_at.is_(None))
    counts = [
        func.sum(case((m.reached_at <= m.due_at, 1), else_=0)),
        func.sum(case((m.reached_at > m.due_at, 1), else_=0)),
        func.sum(case((and_(open_, m.due_at < now), 1), else_=0)),
        func.sum(case((and_(m.reached_at.is_(None), m.dropped_at.is_not(None)), 1), else_=0)),
        func.sum(case((and_(open_, m.due_at >= now), 1), else_=0)),
    ]
    rows = session.execute(
        select(m.position, m.name, *counts)
        .where(m.process_key == key, m.due_at >= f.since, m.due_at < f.until)
        .where(*_parties((m.agency,), f.agency))
        .group_by(m.position, m.name)
        .order_by(m.position)
    ).all()
    table = Table(
        slug,
        title,
        [
            "Milestone",
            "Met",
            "Late",
            "Overdue",
            "Process ended first",
            "Not yet due",
            "Met on time",
        ],
        unit="%",
        chart="Share of each milestone met on time",
    )
    for _position, name, met, late, overdue, ended, later in rows:
        share = percent(met, met + late + overdue)
        table.rows.append(
            [name, met, late, overdue, ended, later, _share_text(share, "None due yet")]
        )
        if share is not None:
            table.bars.append((name, share))
    return table


def percent(part: int | None, whole: int | None) -> int | None:
    """A whole-number percentage, or None of nothing."""
    return round(100 * (part or 0) / whole) if whole else None


def _share_text(share: int | None, nothing: str) -> str:
    return f"{share}%" if share is not None else nothing


def all_tables(session: Session, f: Filters, now: datetime) -> list[Table]:
    """Every figure of the dashboard, in page order."""
    names = process_names(session)
    tables = [
        escalations(session, f, now),
        stage_times(session, f, names),
        deadlines(session, f, names),
    ]
    tables += [milestones(session, f, now, *spec) for spec in MILESTONE_PROCESSES]
    return tables
