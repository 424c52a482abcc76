"""The start page and health check, through Flask's test client."""

import pytest

from engine.actors import Actor
from webapp import create_app, engine_of

from .helpers import WORKFLOWS


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    yield app
    with app.app_context():
        from webapp import db

        db.engine.dispose()


def test_home_lists_deployed_processes_with_running_counts(app):
    engine = engine_of(app)
    engine.deploy_path(WORKFLOWS, deployed_by="owner")
    engine.start("information-request", actor=Actor.of("alice", "practitioner"))
    page = app.test_client().get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Request information from another agency" in html
    assert "1 running processes" in html
    assert app.test_client().get("/healthz").get_json() == {
        "open_tasks": 1,
        "running_instances": 1,
        "waiting_timers": 0,
    }


def test_home_says_what_to_do_when_nothing_is_deployed(app):
    assert "Run <code>joinedup deploy</code>" in app.test_client().get("/").get_data(as_text=True)
