"""The Flask application: ``create_app`` builds it from configuration (flaskr's pattern)."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from engine.cli import database_url
from engine.db import Base, Database, normalise_url
from engine.schema import upgrade
from engine.service import Engine

db = SQLAlchemy(metadata=Base.metadata)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config from ``JOINEDUP_*``/``DATABASE_URL``, engine bound to one pool."""
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("JOINEDUP_SECRET_KEY", "dev-only-change-me"),
        SQLALCHEMY_DATABASE_URI=normalise_url(database_url()),
        JOINEDUP_AUTO_MIGRATE=os.environ.get("JOINEDUP_AUTO_MIGRATE", "1") == "1",
    )
    if test_config:
        app.config.from_mapping(test_config)
    db.init_app(app)
    with app.app_context():
        if app.config["JOINEDUP_AUTO_MIGRATE"]:
            upgrade(db.engine)
        app.extensions["joinedup.engine"] = Engine(Database(db.engine))

    from . import home

    app.register_blueprint(home.bp)
    return app


def engine_of(app: Flask) -> Engine:
    """The engine service this app talks to."""
    return app.extensions["joinedup.engine"]
