"""Periodic jobs for `rq cron` (one scheduler process in the Procfile)."""
from rq import cron

from core import periodic, sweeper

cron.register(sweeper.sweep, queue_name="periodic", interval=60, result_ttl=600,
              job_timeout=300)
cron.register(periodic.heartbeat, queue_name="periodic", interval=60, result_ttl=600)
