"""The Flask application: ``create_app`` builds it from configuration (flaskr's pattern)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from engine.config import retention_policy, web_settings, working_day_calendar
from engine.db import Base, Database, engine_settings, owner_only_sqlite_file
from engine.errors import SettingError
from engine.schema import upgrade
from engine.service import Engine
from engine.signin.throttle import Limit, SignInLimits

from . import secret_key

db = SQLAlchemy(metadata=Base.metadata)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config from ``JOINEDUP_*``/``DATABASE_URL``, engine bound to one pool."""
    app = Flask(__name__)
    from .params import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.from_mapping(web_settings())
    if test_config:
        app.config.from_mapping(test_config)
    secret_key.configure(app)
    # Flask-SQLAlchemy's engine opened as the CLI's and the scheduler's (engine.db.make_engine):
    # the same URL and options, then WAL, busy timeout and BEGIN IMMEDIATE on SQLite
    url, options = engine_settings(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options)
    owner_only_sqlite_file(url)
    db.init_app(app)
    with app.app_context():
        database = Database(db.engine)  # configures SQLite before the first connection
        if app.config["JOINEDUP_AUTO_MIGRATE"]:
            upgrade(database.engine)
        engine = Engine(
            database,
            clock=app.config.get("JOINEDUP_CLOCK"),
            calendar=working_day_calendar(app.config["JOINEDUP_END_OF_DAY"]),
            job_retries=app.config["JOINEDUP_JOB_RETRIES"],
        )
        engine.signin_limits = signin_limits(app)
        engine.audit_looks = bool(app.config["JOINEDUP_AUDIT_LOOKS"])
        engine.break_glass_minutes = break_glass_minutes(app)
        engine.retention_policy = app.config.get("JOINEDUP_RETENTION") or retention_policy()
        app.extensions["joinedup.engine"] = engine
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(Path(__file__).parent / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    from . import (
        admin,
        api,
        api_break_glass,  # noqa: F401 - adds its routes to api.bp before it is registered
        api_cases,  # noqa: F401 - likewise
        api_involvement,  # noqa: F401 - likewise
        api_people,  # noqa: F401 - likewise
        api_retention,  # noqa: F401 - likewise
        assets,
        assurance,
        auth,
        break_glass,
        case_family,  # noqa: F401 - adds its routes to cases.bp before it is registered
        case_records,  # noqa: F401 - likewise
        cases,
        cockpit_links,
        engine_rest,
        errors,
        health,
        inbox,
        incidents,
        instances,
        notifications_pages,
        password_reset,
        people_admin,
        retention,
        security,
        tasks,
        teams_admin,  # noqa: F401 - adds its routes to people_admin.bp before it is registered
        views,
    )

    for extension in (security, auth, errors, views, notifications_pages):
        extension.init_app(app)
    blueprints = (
        assets.bp,
        engine_rest.bp,
        cockpit_links.bp,
        auth.bp,
        health.bp,
        inbox.bp,
        tasks.bp,
        cases.bp,
        break_glass.bp,
        assurance.bp,
        instances.bp,
        api.bp,
        admin.bp,
        incidents.bp,
        people_admin.bp,
        password_reset.bp,
        notifications_pages.bp,
        retention.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    trust_proxy(app)
    return app


def trust_proxy(app: Flask) -> None:
    """Believe ``X-Forwarded-*`` from ``JOINEDUP_PROXY_HOPS`` reverse proxies (0: believe none)."""
    hops = app.config["JOINEDUP_PROXY_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def signin_limits(app: Flask) -> SignInLimits:
    """Failed sign-ins allowed per account and per address (``"5 per 15 minutes"``)."""
    return SignInLimits(
        account=Limit.parse(app.config["SIGNIN_ACCOUNT_LIMIT"]),
        address=Limit.parse(app.config["SIGNIN_ADDRESS_LIMIT"]),
    )


def break_glass_minutes(app: Flask) -> int:
    """How long a break-glass window stays open: 1 minute to 24 hours."""
    minutes = int(app.config["JOINEDUP_BREAK_GLASS_MINUTES"])
    if not 1 <= minutes <= 24 * 60:
        raise SettingError(
            f"JOINEDUP_BREAK_GLASS_MINUTES is {minutes}: set it to between 1 and 1440 minutes"
        )
    return minutes


def engine_of(app: Flask) -> Engine:
    """The engine service this app talks to."""
    return app.extensions["joinedup.engine"]
