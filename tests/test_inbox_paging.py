"""The inbox pages by keyset: every task once, in order, forward and back, and each tab's
query reads index ranges only (EXPLAIN on SQLite and PostgreSQL: no full scan of
``human_task`` or its candidates, no sort of a whole range)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, text, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

from engine.actors import Actor
from engine.agencies import PARTNERSHIP, groups_for
from engine.cases import CaseInvolvement, FamilyCase
from engine.db import make_engine
from engine.demo import DEMO_PASSWORD
from engine.inbox import Cursor, inbox
from engine.inbox.keyset import cursor_params, where_is
from engine.inbox.pages import page_statement
from engine.inbox.tabs import API_TABS, APPROVALS, shape_of, values_of
from engine.models import HumanTask, ProcessInstance, TaskCandidate
from engine.schema import alembic_config, upgrade

from .helpers import down_and_up, linear, resource

AGENCY = "childrens-social-care"
NOW = datetime(2026, 12, 23, 10, tzinfo=UTC)
PRACTITIONER = Actor("pat", groups_for(AGENCY, ["practitioner"], "east"), agency=AGENCY)
MANAGER = Actor("mo", groups_for(AGENCY, ["manager"], "east"), agency=AGENCY)
CHAIR = Actor("chair", groups_for(PARTNERSHIP, ["board-chair"]), agency=PARTNERSHIP)
GROUPS = ["practitioner", f"{AGENCY}:practitioner", "team:east", "manager", "board-chair"]


def seed(engine, tasks: int, first: int = 1) -> None:
    """``tasks`` tasks on 20 cases (the agency involved in 15): a third held by pat, mo or
    chair in turn, some completed, every seventh with no due date; ids from ``first``."""
    engine.deploy([resource("plans.bpmn", linear("plans", "one"))])
    with engine.db.unit_of_work() as session:
        definition_id = session.execute(text("SELECT min(id) FROM definition")).scalar()
        session.execute(
            insert(FamilyCase),
            [
                {"id": first + n, "reference": f"P-{n}", "family_name": "P", "created_at": NOW}
                for n in range(20)
            ],
        )
        session.execute(
            insert(CaseInvolvement),
            [{"case_id": first + n, "case_ref": f"P-{n}", "agency": AGENCY} for n in range(15)],
        )
        session.execute(
            insert(ProcessInstance),
            [
                {"id": first + n, "definition_id": definition_id, "process_key": "plans",
                 "state": "{}", "serializer_version": "1", "started_at": NOW}
                for n in range(20)
            ],
        )  # fmt: skip
        rows, candidates = [], []
        for n in range(tasks):
            holder = ("pat", "mo", "chair")[n // 3 % 3] if n % 3 == 0 else None
            done = holder and n % 4 == 0
            row = {
                "id": first + n,
                "instance_id": first + n % 20,
                "spiff_task_id": f"t-{n}",
                "element_id": "one",
                "name": f"Task {n}",
                "process_key": "plans",
                "case_ref": f"P-{n % 20}",
                "assignee": holder,
                "candidate_groups": [GROUPS[n % len(GROUPS)]],
                "due_at": None if n % 7 == 0 else NOW + timedelta(hours=n % 50 - 10),
                "status": "completed" if done else ("claimed" if holder else "open"),
                "completed_by": holder if done else None,
                "completed_at": NOW - timedelta(minutes=n) if done else None,
                "created_at": NOW,
            }
            rows.append(row)
            if not done:
                candidates.append(
                    {"human_task_id": row["id"], "kind": "group", "value": GROUPS[n % 5],
                     "offered": holder is None, "due_at": row["due_at"],
                     "case_ref": row["case_ref"]}
                )  # fmt: skip
        session.execute(insert(HumanTask), rows)
        session.execute(insert(TaskCandidate), candidates)


def every_page(engine, actor, tab, per_page=7):
    """Each page's task ids, following ``next_cursor`` from the first page."""
    pages, after = [], None
    with engine.db.reading() as session:
        while True:
            page = inbox(session, actor, tab, now=NOW, per_page=per_page, after=after)
            pages.append([task.id for task in page.tasks])
            if not page.has_next:
                return pages
            after = Cursor.decode(page.next_cursor)


