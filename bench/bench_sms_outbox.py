"""SMS throughput: outbox -> one RQ worker -> Twilio fake, against a bare loop of the `twilio`
client on the same fake, in the same run.

Targets: one worker sends >= 0.6x the bare loop's rate; worker peak RSS < 200 MB.

Stages (one instance folder, one fake, one run):
1. bare: one process calling `client.messages.create` sequentially, N/2 before and N/2 after
   stages 2-3, so that load drift on a shared machine hits both sides alike;
2. outbox writes: N `core.outbox.send_sms` calls (row + commit + enqueue each), timed;
3. one real `rq worker --burst sms` (the Procfile's command) draining the queue: SimpleWorker
   (N), then on fewer messages the default forking Worker, and the forking Worker with the
   job's code imported and the ORM mappers configured before the fork (the most a preload
   in the worker's settings module could save);
4. a cProfile'd SimpleWorker run (imports done first), to say where a message's time goes;
5. bare vs workers again with 50 ms of fake latency per request (real Twilio: ~100-300 ms).

Both client sides (bare loop, worker) run in their own process while the fake serves from
this one, so neither shares a GIL with the server. The fake (werkzeug) answers
`Connection: close`, so both sides open a TCP connection per message alike.

Env: BENCH_SMS (default 10000), BENCH_SMS_FORK (forking Worker as in the Procfile, default
20: it manages about one message a second), BENCH_SMS_PRELOAD (default 60),
BENCH_SMS_PROFILE (default 500), BENCH_SMS_LATENCY (default 500),
BENCH_DATABASE_URL / BENCH_REDIS_URL (default: SQLite + embedded Redis in a temp folder),
BENCH_KEEP=1 to keep that folder (worker.log, worker.prof).
"""
from __future__ import annotations

import contextlib
import math
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import REPO, VENV_BIN, cleanup, summary
from tests.fakes.twilio_fake import TwilioFake

N = int(os.environ.get("BENCH_SMS", "10000"))
N_FORK = min(N, int(os.environ.get("BENCH_SMS_FORK", "20")))
N_PRELOAD = min(N, int(os.environ.get("BENCH_SMS_PRELOAD", "60")))
N_PROFILE = min(N, int(os.environ.get("BENCH_SMS_PROFILE", "500")))
N_LATENCY = int(os.environ.get("BENCH_SMS_LATENCY", "500"))
LATENCY_S = 0.05
TARGET_RATIO = 0.6
TARGET_RSS_MB = 200.0
TWILIO_MPS = "100000"  # far above any rate reached here: the limiter is consulted, never waits
SENDER = "+97450000000"
PUBLIC_BASE_URL = "https://bawaba.bench"
CALLBACK = PUBLIC_BASE_URL + "/sms/twilio/status"
# The Procfile's worker command, narrowed to the sms queue, in burst mode.
WORKER_ARGS = ["worker", "-c", "core.rq_settings", "--serializer",
               "rq.serializers.JSONSerializer", "--path", ".", "--burst", "sms"]
SIMPLE, FORKING = "rq.worker.SimpleWorker", "rq.worker.Worker"
# The rq CLI after importing what each horse would otherwise import or build again: the job's
# module, the twilio resource it uses (twilio imports it lazily) and the configured mappers.
PRELOAD = ("import sys, sms_gateway.sender, twilio.rest.api.v2010.account.message, "
           "sqlalchemy.orm; sqlalchemy.orm.configure_mappers(); from rq.cli import main; ")
PRELOADED_RQ = PRELOAD + "sys.exit(main())"
# Profiled after the same imports, so one-off import time does not pose as per-message cost.
PROFILED_RQ = PRELOAD + "import cProfile; cProfile.run('main()', sys.argv.pop(1))"


def recipient(i: int) -> str:
    return f"+97455{i % 1_000_000:06d}"  # valid Qatari mobiles (normalize_mobile accepts them)


def body(i: int) -> str:
    # Arabic, hence UCS-2, one segment: the common case of a transactional SMS.
    return f"تم استلام طلبك رقم {i}. بوابة قطر"


