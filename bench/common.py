"""Shared benchmark plumbing: a gunicorn server with our app and a bare Flask endpoint in the
same worker process, a keep-alive HTTP client, latency statistics and worker memory."""
from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return int(children.read_text().split()[0])

    def worker_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # quick shutdown: keep-alive clients linger
        self.process.wait(timeout=30)


def start_gunicorn(env: dict[str, str], app: str = "bench.bench_wsgi:app") -> Server:
    port = free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), app, "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--keep-alive", "30"],
        cwd=REPO, env={**os.environ, **env, "LOG_LEVEL": "WARNING"})
    server = Server(process, port)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if Client(port).get("/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("gunicorn did not start")


class Client:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        return response.status, response.read()

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        return response.status, response.read()


@dataclass
class Stats:
    name: str
    count: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.count / self.seconds

    def pct(self, q: float) -> float:
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, int(q * len(data)))]

    def line(self) -> str:
        return (f"{self.name:<38} {self.rps:8.0f} req/s  p50 {self.pct(0.5):6.2f} ms  "
                f"p99 {self.pct(0.99):6.2f} ms")


def measure(name: str, call, paths: list[str], seconds: float = 5.0) -> Stats:  # type: ignore[no-untyped-def]
    """Cycle through `paths` for about `seconds`, one request at a time."""
    latencies: list[float] = []
    started = time.perf_counter()
    i = 0
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        status, _ = call(paths[i % len(paths)])
        latencies.append((time.perf_counter() - t0) * 1000)
        if status >= 500:
            raise RuntimeError(f"{name}: {paths[i % len(paths)]} answered {status}")
        i += 1
    return Stats(name, len(latencies), time.perf_counter() - started, latencies)


def interleaved(pairs: list[tuple[str, object, list[str]]], rounds: int = 3,
                seconds: float = 2.0) -> dict[str, Stats]:
    """Measure several endpoints in alternating rounds so drift hits them all alike."""
    merged: dict[str, Stats] = {}
    for _ in range(rounds):
        for name, call, paths in pairs:
            s = measure(name, call, paths, seconds)
            prev = merged.get(name)
            merged[name] = s if prev is None else Stats(
                name, prev.count + s.count, prev.seconds + s.seconds,
                prev.latencies_ms + s.latencies_ms)
    return merged


def summary(value: float, target: float, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "OK" if ok else "BELOW TARGET"


def median(values: list[float]) -> float:
    return statistics.median(values)


def cleanup(instance: Path, keep_folder: bool = False) -> None:
    """Stop the embedded Redis a benchmark started (it daemonises) and remove its folder."""
    from core.config import get_settings
    from core.redis_conn import get_redis

    if get_settings().uses_embedded_redis:
        with contextlib.suppress(Exception):  # already gone is fine
            get_redis().shutdown(nosave=True)
    if not keep_folder:
        shutil.rmtree(instance, ignore_errors=True)
