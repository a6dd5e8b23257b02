"""`make bench`: every benchmark script, one after another."""
from __future__ import annotations

import subprocess
import sys

SCRIPTS = ["bench.bench_catalog", "bench.bench_cases", "bench.bench_keypad",
           "bench.bench_sms_outbox", "bench.bench_campaign"]


def main() -> int:
    failed = 0
    for script in SCRIPTS:
        print(f"\n== {script}", flush=True)
        failed += subprocess.call([sys.executable, "-m", script]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
