"""References: 10 digits with a Luhn check digit, unique across requests and complaints."""
from __future__ import annotations

import pytest

from core import references
from core.db import transaction

pytestmark = pytest.mark.usefixtures("database")


def test_many_references_in_one_transaction_are_unique_and_valid():
    # More than psycopg's prepare threshold (5): the insert must keep working once the
    # statement is prepared server-side (it once looped forever on PostgreSQL).
    with transaction() as session:
        issued = [references.issue(session, "complaint") for _ in range(40)]
    assert len(set(issued)) == 40
    assert all(references.is_valid(r) and len(r) == 10 for r in issued)


@pytest.mark.parametrize("raw, valid", [
    ("79927398713"[1:], False), ("1234567897", True), ("١٢٣٤٥٦٧٨٩٧", True),
    ("1234 5678 97", True), ("1234567890", False), ("123", False), ("", False),
])
def test_check_digits_catch_mistypes(raw, valid):
    assert references.is_valid(raw) is valid