# ---------------------------------------------------------------------------- environment
def bench_env(instance: Path, fake: TwilioFake) -> dict[str, str]:
    env = {"BAWABA_INSTANCE_DIR": str(instance), "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
           "TWILIO_ACCOUNT_SID": fake.account_sid, "TWILIO_AUTH_TOKEN": fake.auth_token,
           "TWILIO_FROM": SENDER, "TWILIO_API_BASE": fake.url, "TWILIO_MPS": TWILIO_MPS}
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def backend_label() -> str:
    from core.config import get_settings

    settings = get_settings()
    db = settings.database_url.split("://")[0].split("+")[0]
    redis = f"Redis {settings.redis_url}" if settings.redis_url else "embedded Redis"
    return f"{db} + {redis}"


def prepare(env: dict[str, str]) -> None:
    """Apply the bench settings to this process, migrate, and insist on an empty sms queue."""
    os.environ.update(env)
    from core import migrate

    migrate.upgrade()
    if queued():
        # A shared Redis with someone's jobs on it: we would measure (and send) theirs.
        raise SystemExit(f"the sms queue already holds {queued()} jobs; use an empty Redis db")


# ---------------------------------------------------------------------------- bare loop
def bare_loop(n: int) -> float:
    """Seconds for n sequential sends with the real client (runs in a child process)."""
    from sms_gateway.twilio_client import make_twilio_client

    client = make_twilio_client(os.environ["TWILIO_ACCOUNT_SID"],
                                os.environ["TWILIO_AUTH_TOKEN"],
                                api_base=os.environ["TWILIO_API_BASE"], timeout=10.0)
    started = time.perf_counter()
    for i in range(n):
        client.messages.create(to=recipient(i), from_=SENDER, body=body(i),
                               status_callback=CALLBACK)
    return time.perf_counter() - started


def reset_fake(fake: TwilioFake, latency: float) -> None:
    fake.reset()
    fake.latency = latency  # after reset(), which zeroes it


def measure_bare(env: dict[str, str], fake: TwilioFake, n: int, latency: float = 0.0) -> float:
    """Bare msgs/s, from a child process so the client does not share the fake's GIL."""
    reset_fake(fake, latency)
    out = subprocess.run([sys.executable, "-m", "bench.bench_sms_outbox", "--bare", str(n)],
                         cwd=REPO, env={**os.environ, **env}, check=True,
                         capture_output=True, text=True).stdout
    seconds = float(out.strip().splitlines()[-1])
    if len(fake.messages) != n:
        raise RuntimeError(f"bare loop: the fake got {len(fake.messages)} of {n}")
    return n / seconds


# ---------------------------------------------------------------------------- outbox
def write_outbox(n: int) -> float:
    """Seconds to write n SMS through the outbox, each in its own transaction + enqueue."""
    from core import outbox

    started = time.perf_counter()
    for i in range(n):
        outbox.send_sms(to=recipient(i), body=body(i), kind="transactional", language="ar")
    return time.perf_counter() - started


def queued() -> int:
    from core.queues import get_queue

    return get_queue("sms").count


def outbox_status_counts() -> dict[str, int]:
    from sqlalchemy import func, select

    from core.db import transaction
    from core.models.outbox import OutboxMessage

    with transaction() as session:
        rows = session.execute(select(OutboxMessage.status, func.count())
                               .group_by(OutboxMessage.status)).all()
    return {status: count for status, count in rows}


# ---------------------------------------------------------------------------- memory
def vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass  # it just exited
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


@dataclass
class RssSampler:
    """Peak RSS (VmHWM) of a worker and, separately, of the work horses it forks.

    A horse is a copy-on-write fork of the worker, so a sum would count the shared pages
    twice; the larger of the two is what is held against the target."""

    pid: int
    worker_kb: int = 0
    horse_kb: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def peak_mb(self) -> float:
        return max(self.worker_kb, self.horse_kb) / 1024

    def _run(self) -> None:
        # Every 5 ms: a horse lives for one job, so sample often enough to catch it.
        while not self._stop.wait(0.005):
            self.worker_kb = max(self.worker_kb, vm_hwm_kb(self.pid))
            for child in children(self.pid):
                self.horse_kb = max(self.horse_kb, vm_hwm_kb(child))


