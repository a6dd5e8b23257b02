"""Citizens' requests vs bare Flask endpoints on the same gunicorn worker, same run.

Targets: POST /api/v1/requests >= 0.3x a bare JSON POST; GET /api/v1/requests/{reference}
>= 0.45x a bare JSON GET.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bench.common import Client, cleanup, interleaved, start_gunicorn, summary

BODY = {"service_code": "MOI-RP-RENEW",
        "fields": {"qid": "28463412345", "passport_no": "P1234567", "years": "2",
                   "sponsorship_type": "family"}}


def prepare(env: dict[str, str]) -> str:
    """Migrate, load the demo catalogue, make a citizen and return its bearer token."""
    os.environ.update(env)
    from core import migrate, tokens
    from core.catalog.loader import load_catalog
    from core.identity import citizen_for_phone

    migrate.upgrade()
    load_catalog()
    citizen = citizen_for_phone("+97455123456", "ar")
    return tokens.issue_pair(f"citizen:{citizen.id}", {"role": "citizen"})["access_token"]


def main() -> int:
    instance = Path(tempfile.mkdtemp(prefix="bawaba-bench-"))
    env = {"BAWABA_INSTANCE_DIR": str(instance),
           "SECRET_KEY": "bench-secret-key-of-a-realistic-length-32+"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(f"BENCH_{name}"):
            env[name] = os.environ[f"BENCH_{name}"]
    token = prepare(env)
    server = start_gunicorn(env)
    try:
        client = Client(server.port)
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps(BODY).encode()
        status, created = client.request("POST", "/api/v1/requests", body, auth)
        assert status == 201, created
        reference = json.loads(created)["reference"]

        def post(path: str) -> tuple[int, bytes]:
            return client.request("POST", path, body, auth)

        def get(path: str) -> tuple[int, bytes]:
            return client.request("GET", path, None, auth)

        stats = interleaved([
            ("bare Flask JSON POST", post, ["/__bare/json"]),
            ("POST /requests", post, ["/api/v1/requests"]),
            ("bare Flask JSON GET", get, ["/__bare/json"]),
            ("GET /requests/{reference}", get, [f"/api/v1/requests/{reference}"]),
        ])
    finally:
        server.stop()
        cleanup(instance)
    for st in stats.values():
        print(st.line())
    post_ratio = stats["POST /requests"].rps / stats["bare Flask JSON POST"].rps
    get_ratio = stats["GET /requests/{reference}"].rps / stats["bare Flask JSON GET"].rps
    print(f"backend        = {'PostgreSQL' if 'DATABASE_URL' in env else 'SQLite'}")
    print(f"POST / bare    = {post_ratio:.2f}x  (target >= 0.30)  {summary(post_ratio, 0.30)}")
    print(f"GET / bare     = {get_ratio:.2f}x  (target >= 0.45)  {summary(get_ratio, 0.45)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
