"""Words, not codes: the pages each demo person reads name people, agencies, teams and answers
in words (the process's own form labels), rows say what they are about, deadlines read in
working days and a step says what happens next (issue 19 items 1-3).

The demo (engine.demo) is walked as its people would: pat raises a difference with children's
social care about Ruby, the practitioners disagree at stage 1, the senior managers (sue, sen)
reach a joint decision that sen must confirm on Approvals; mo starts a pre-birth assessment.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import inspect

from engine.agencies import AGENCIES
from engine.db import make_engine
from engine.demo import DEMO_CASE, DEMO_PASSWORD, PEOPLE
from engine.models import ProcessInstance
from engine.schema import alembic_config, upgrade
from engine.wording import Words, priority_word
from webapp import engine_of

from .test_professional_differences import (
    DESCRIBE,
    DIFFERENCE,
    S1_OTHER,
    S1_RAISER,
    S2_AGREE,
    S2_DECISION,
    S2_OTHER,
    S2_RAISER,
)

# what pat types is pat's own: keep the codes we look for out of it
RAISED = {**DIFFERENCE, "concern": "Children's social care say Ruby needs no assessment."}
PD_SUBJECT = "Difference with Children's social care about Ruby Taylor"
# codes the demo stores that nobody should have to read
# (its label, "A threshold decision", may of course say "threshold")
RAW_CODES = ["threshold(?! decision)", "False", "True", "share_proportionately"]
RAW_CODES += ["child-protection-conference", "subject_kind", "concern_type"]
# agency codes that are not also ordinary words ("health", "police")
AGENCY_CODES = [code for code in AGENCIES if "-" in code]
# usernames that are not also ordinary words on these pages
USERNAMES = [p[0] for p in PEOPLE if p[0] not in ("chair", "owner", "admin")]
WALKERS = ("pat", "sam", "cal", "sue", "sen", "hos", "chair", "mo")


def page_text(response) -> str:
    """What a person reads: the page without its tags, scripts and attribute values."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def codes_in(text: str) -> list[str]:
    """The raw codes and usernames found as whole words in ``text``."""
    words = [*RAW_CODES, *map(re.escape, AGENCY_CODES + USERNAMES)]
    return sorted({w for w in words if re.search(rf"(?<![\w'-]){w}(?![\w-])", text)})


def context(text: str, codes: list[str]) -> list[str]:
    """Where each code stands in the page, for a failure's message."""
    return [
        m
        for code in codes
        for m in re.findall(rf".{{0,80}}(?<![\w'-]){code}(?![\w-]).{{0,40}}", text)
    ]


def act(app, username: str, name: str, **data) -> None:
    engine = engine_of(app)
    person = engine.authenticate(username, DEMO_PASSWORD).actor()
    [task] = [t for t in engine.tasks_for_user(person) if t.name == name]
    engine.complete(task.id, data, person)


def walk_the_difference(app) -> None:
    """pat raises it; stage 1 does not resolve it; the senior managers decide at stage 2."""
    act(app, "pat", DESCRIBE, **RAISED)
    act(
        app,
        "pat",
        S1_RAISER,
        s1_raiser_position="Mother's relapse raises the risk to Ruby",
        s1_raiser_resolved="no",
        s1_raiser_actions="Joint visit on Thursday",
        s1_raiser_immediate_risk="no",
    )
    act(
        app,
        "sam",
        S1_OTHER,
        s1_other_position="Needs are met by early help",
        s1_other_resolved="no",
        s1_other_immediate_risk="no",
    )
    act(
        app, "sue", S2_RAISER, s2_raiser_position="Assessment needed", s2_raiser_immediate_risk="no"
    )
    act(
        app, "sen", S2_OTHER, s2_other_position="Early help is enough", s2_other_immediate_risk="no"
    )
    act(
        app,
        "sue",
        S2_DECISION,
        s2_resolved="yes",
        s2_decision="Assessment starts; early help continues",
        s2_actions="Social worker allocated by Friday",
    )


def pages_of(client) -> dict[str, str]:
    """The inbox tabs, Approvals, notifications, the demo case and every task and instance
    linked from them."""
    pages, links = {}, set()
    tabs = ("/inbox", "/inbox?tab=team", "/inbox?tab=completed", "/approvals", "/notifications")
    for url in (*tabs, "/cases/"):
        response = client.get(url + (DEMO_CASE if url == "/cases/" else ""))
        if response.status_code == 200:
            pages[url] = page_text(response)
            body = response.get_data(as_text=True)
            links |= set(re.findall(r'href="(/(?:tasks|instances)/\d+)"', body))
    for link in sorted(links):
        response = client.get(link)
        if response.status_code == 200:
            pages[link] = page_text(response)
    return pages


# --- the words themselves ----------------------------------------------------------------