# ---------------------------------------------------------------------------- the worker
@dataclass(frozen=True)
class Variant:
    label: str
    worker_class: str
    preload: bool = False

    def argv(self, profile_to: Path | None = None) -> list[str]:
        args = [*WORKER_ARGS, "--worker-class", self.worker_class]
        if profile_to is not None:
            return [sys.executable, "-c", PROFILED_RQ, str(profile_to), *args]
        if self.preload:
            return [sys.executable, "-c", PRELOADED_RQ, *args]
        return [str(VENV_BIN / "rq"), *args]


SIMPLE_WORKER = Variant("SimpleWorker", SIMPLE)
FORKING_WORKER = Variant("Worker (forks per job)", FORKING)
PRELOADED_WORKER = Variant("Worker (forks), code preloaded", FORKING, preload=True)


@dataclass
class WorkerRun:
    variant: Variant
    n: int
    seconds: float  # worker start -> the fake holds all n messages
    startup: float  # worker start -> first message at the fake
    rss: RssSampler
    redis: dict[str, float]  # Redis commands etc. per message, during the run

    @property
    def rate(self) -> float:
        return self.n / self.seconds

    @property
    def steady_rate(self) -> float:
        return (self.n - 1) / max(self.seconds - self.startup, 1e-9)


def kill_worker(process: subprocess.Popen) -> None:
    """Our worker and its horse (which RQ puts in a process group of its own)."""
    for pid in [*children(process.pid), process.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def await_messages(fake: TwilioFake, process: subprocess.Popen, count: int,
                   deadline: float) -> None:
    """Until the fake holds `count` messages; fails fast if the worker exits short of it."""
    while True:
        try:
            fake.wait_for(count, 0.2)
            return
        except TimeoutError:
            if process.poll() is not None and len(fake.messages) < count:
                raise RuntimeError(f"worker exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise


def run_worker(env: dict[str, str], fake: TwilioFake, variant: Variant, n: int,
               latency: float = 0.0, profile_to: Path | None = None) -> WorkerRun:
    """Time one worker from its start until the fake has all n queued SMS."""
    if queued() != n:
        raise RuntimeError(f"expected {n} queued jobs, found {queued()}")
    reset_fake(fake, latency)
    redis_before = redis_stats()
    log_path = Path(env["BAWABA_INSTANCE_DIR"]) / "worker.log"
    with open(log_path, "ab") as log:
        started = time.perf_counter()
        process = subprocess.Popen(variant.argv(profile_to), cwd=REPO,
                                   env={**os.environ, **env}, stdout=log, stderr=log)
        rss = RssSampler(process.pid).start()
        try:
            # Generous (a forking worker manages about one a second), but a stuck one fails.
            deadline = time.monotonic() + 60 + n * (2.0 if variant.worker_class == FORKING
                                                   else 0.1)
            await_messages(fake, process, 1, deadline)
            startup = time.perf_counter() - started
            await_messages(fake, process, n, deadline)
            seconds = time.perf_counter() - started
            process.wait(timeout=60)  # burst mode: it exits once the queue is empty
        except (RuntimeError, TimeoutError, subprocess.TimeoutExpired) as exc:
            kill_worker(process)
            raise RuntimeError(f"{variant.label}: {exc}; the fake got {len(fake.messages)} "
                               f"of {n}; see {log_path}") from None
        finally:
            rss.stop()
    print(f"  {variant.label}, N={n}: {n / seconds:.1f} msg/s", flush=True)
    return WorkerRun(variant, n, seconds, startup, rss, redis_delta(redis_before, n))


def write_and_run(env: dict[str, str], fake: TwilioFake, variant: Variant, n: int,
                  latency: float = 0.0, profile_to: Path | None = None) -> WorkerRun:
    write_outbox(n)
    return run_worker(env, fake, variant, n, latency, profile_to)


# ---------------------------------------------------------------------------- Redis traffic
def redis_stats() -> dict[str, int]:
    """Commands and connections the Redis server has seen (shared Redis: others' included)."""
    from core.redis_conn import get_redis

    client = get_redis()
    stats = client.info("stats")
    counts = {"commands": stats["total_commands_processed"],
              "connections": stats["total_connections_received"]}
    for name, value in client.info("commandstats").items():
        counts[name.removeprefix("cmdstat_")] = value["calls"]
    return counts


def redis_delta(before: dict[str, int], n: int) -> dict[str, float]:
    after = redis_stats()
    return {key: (after[key] - before.get(key, 0)) / n for key in after}


def redis_line(per_msg: dict[str, float]) -> str:
    commands = sorted((v, k) for k, v in per_msg.items() if k not in ("commands", "connections"))
    top = ", ".join(f"{k} {v:.1f}" for v, k in reversed(commands[-6:]))
    return (f"    Redis per message: {per_msg['commands']:.1f} commands, "
            f"{per_msg['connections']:.2f} new connections (top: {top})")


# ---------------------------------------------------------------------------- profile
# (file suffix, function) -> label: RQ's bookkeeping, then the job, then the job's parts.
STAGES = [
    (("rq/worker/base.py", "dequeue_job_and_maintain_ttl"), "RQ dequeue (BLMOVE + job HGETALL)"),
    (("rq/worker/base.py", "prepare_execution"), "RQ prepare_execution"),
    (("rq/worker/base.py", "prepare_job_execution"), "RQ prepare_job_execution"),
    (("rq/worker/base.py", "handle_job_success"), "RQ handle_job_success"),
    (("rq/worker/base.py", "handle_execution_ended"), "RQ handle_execution_ended"),
    (("rq/job.py", "perform"), "the job (rq Job.perform)"),
    (("sms_gateway/sender.py", "send_sms"), "  sender.send_sms"),
    (("sms_gateway/sender.py", "_claim"), "    _claim (tx: lock row, opt-out, UPDATE)"),
    (("core/send_rate.py", "wait_for_slot"), "    wait_for_slot (Redis moving window)"),
    (("message/__init__.py", "create"), "    twilio messages.create (1 HTTP request)"),
    (("sms_gateway/sender.py", "_finish"), "    _finish (tx: lock row, UPDATE)"),
    (("sms_gateway/segments.py", "count"), "    segments.count"),
]


def stage_time(stats: pstats.Stats, suffix: str, func: str) -> tuple[float, str]:
    """Cumulative seconds in a function and where it is defined (file:line)."""
    total, where = 0.0, ""
    raw = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, _nc, _tt, cumulative, _callers) in raw.items():
        if name == func and filename.endswith(suffix):
            total += cumulative
            path = filename.split("site-packages/")[-1]
            where = f"{os.path.relpath(path, REPO) if path.startswith('/') else path}:{line}"
    return total, where


def call_count(stats: pstats.Stats, suffix: str, func: str) -> int:
    raw = stats.stats  # type: ignore[attr-defined]
    return sum(v[1] for (filename, _line, name), v in raw.items()
               if name == func and filename.endswith(suffix))


def top_own_time(stats: pstats.Stats, n_msgs: int, count: int = 6) -> list[str]:
    """The functions with the most time of their own (I/O waits show up as socket calls)."""
    raw = stats.stats  # type: ignore[attr-defined]
    ranked = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:count]
    lines = []
    for (filename, line, name), (_cc, calls, own, _ct, _callers) in ranked:
        where = filename.split("site-packages/")[-1] if filename != "~" else "builtin"
        lines.append(f"  {own / n_msgs * 1000:6.2f} ms/msg  {calls / n_msgs:5.1f} calls/msg  "
                     f"{name}  ({where}:{line})")
    return lines


