"""Failed work an owner can fix, as Camunda 7's incidents.

Background work (an instance's timers, a signal delivered to it, a timer or signal start) is
retried with back-off when it fails; once it has failed ``JOB_RETRIES`` times (configurable:
``JOINEDUP_JOB_RETRIES``) an ``incident`` row is opened with the error, element, line and
attempts, the instance's status becomes ``error`` (it shows as failed in the counts and stops
being swept) and the process's owners are emailed. An owner retries the job (one engine step:
resolved on success, the new error kept on failure) or cancels the instance with a reason.
"""