def test_group_ids_read_as_the_people_they_are():
    words = Words()
    assert words.group("adult-mental-health:manager") == "Adult mental health managers"
    assert words.group("childrens-social-care:senior-manager") == (
        "Children's social care senior managers"
    )
    assert words.group("childrens-social-care:head-of-service") == (
        "Children's social care Heads of Service"
    )
    assert words.group("board-chair") == "Safeguarding partnership chair"
    assert words.group("team:amh-north") == "Amh north team"
    assert Words(teams={"amh-north": "AMH North"}).group("team:amh-north") == "AMH North"


def test_answers_read_as_words_whatever_their_type():
    words = Words(people={"sam": "Sam Social Worker"})
    assert [words.value("x", v) for v in (True, False, None, "")] == [
        "Yes",
        "No",
        "Not recorded",
        "Not recorded",
    ]
    assert words.value("other_agency", "childrens-social-care") == "Children's social care"
    assert words.value("other_practitioner", "sam") == "Sam Social Worker"
    assert words.value("due", "2027-04-15") == "15 April 2027"
    assert words.value("on", date(2027, 4, 15)) == "15 April 2027"
    assert words.value("at", datetime.fromisoformat("2027-06-30T08:00:00+00:00")) == (
        "30 June 2027, 09:00"  # UK summer time
    )
    assert words.value("decision", "share_proportionately") == "Share proportionately"
    assert words.value("escalated_to", ["childrens-social-care:manager", "team:csc-east"]) == (
        "Children's social care managers, Csc east team"
    )
    assert words.value("concern", "Stays as typed: sam's view") == "Stays as typed: sam's view"


def test_a_team_queue_reads_as_the_team_s_name_from_the_team_table(app):
    words = engine_of(app).words_for()
    assert words.group("team:csc-east") == "Children's social care east"
    assert words.holders(None, ["team:mash"], ["pat"]) == (
        "Multi-agency safeguarding hub (MASH) or Pat Practitioner"
    )


def test_priority_reads_high_normal_or_low_as_camunda_numbers_it():
    assert [priority_word(p) for p in (80, 51, 50, None, 49, 0)] == [
        "High",
        "High",
        "Normal",
        "Normal",
        "Low",
        "Low",
    ]


# --- subjects -------------------------------------------------------------------------------


def test_a_process_names_its_subject_once_it_knows_it(app):
    engine = engine_of(app)
    with engine.db.reading() as session:
        [instance] = session.query(ProcessInstance).all()
        assert instance.summary is None  # nothing described yet: no subject to name
    act(app, "pat", DESCRIBE, **RAISED)
    with engine.db.reading() as session:
        assert session.get(ProcessInstance, instance.id).summary == PD_SUBJECT


def test_rows_say_what_they_are_about(app, web):
    walk_the_difference(app)
    sam = web("sam")
    case = page_text(sam.get(f"/cases/{DEMO_CASE}"))
    assert f"Professional differences (escalation) : {PD_SUBJECT}" in case
    sen = page_text(web("sen").get("/approvals"))
    assert S2_AGREE in sen
    assert "Difference between Adult mental health and Children's social care" in sen


def test_a_started_process_tells_its_subject_and_next_step_on_the_page(app, web):
    mo = web("mo")
    baby = re.search(r'name="subject" value="(\d+)"', mo.get(f"/cases/{DEMO_CASE}").text)
    data = {"subject": baby.group(1)} if baby else {}
    response = mo.post(
        f"/cases/{DEMO_CASE}/start/pre-birth-assessment", data, follow_redirects=True
    )
    text = page_text(response)
    assert "Pre-birth assessment for Baby Taylor" in text
    assert "Next: Record the consent position before sharing information — with Mo Midwife" in (
        text
    )
    assert "It is in your inbox." in text
    assert codes_in(text) == [], re.findall(r".{200}childrens-social-care.{100}", text)
    inbox = page_text(mo.get("/inbox"))
    # the consent task of the called process keeps its own subject, in words
    assert "to Children's social care: may it be shared?" in inbox


def test_completing_a_task_says_what_happens_next_and_who_has_it(app, web):
    act(app, "pat", DESCRIBE, **RAISED)
    pat = web("pat")
    task_id = pat.task_id(S1_RAISER)
    response = pat.post(
        f"/tasks/{task_id}",
        {
            "version": pat.version_of(task_id),
            "s1_raiser_position": "Mother's relapse raises the risk to Ruby",
            "s1_raiser_resolved": "no",
            "s1_raiser_actions": "Joint visit on Thursday",
            "s1_raiser_immediate_risk": "no",
        },
        follow_redirects=True,
    )
    text = page_text(response)
    assert f"'{S1_RAISER}' is complete." in text
    assert re.search(
        rf"Next: {re.escape(S1_OTHER)} — with Sam Social Worker, due \w{{3}} \d+ \w{{3}} "
        r"\(\d+ working days?\)\.",
        text,
    ), text
    assert codes_in(text) == []


# --- deadlines ------------------------------------------------------------------------------