def cost_shares(stats: pstats.Stats) -> list[tuple[float, str]]:
    """A message's time in the worker split into what one can act on, largest first."""
    def t(suffix: str, func: str) -> float:
        return stage_time(stats, suffix, func)[0]

    job = t("rq/job.py", "perform")
    # RQ's per-job work only: the loop's one-offs (bootstrap, teardown) are left out.
    rq_work = (t("rq/worker/worker_classes.py", "execute_job") - job
               + sum(t("rq/worker/base.py", f) for f in (
                   "dequeue_job_and_maintain_ttl", "heartbeat", "check_for_suspension")))
    claim, finish = t("sms_gateway/sender.py", "_claim"), t("sms_gateway/sender.py", "_finish")
    limiter = t("core/send_rate.py", "wait_for_slot")
    client = t("message/__init__.py", "create")
    work = rq_work + job
    parts = [(rq_work, "RQ bookkeeping (dequeue, registries, heartbeat, logs)"),
             (claim + finish, "DB: 2 transactions (_claim + _finish)"),
             (limiter, "send-rate limiter (Redis)"), (client, "twilio client + HTTP"),
             (job - claim - finish - limiter - client, "rest of the job")]
    return sorted(((seconds / work, label) for seconds, label in parts), reverse=True)


def profile_report(profile: Path, run: WorkerRun) -> list[str]:
    stats = pstats.Stats(str(profile))
    work, _ = stage_time(stats, "rq/worker/base.py", "work")
    lines = [f"  {'worker loop incl. start/stop (Worker.work)':<44} "
             f"{work / run.n * 1000:6.2f} ms/msg"]
    for (suffix, func), label in STAGES:
        seconds, where = stage_time(stats, suffix, func)
        lines.append(f"  {label:<44} {seconds / run.n * 1000:6.2f} ms/msg  {where}")
    counts = [f"{call_count(stats, suffix, func) / run.n:.1f} {label}" for suffix, func, label in (
        ("sqlalchemy/engine/base.py", "_execute_context", "SQL statements"),
        ("sqlalchemy/engine/base.py", "_commit_impl", "commits"),
        ("requests/sessions.py", "send", "HTTP requests"))]
    shares = ", ".join(f"{label} {share:.0%}" for share, label in cost_shares(stats))
    return [*lines, f"  per message: {', '.join(counts)}",
            f"  shares of a message's time: {shares}",
            "  most own time:", *top_own_time(stats, run.n)]


