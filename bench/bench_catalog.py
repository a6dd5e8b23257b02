"""Catalogue API vs a bare Flask endpoint on the same gunicorn worker (one worker, one run).

Targets: search >= 0.35x bare, detail >= 0.5x bare, search p99 < 25 ms, worker RSS < 150 MB,
with 10 000 services loaded.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.common import Client, cleanup, interleaved, start_gunicorn, summary

SERVICES = int(os.environ.get("BENCH_SERVICES", "10000"))
QUERIES = ["تجديد رخصة القيادة", "تجديد الاقامه", "شهادة حسن السيرة", "فاتورة الكهرباء",
           "مخالفات مرورية", "تسجيل عقد الايجار", "بطاقه صحيه", "شكوى عمالية"]


def prepare(env: dict[str, str]) -> list[str]:
    """Migrate and load the synthetic catalogue in this process, with the bench settings."""
    os.environ.update(env)
    from bench.synthetic_catalog import write
    from core import migrate
    from core.catalog.loader import load_catalog

    migrate.upgrade()
    path = write(SERVICES, Path(env["BAWABA_INSTANCE_DIR"]) / "catalog.json")
    started = time.perf_counter()
    load_catalog(path)
    print(f"loaded {SERVICES} services in {time.perf_counter() - started:.1f} s")
    import json

    codes = [s["code"] for s in json.loads(path.read_text())["services"]]
    return codes[:: max(1, len(codes) // 200)]


def main() -> int:
    instance = Path(tempfile.mkdtemp(prefix="bawaba-bench-"))
    env = {"BAWABA_INSTANCE_DIR": str(instance), "CATALOG_REFRESH_SECONDS": "3600"}
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    codes = prepare(env)
    server = start_gunicorn(env)
    try:
        client = Client(server.port)
        client.get("/api/v1/services?q=warmup")  # builds the snapshot and search index
        search = ["/api/v1/services?q=" + urllib.parse.quote(q) for q in QUERIES]
        detail = [f"/api/v1/services/{c}" for c in codes]
        for path in search + detail:
            client.get(path)
        stats = interleaved([("bare Flask JSON", client.get, ["/__bare/json"]),
                             ("GET /services?q=<Arabic>", client.get, search),
                             ("GET /services/{code}", client.get, detail)])
        rss = server.worker_rss_mb()
    finally:
        server.stop()
        cleanup(instance)
    bare, s, d = (stats[k] for k in ("bare Flask JSON", "GET /services?q=<Arabic>",
                                     "GET /services/{code}"))
    print(f"services loaded: {SERVICES}")
    for st in (bare, s, d):
        print(st.line())
    print(f"search / bare  = {s.rps / bare.rps:.2f}x  (target >= 0.35)  "
          f"{summary(s.rps / bare.rps, 0.35)}")
    print(f"detail / bare  = {d.rps / bare.rps:.2f}x  (target >= 0.50)  "
          f"{summary(d.rps / bare.rps, 0.5)}")
    print(f"search p99     = {s.pct(0.99):.1f} ms  (target < 25)  "
          f"{summary(s.pct(0.99), 25, higher_is_better=False)}")
    print(f"worker RSS     = {rss:.0f} MB  (target < 150)  {summary(rss, 150, False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