@pytest.mark.parametrize("actor", [PRACTITIONER, MANAGER, CHAIR], ids=lambda a: a.user_id)
def test_following_next_lists_every_task_of_a_tab_once_in_the_tab_s_order(engine, actor):
    seed(engine, 300)
    for tab in API_TABS:
        with engine.db.reading() as session:
            everything = inbox(session, actor, tab, now=NOW, per_page=1000).tasks
        paged = [task_id for page in every_page(engine, actor, tab) for task_id in page]
        assert paged == [task.id for task in everything], tab
        if tab == "completed":
            keys = [task.completed_at for task in everything]
            assert keys == sorted(keys, reverse=True)
        else:
            keyed = [task.due_at for task in everything if task.due_at is not None]
            assert [task.due_at for task in everything[: len(keyed)]] == sorted(keyed)
        assert everything or tab in ("completed", "overdue")


def test_a_practitioner_sees_only_tasks_on_cases_their_agency_is_involved_in(engine):
    seed(engine, 300)
    team = [task_id for page in every_page(engine, PRACTITIONER, "team") for task_id in page]
    with engine.db.reading() as session:
        cases = {session.get(HumanTask, task_id).case_ref for task_id in team}
    assert team and cases <= {f"P-{n}" for n in range(15)}


def test_previous_reads_back_the_page_before_and_the_first_page_is_whole(engine):
    seed(engine, 300)
    pages = every_page(engine, PRACTITIONER, "all")
    with engine.db.reading() as session:
        second = inbox(session, PRACTITIONER, "all", now=NOW, per_page=7, after=None, page=2)
        third = inbox(session, PRACTITIONER, "all", now=NOW, per_page=7,
                      after=Cursor.decode(second.next_cursor))  # fmt: skip
        back = inbox(session, PRACTITIONER, "all", now=NOW, per_page=7,
                     before=Cursor.decode(third.previous_cursor))  # fmt: skip
        first = inbox(session, PRACTITIONER, "all", now=NOW, per_page=7,
                      before=Cursor.decode(back.previous_cursor))  # fmt: skip
        third_task = first.tasks[2]  # two tasks before it: the whole first page shows
        start = inbox(session, PRACTITIONER, "all", now=NOW, per_page=7,
                      before=Cursor(third_task.due_at, third_task.id))  # fmt: skip
    assert [t.id for t in third.tasks] == pages[2]
    assert [t.id for t in back.tasks] == pages[1] and back.has_previous and back.has_next
    assert [t.id for t in first.tasks] == pages[0] and not first.has_previous
    assert [t.id for t in start.tasks] == pages[0]


def test_the_inbox_page_links_next_and_previous_pages(app, web):
    from webapp import engine_of

    engine = engine_of(app)
    engine.create_user(username="pia", password=DEMO_PASSWORD, display_name="Pia Page",
                       agency=AGENCY, roles=["practitioner"], team="east")  # fmt: skip
    seed(engine, 300, first=10_000)
    pia = web("pia")
    first = pia.get("/inbox?tab=team").get_data(as_text=True)
    assert 'rel="prev"' not in first
    following = re.search(r'href="([^"]+)"\s+rel="next"', first).group(1).replace("&amp;", "&")
    second = pia.get(following).get_data(as_text=True)
    back = re.search(r'href="([^"]+)"\s+rel="prev"', second).group(1).replace("&amp;", "&")
    assert "after=" in following and "before=" in back
    assert task_links(pia.get(back).get_data(as_text=True)) == task_links(first)
    assert not set(task_links(first)) & set(task_links(second))
    assert len(task_links(first)) == len(task_links(second)) == 25


def mark_approvals(engine, every: int = 3) -> None:
    """Every ``every``-th task becomes a decision (an approval task), its inbox rows saying so
    as ``indexing.index_candidates`` writes them."""
    with engine.db.unit_of_work() as session:
        session.execute(update(HumanTask).where(HumanTask.id % every == 0).values(approval="plan"))
        session.execute(
            update(TaskCandidate)
            .where(TaskCandidate.human_task_id % every == 0)
            .values(approval=True)
        )