# ---------------------------------------------------------------------------- report
def ratio_line(label: str, rate: float, bare: float) -> str:
    ratio = rate / bare
    return (f"{label:<38} {rate:8.1f} msg/s = {ratio:4.2f}x bare "
            f"(target >= {TARGET_RATIO})  {summary(ratio, TARGET_RATIO)}")


def worker_lines(run: WorkerRun, bare: float) -> list[str]:
    rss = run.rss
    return [
        ratio_line(f"1 {run.variant.label}, N={run.n}", run.rate, bare),
        f"    startup {run.startup:.2f} s; after the first message {run.steady_rate:.1f} msg/s "
        f"= {run.steady_rate / bare:.2f}x bare",
        f"    peak RSS {rss.peak_mb:.0f} MB (target < {TARGET_RSS_MB:.0f})  "
        f"{summary(rss.peak_mb, TARGET_RSS_MB, higher_is_better=False)}" + (
            f"  [worker {rss.worker_kb / 1024:.0f} MB, horse {rss.horse_kb / 1024:.0f} MB: "
            "the max, not the sum, as a horse is a copy-on-write fork]"
            if run.variant.worker_class == FORKING else "  (VmHWM; no horses)"),
        redis_line(run.redis),
    ]


def sandwich(env: dict[str, str], fake: TwilioFake, n: int,
             latency: float = 0.0) -> tuple[float, float, WorkerRun]:
    """Bare half, outbox writes + one SimpleWorker, bare half: load drift on this shared
    machine then hits the bare loop and the worker alike. (bare, writes, worker)."""
    first = n // 2
    bare_seconds = first / measure_bare(env, fake, first, latency)
    writes = n / write_outbox(n)
    run = run_worker(env, fake, SIMPLE_WORKER, n, latency)
    bare_seconds += (n - first) / measure_bare(env, fake, n - first, latency)
    return n / bare_seconds, writes, run


