"""Periodic jobs for `rq cron` (one scheduler process in the Procfile). This file composes
jobs from several packages, like server.py composes blueprints."""
from rq import cron

from core import periodic, sweeper
from push import campaign_job

cron.register(sweeper.sweep, queue_name="periodic", interval=60, result_ttl=600,
              job_timeout=300)
cron.register(campaign_job.resume_stalled, queue_name="periodic", interval=60,
              result_ttl=600, job_timeout=120)
cron.register(periodic.heartbeat, queue_name="periodic", interval=60, result_ttl=600)