def test_approvals_page_through_every_decision_held_or_offered_and_nothing_else(engine):
    seed(engine, 300)
    mark_approvals(engine)
    decisions = [task_id for page in every_page(engine, MANAGER, APPROVALS) for task_id in page]
    with engine.db.reading() as session:
        everything = inbox(session, MANAGER, "all", now=NOW, per_page=1000).tasks
    expected = [task.id for task in everything if task.approval is not None]
    assert len(expected) > 7 * 3  # several pages: nothing is cut off at a page
    assert decisions == expected


def test_the_approvals_page_links_the_next_page_and_a_refused_decision_stays_on_its_page(app, web):
    from webapp import engine_of

    engine = engine_of(app)
    engine.create_user(username="meg", password=DEMO_PASSWORD, display_name="Meg Manager",
                       agency=AGENCY, roles=["manager"], team="east")  # fmt: skip
    seed(engine, 300, first=10_000)
    mark_approvals(engine)
    meg = web("meg")
    first = meg.get("/approvals").get_data(as_text=True)
    following = re.search(r'href="([^"]+)"\s+rel="next"', first).group(1).replace("&amp;", "&")
    second = meg.get(following).get_data(as_text=True)
    decided_first = re.findall(r'action="/approvals/(\d+)[?"]', first)
    decided_second = re.findall(r'action="/approvals/(\d+)[?"]', second)
    assert len(decided_first) == 25 and decided_second
    assert not set(decided_first) & set(decided_second)
    assert all(int(task_id) % 3 == 0 for task_id in decided_first + decided_second)
    # no reason given on page two: page two again, that card showing the error
    action = re.search(r'action="(/approvals/\d+\?[^"]+)"', second).group(1).replace("&amp;", "&")
    refused = meg.post(action, {"decision": "decline", "reason": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Enter the reason for your decision" in html
    assert f'href="#reason-{decided_second[0]}"' in html
    assert re.findall(r'action="/approvals/(\d+)[?"]', html) == decided_second


def task_links(html: str) -> list[str]:
    return re.findall(r'href="/tasks/(\d+)"', html)


# --- query plans ------------------------------------------------------------------------------


class Explain(Executable, ClauseElement):
    """``EXPLAIN`` of a statement, its parameters bound as the statement's own would be."""

    inherit_cache = False

    def __init__(self, statement, prefix: str):
        self.statement, self.prefix = statement, prefix


@compiles(Explain)
def _explain(element, compiler, **kw):
    return f"{element.prefix} {compiler.process(element.statement, **kw)}"


TABLES = ("human_task", "human_task_candidate")


def sqlite_problems(session, query, params, by_case: bool) -> list[str]:
    """Full scans of the task tables, sorts inside a source's range (anywhere but the top,
    where only the page's few rows are merged), and, filtered by case, candidates read from
    anything but the case's own range."""
    plan = session.execute(Explain(query, "EXPLAIN QUERY PLAN"), params).all()
    problems = []
    for _id, parent, _unused, detail in plan:
        words = detail.split()
        if words[0] == "SCAN" and words[1] in TABLES:
            problems.append(detail)
        if by_case and words[1] == "human_task_candidate" and "case_ref=?" not in detail:
            problems.append(f"not by case: {detail}")
        if detail.startswith("USE TEMP B-TREE FOR") and "ORDER BY" in detail and parent != 0:
            problems.append(f"sort below the top: {detail}")
    return problems


def postgres_problems(session, query, params, _by_case: bool) -> list[str]:
    """As on SQLite. On a test-sized table a sort or a full scan is cheapest, so both are
    priced out: what is left shows that an index serves each range's WHERE and order. (Which
    index serves a case's candidates is left to the statistics: a person's few candidates by
    name are as well read by name.)"""
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_sort = off"))
    [[plan]] = session.execute(Explain(query, "EXPLAIN (FORMAT JSON)"), params).all()
    if isinstance(plan, str):
        plan = json.loads(plan)
    problems: list[str] = []
    _walk(plan[0]["Plan"], problems, sorting=False)
    return problems


def _walk(node: dict, problems: list[str], sorting: bool) -> None:
    """A scan of a task table must use an index condition; a Sort above it must be cut off
    from it by a Limit (otherwise it sorts the whole range)."""
    kind, relation = node["Node Type"], node.get("Relation Name")
    if relation in TABLES:
        if kind == "Seq Scan" or (kind.startswith("Index") and "Index Cond" not in node):
            problems.append(f"{kind} on {relation} without an index condition")
        if sorting:
            problems.append(f"a sort over every row of the range read from {relation}")
    sorting = (sorting or kind in ("Sort", "Incremental Sort")) and kind != "Limit"
    for child in node.get("Plans", []):
        _walk(child, problems, sorting)


def test_the_approvals_tab_reads_the_indexes_of_approval_tasks_alone(engine):
    """Held and offered, approval tasks are read from partial indexes that hold nothing else,
    so the page reads as few rows however many other tasks the manager holds or is offered."""
    seed(engine, 300)
    mark_approvals(engine)
    dialect = engine.db.engine.dialect.name
    prefix = "EXPLAIN" if dialect == "postgresql" else "EXPLAIN QUERY PLAN"
    query = page_statement(shape_of(APPROVALS, MANAGER), False, None, 26, 0)
    with engine.db.unit_of_work() as session:
        if dialect == "postgresql":
            session.execute(text("ANALYZE"))
            session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = session.execute(Explain(query, prefix), values_of(MANAGER, NOW)).all()
    read = "\n".join(str(row[-1]) for row in plan)
    assert "ix_human_task_approvals_held" in read and "ix_human_task_candidate_approvals" in read
    others = ("ix_human_task_status_assignee_due_at_id", "ix_human_task_candidate_kind_value")
    assert not any(name in read for name in others), read


@pytest.mark.parametrize("actor", [PRACTITIONER, MANAGER, CHAIR], ids=lambda a: a.user_id)
def test_every_tab_reads_index_ranges_only(engine, actor):
    seed(engine, 300)
    dialect = engine.db.engine.dialect.name
    if dialect == "postgresql":
        with engine.db.unit_of_work() as session:
            session.execute(text("ANALYZE"))
    problems_of = postgres_problems if dialect == "postgresql" else sqlite_problems
    keyed, unkeyed = Cursor(NOW - timedelta(hours=5), 150), Cursor(None, 150)  # 5h: overdue
    found = {}
    tabs = (*API_TABS, APPROVALS)
    for tab, filters in product(tabs, ({}, {"case_ref": "P-3", "process_key": "plans"})):
        shape = shape_of(tab, actor, **filters)
        values = values_of(actor, NOW, **filters)
        for cursor, backward in product((None, keyed, unkeyed), (False, True)):
            query = page_statement(shape, backward, where_is(cursor), 26, 0)
            if query is None:  # no range lies beyond the cursor (overdue: no due date)
                continue
            with engine.db.reading() as session:
                params = {**values, **cursor_params(cursor)}
                problems = problems_of(session, query, params, "case_ref" in filters)
            found[(tab, str(filters), cursor, backward)] = problems
    assert {key: problems for key, problems in found.items() if problems} == {}


def test_migration_0022_goes_down_one_step_and_up_again(tmp_path):
    database = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")

    def indexes() -> set[str]:
        inspector = inspect(database)
        return {
            index["name"]
            for table in ("human_task", "human_task_candidate")
            for index in inspector.get_indexes(table)
        }

    upgrade(database)
    assert {
        "ix_human_task_candidate_by_case",
        "ix_human_task_status_assignee_due_at_id",
    } <= indexes()
    command.downgrade(alembic_config(database), "0021")
    assert "ix_human_task_candidate_by_case" not in indexes()
    assert "ix_human_task_status_assignee_due_at" in indexes()
    upgrade(database)
    assert "ix_human_task_status_assignee_due_at_id" in indexes()
    database.dispose()


def test_migration_0024_marks_the_inbox_rows_of_approval_tasks(engine):
    """Down to 0023 (the column and indexes go) and up again: the inbox rows of the tasks
    that are approvals say so, from their tasks."""
    seed(engine, 30)
    with engine.db.unit_of_work() as session:
        session.execute(update(HumanTask).where(HumanTask.id % 3 == 0).values(approval="plan"))
    down_and_up(engine, "0023")
    with engine.db.reading() as session:
        rows = session.execute(select(TaskCandidate.human_task_id, TaskCandidate.approval)).all()
    assert rows and all(approval == (task_id % 3 == 0) for task_id, approval in rows)