def test_deadlines_read_in_working_days_at_the_end_of_the_working_day(app, web):
    text = page_text(web("pat").get("/inbox"))
    # the demo's difference is to be described within 2 working days, by 17:00 UK time
    assert "due Wed 25 Nov (2 working days)" in text
    assert "17:00" not in text  # the end of the working day goes without saying
    assert re.search(r"\b(High|Normal|Low)\b", text)  # priority in words, not a number


# --- the demo, as each person sees it ------------------------------------------------------


@pytest.mark.parametrize("username", WALKERS)
def test_no_raw_code_or_username_on_the_pages_each_demo_person_reads(app, web, username):
    walk_the_difference(app)
    pages = pages_of(web(username))
    assert any(url.startswith("/inbox") for url in pages)
    found = {url: codes_in(text) for url, text in pages.items() if codes_in(text)}
    assert found == {}, {url: context(pages[url], found[url]) for url in found}


def test_the_case_timeline_gives_answers_with_the_process_owners_labels(app, web):
    walk_the_difference(app)
    text = page_text(web("sam").get(f"/cases/{DEMO_CASE}"))
    assert "What is the difference about? A threshold decision" in text
    assert "The agency you disagree with: Children's social care" in text
    assert "Is the child or adult at immediate risk of significant harm? No" in text
    assert "– Pat Practitioner" in text


def test_a_practitioner_reads_the_answers_in_words_not_the_variables_table(app, web):
    walk_the_difference(app)
    engine = engine_of(app)
    with engine.db.reading() as session:
        [instance] = session.query(ProcessInstance).all()
    text = page_text(web("sam").get(f"/instances/{instance.id}"))
    assert "Variables" not in text  # the raw table is for process owners and administrators
    assert "What is the difference about? A threshold decision" in text
    assert f"Professional differences (escalation) {PD_SUBJECT}" in text
    assert "with Children's social care senior managers" in text


def test_migration_0020_goes_down_one_step_and_up_again(tmp_path):
    database = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
    upgrade(database)
    columns = {c["name"] for c in inspect(database).get_columns("process_instance")}
    assert "summary" in columns
    command.downgrade(alembic_config(database), "0019")
    columns = {c["name"] for c in inspect(database).get_columns("process_instance")}
    assert "summary" not in columns
    upgrade(database)
    columns = {c["name"] for c in inspect(database).get_columns("process_instance")}
    assert "summary" in columns
    database.dispose()


def test_answers_on_a_camunda_form_read_with_that_forms_labels(engine, scenario):
    from .test_camunda_forms import VALID, deploy_with_form

    deploy_with_form(engine)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("concern")
    engine.complete(pat.task("Describe the concern").id, {**VALID, "urgency": "soon"}, pat.actor)
    words = engine.words_for([ref.id])
    assert words.field("agency", ref.id) == "Referrer's agency"  # not 'Agency'
    assert words.value("urgency", "soon", ref.id) == "Within 3 working days"
    assert words.value("risks", ["domestic_abuse", "substance_misuse"], ref.id) == (
        "Domestic abuse, Parental substance misuse"
    )


def test_the_api_gives_a_process_its_subject(app, api):
    act(app, "pat", DESCRIBE, **RAISED)
    engine = engine_of(app)
    with engine.db.reading() as session:
        [instance] = session.query(ProcessInstance).all()
    body = api("GET", f"/api/v1/instances/{instance.id}", "pat").get_json()
    assert body["summary"] == PD_SUBJECT


READ_ONLY_FIELDS = """
<camunda:formField id="raised_with" label="Raised with" type="string" defaultValue="childrens-social-care">
  <camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
<camunda:formField id="urgent_reply" label="Urgent" type="boolean" defaultValue="true">
  <camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
<camunda:formField id="route" label="Route" type="enum" defaultValue="threshold">
  <camunda:value id="threshold" name="Threshold decision"/><camunda:value id="referral" name="A referral"/>
  <camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
<camunda:formField id="raised_by" type="string" defaultValue="pat">
  <camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
"""


def test_read_only_answers_on_a_form_read_as_words(app, web):
    from .helpers import bpmn, flow, resource, user_task

    diagram = bpmn(
        "readout",
        '<bpmn:startEvent id="start"/>'
        + user_task(
            "look",
            "Look at the answers",
            'camunda:candidateGroups="practitioner"',
            READ_ONLY_FIELDS,
        )  # fmt: skip
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "look")
        + flow("look", "end"),
    ).replace(
        'isExecutable="true"', 'isExecutable="true" camunda:candidateStarterGroups="practitioner"'
    )
    engine_of(app).deploy([resource("readout.bpmn", diagram)])
    pat = web("pat")
    pat.post(f"/cases/{DEMO_CASE}/start/readout")
    page = pat.get(f"/tasks/{pat.task_id('Look at the answers', tab='team')}").get_data(
        as_text=True
    )
    for words in ("Children&#39;s social care", "Yes", "Threshold decision", "Pat Practitioner",
                  "Raised by"):  # fmt: skip
        assert words in page, words
    for code in ("childrens-social-care", ">True<", ">threshold<", ">pat<", ">raised_by<"):
        assert code not in page, code