def capacity_line(slow: WorkerRun, slow_bare: float) -> str:
    """Sequential workers needed to use Twilio's allowance when a request takes ~200 ms,
    from the 50 ms run (its measured overhead, worker startup included, carried over)."""
    extra = 0.2 - LATENCY_S
    ours, bare = 1 / (1 / slow.rate + extra), 1 / (1 / slow_bare + extra)
    mps = 30  # the TWILIO_MPS default (.env.example)
    return (f"projection at 200 ms/request: 1 SimpleWorker ~{ours:.1f} msg/s (bare "
            f"{bare:.1f}); TWILIO_MPS={mps} needs {math.ceil(mps / ours)} such workers "
            f"({math.ceil(mps / bare)} with no overhead at all)")


def run_all(env: dict[str, str], fake: TwilioFake) -> list[str]:
    label = backend_label()
    print(f"backend {label}, TWILIO_MPS={TWILIO_MPS}, N={N}", flush=True)
    bare, writes, simple = sandwich(env, fake, N)
    runs = [simple, write_and_run(env, fake, FORKING_WORKER, N_FORK),
            write_and_run(env, fake, PRELOADED_WORKER, N_PRELOAD)]
    profile = Path(env["BAWABA_INSTANCE_DIR"]) / "worker.prof"
    profiled = write_and_run(env, fake, SIMPLE_WORKER, N_PROFILE, profile_to=profile)
    slow_bare, _, slow_simple = sandwich(env, fake, N_LATENCY, LATENCY_S)
    slow = [slow_simple,
            write_and_run(env, fake, FORKING_WORKER, min(N_FORK, N_LATENCY) // 2, LATENCY_S),
            write_and_run(env, fake, PRELOADED_WORKER, min(N_PRELOAD, N_LATENCY), LATENCY_S)]
    counts = outbox_status_counts()
    return [
        "",
        f"backend            {label}; TWILIO_MPS={TWILIO_MPS} (no throttling)",
        f"bare twilio loop   {bare:8.1f} msg/s  (1 process, sequential, N={N}, same fake;"
        " half before, half after the worker)",
        f"outbox writes      {writes:8.1f} rows/s (core.outbox.send_sms, N={N}: row + commit +"
        " enqueue, one transaction each)",
        *[line for run in runs for line in worker_lines(run, bare)],
        f"outbox rows        {counts} (all handed to the fake: "
        f"{'yes' if set(counts) == {'sending'} else 'NO'})",
        "",
        f"with {LATENCY_S * 1000:.0f} ms fake latency per request (real Twilio: ~100-300 ms)",
        f"bare twilio loop   {slow_bare:8.1f} msg/s  (N={N_LATENCY})",
        *[ratio_line(f"1 {run.variant.label}, N={run.n}", run.rate, slow_bare) for run in slow],
        capacity_line(slow_simple, slow_bare),
        "",
        f"where a message's time goes: cProfile of 1 SimpleWorker, N={N_PROFILE} (the profiler"
        " inflates Python-heavy stages)",
        *profile_report(profile, profiled),
    ]


def main() -> int:
    started = time.monotonic()
    instance = Path(tempfile.mkdtemp(prefix="bawaba-bench-"))
    with TwilioFake() as fake:
        env = bench_env(instance, fake)
        prepare(env)
        try:
            lines = run_all(env, fake)
        finally:
            keep = bool(os.environ.get("BENCH_KEEP"))
            cleanup(instance, keep_folder=keep)
            if keep:
                print(f"kept {instance} (worker.log, worker.prof)")
    print("\n".join(lines))
    print(f"\nbench time {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bare"]:
        print(bare_loop(int(sys.argv[2])))
        sys.exit(0)
    sys.exit(main())
