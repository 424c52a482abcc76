"""An outbox row whose email did not go: tried again with back-off, or failed for good after
``MAX_ATTEMPTS`` (its secret forgotten), and counted in the run's report either way.

Whatever stopped the email (the server refusing it, a row the template cannot render, an
address the email library refuses, a lease that ran out because its sender died), the row is
never tried more than ``MAX_ATTEMPTS`` times; only a failed SMTP session holds up the rest of
a batch (released with it, for a later retry).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from engine.db import Database
from engine.sweep import backoff

from .mail import forget_secret
from .models import FAILED, PENDING, OutboxNotification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    expanded: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    digested: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def error_text(error: BaseException) -> str:
    """``"<ExceptionType>: message"``, as short as the row's ``last_error`` column."""
    return f"{type(error).__name__}: {error}"[:1000]


def give_up(row: OutboxNotification, why: str, report: DeliveryReport) -> None:
    """The row will never be sent: failed, with why, and its secret (a reset link) dropped."""
    row.status, row.last_error = FAILED, why[:1000]
    forget_secret(row)
    log.error("notification %s failed for good: %s", row.id, row.last_error)
    report.failed += 1


def lease_ran_out(row: OutboxNotification, report: DeliveryReport) -> None:
    """At claim, a row that has had all its attempts and whose last lease ran out (its sender
    died or hung before marking it): failed now, instead of being sent again forever."""
    why = f"lease ran out without the send completing (attempt {row.attempts} of {MAX_ATTEMPTS})"
    report.errors.append(f"notification {row.id}: {why}")
    give_up(row, why, report)


def release(
    db: Database, clock, row_ids: list[int], error: BaseException, report: DeliveryReport
) -> None:
    """Rows whose email did not go: due again after a back-off, or failed once they have had
    ``MAX_ATTEMPTS``; ``last_error`` says why."""
    log.warning("notification delivery failed: %s", error_text(error))
    report.errors.append(error_text(error))
    with db.unit_of_work() as session:
        for row in session.scalars(
            select(OutboxNotification).where(OutboxNotification.id.in_(row_ids))
        ):
            if row.attempts >= MAX_ATTEMPTS:
                give_up(row, error_text(error), report)
            else:
                row.status, row.last_error = PENDING, error_text(error)
                row.next_attempt_at = clock.now() + backoff(row.attempts)
                report.retried += 1
