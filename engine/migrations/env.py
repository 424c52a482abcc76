"""Alembic environment: the engine comes from ``engine.schema`` (config attributes)."""

from alembic import context

from engine import (  # noqa: F401
    accounts,
    cases,
    models,  # noqa: F401 - registers the tables on Base.metadata
)
from engine.access_audit import models as access_audit_models  # noqa: F401
from engine.assurance import models as assurance_models  # noqa: F401
from engine.break_glass import models as break_glass_models  # noqa: F401
from engine.db import Base
from engine.events import event_tables  # noqa: F401
from engine.incidents import models as incident_models  # noqa: F401
from engine.involvement import models as involvement_models  # noqa: F401
from engine.ownership import models as ownership_models  # noqa: F401
from engine.people import models as people_models  # noqa: F401
from engine.retention import models as retention_models  # noqa: F401
from engine.signin import sessions, throttle  # noqa: F401
from notifications import models as notification_models  # noqa: F401

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    # A batch migration on SQLite copies a table and drops the old one, which others refer to:
    # SQLite's procedure for that turns foreign keys off outside any transaction (the copy keeps
    # every row as it was). Connections are opened with foreign keys on: they go back on after.
    driver = connection.connection.driver_connection if sqlite else None
    if sqlite:
        driver.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        if sqlite:
            if connection.in_transaction():
                connection.rollback()  # a failed migration: the pragma needs no transaction open
            driver.execute("PRAGMA foreign_keys=ON")
