"""A large synthetic catalogue built from the demo one: same agencies, categories and offices,
services multiplied with realistic name variants, for load and memory benchmarks."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from core.catalog.loader import DEMO_CATALOG

VARIANTS = [
    ({"ar": "للأفراد", "en": "for individuals"}), ({"ar": "للشركات", "en": "for companies"}),
    ({"ar": "عاجل", "en": "urgent"}), ({"ar": "إلكترونيًا", "en": "online"}),
    ({"ar": "في الوكرة", "en": "in Al Wakrah"}), ({"ar": "في الخور", "en": "in Al Khor"}),
    ({"ar": "للمقيمين", "en": "for residents"}), ({"ar": "للمواطنين", "en": "for citizens"}),
    ({"ar": "بدل فاقد", "en": "replacement"}), ({"ar": "تعديل", "en": "amendment"}),
]


def build(total: int) -> dict:
    demo = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    base = demo["services"]
    services = list(base)
    next_number = max(s["number"] for s in base) + 1
    i = 0
    while len(services) < total:
        template, variant = base[i % len(base)], VARIANTS[(i // len(base)) % len(VARIANTS)]
        svc = copy.deepcopy(template)
        svc["code"] = f"{template['code']}-V{i}"
        svc["number"] = next_number
        svc["name"] = {lang: f"{template['name'][lang]} {variant[lang]} ({i})"
                       for lang in ("ar", "en")}
        services.append(svc)
        next_number += 1
        i += 1
    return {**demo, "services": services}


def write(total: int, path: Path) -> Path:
    path.write_text(json.dumps(build(total), ensure_ascii=False), encoding="utf-8")
    return path
