"""Factory functions for test data written straight to the database."""
from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from core.models import Agency, Citizen, Device, Subscription


def citizen(phone: str, *, language: str = "ar", devices: tuple[tuple[str, str], ...] = (),
            follows: tuple[str, ...] = (), zone: int | None = None) -> int:
    """A citizen with (token, language) devices, following agencies by code."""
    with transaction() as session:
        person = Citizen(phone=phone, language=language,
                         address={"zone": zone, "street": 1, "building": 1} if zone else None)
        session.add(person)
        session.flush()
        for token, device_lang in devices:
            session.add(Device(citizen_id=person.id, token=token, platform="android",
                               language=device_lang))
        for code in follows:
            agency_id = session.scalar(select(Agency.id).where(Agency.code == code))
            session.add(Subscription(citizen_id=person.id, agency_id=agency_id))
        return person.id


def many_followers(count: int, agency: str, *, first_phone: int = 33000000) -> list[str]:
    """`count` citizens with one device each, following `agency`; returns their tokens."""
    tokens = []
    with transaction() as session:
        agency_id = session.scalar(select(Agency.id).where(Agency.code == agency))
        for n in range(count):
            person = Citizen(phone=f"+974{first_phone + n}", language="ar" if n % 2 else "en")
            session.add(person)
            session.flush()
            token = f"tok-{first_phone + n}"
            session.add(Device(citizen_id=person.id, token=token, platform="android",
                               language=person.language))
            session.add(Subscription(citizen_id=person.id, agency_id=agency_id))
            tokens.append(token)
    return tokens
