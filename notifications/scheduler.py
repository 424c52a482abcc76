"""The background jobs, run by APScheduler: fire timers, deliver the outbox, remind, digest,
purge by the retention policy.

Every job reads indexed tables and is safe to run on several nodes at once, so a deployment
can run ``joinedup scheduler`` next to any number of web workers. ``joinedup serve`` starts the
same jobs inside its own single process; ``create_app`` never does, so web workers under
gunicorn do not each start a scheduler unknowingly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.reminders import send_reminders

from .delivery import DRAIN_SECONDS, Delivery
from .digests import send_digests
from .mail import Mailer
from .settings import SmtpSettings

log = logging.getLogger(__name__)
# fire_timers and deliver each run for up to DRAIN_SECONDS every 5 s: about continuously while
# work is due, and a timer fires within seconds of its time
INTERVALS = {"fire_timers": 5, "deliver": 5, "remind": 300}
TIMER_BATCH = 200  # instances a sweep takes at once; another sweep follows while time remains
DIGEST_HOUR = 7
PURGE_HOUR = 2  # nightly, before the working day


class BackgroundJobs:
    """The jobs, bound to one engine and one mail server."""

    def __init__(self, engine, settings: SmtpSettings | None = None, mailer: Mailer | None = None):
        self.engine = engine
        self.settings = settings or SmtpSettings.from_env()
        self.delivery = Delivery(
            engine.db, engine.clock, mailer or Mailer(self.settings), self.settings
        )

    def fire_timers(self, seconds: float = DRAIN_SECONDS, batch: int = TIMER_BATCH) -> int:
        """Fire due timers sweep after sweep while they come due, for one time slice (as
        delivery drains the outbox), so a burst is not held to one sweep per interval."""
        fired = 0
        deadline = time.monotonic() + seconds
        while True:
            started = time.monotonic()
            fired_now = self.engine.fire_due_timers(limit=batch)
            fired += fired_now
            # stop when nothing fired (none due, or only ones waiting to be tried again) or
            # before another sweep would overrun the slice
            if not fired_now or time.monotonic() + (time.monotonic() - started) > deadline:
                return fired

    def deliver(self):
        """Deliver while rows are due, for one time slice (a backlog drains run after run)."""
        return self.delivery.drain()

    def remind(self) -> dict:
        return send_reminders(self.engine.db, self.engine.clock, self.engine.calendar)

    def digest(self) -> int:
        return send_digests(self.delivery)

    def purge(self):
        """Purge what the retention policy says is due (engine.retention)."""
        return self.engine.purge()

    def run_once(self) -> dict:
        """Every job once, in order (what a catch-up after a restart does)."""
        return {
            "timers": self.fire_timers(),
            "reminders": self.remind(),
            "delivery": self.deliver(),
        }


def logged(job: Callable) -> Callable:
    """A job whose failure is logged and retried next time, never fatal to the scheduler."""

    def run():
        try:
            return job()
        except Exception:  # one failing run must not stop the others
            log.exception("background job %s failed", job.__name__)
            return None

    run.__name__ = job.__name__
    return run


def build_scheduler(jobs: BackgroundJobs, blocking: bool = False) -> BaseScheduler:
    """A scheduler with every job; jobs that fell due while stopped run once on start."""
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(
        timezone="Europe/London",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600},
    )
    for name, seconds in INTERVALS.items():
        scheduler.add_job(
            logged(getattr(jobs, name)),
            "interval",
            seconds=seconds,
            id=name,
            next_run_time=jobs.engine.clock.now(),
        )
    scheduler.add_job(logged(jobs.digest), "cron", hour=DIGEST_HOUR, id="digest")
    scheduler.add_job(logged(jobs.purge), "cron", hour=PURGE_HOUR, id="purge")
    return scheduler
