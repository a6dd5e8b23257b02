"""USSD over Africa's Talking, end to end on the real database, Redis and demo catalogue:
form posts shaped like the gateway's, every flow in both languages."""
from __future__ import annotations

import dataclasses
import re
import statistics
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core import references
from core.catalog.cache import current_catalog
from core.config import get_settings, override_settings
from core.db import transaction
from core.models import Citizen, Complaint, UsageEvent
from i18n.catalogs import t
from sms_gateway.ussd import context, sessions

pytestmark = pytest.mark.usefixtures("database")

ARABIC = re.compile("[\u0600-\u06ff]")
REFERENCE = re.compile(r"(?<!\d)\d{10}(?!\d)")
PHONE, OTHER_PHONE = "+97455123456", "+97466123456"


@pytest.fixture()
def ussd(client):  # type: ignore[no-untyped-def]
    return client


def hop(client, text: str = "", session: str = "ATUid_1", phone: str = PHONE,  # type: ignore[no-untyped-def]
        **query: str):
    form = {"sessionId": session, "serviceCode": "*384*1234#", "phoneNumber": phone,
            "networkCode": "42701", "text": text}
    return client.post("/ussd/africastalking", data=form, query_string=query)


def body(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type == "text/plain; charset=utf-8"
    return response.get_data(as_text=True)


def arabic_wording() -> bool:
    """The Arabic for the USSD msgids is in the .po files (until then: English fallback)."""
    return t("ar", "Find a service") != "Find a service"


def assert_arabic(text: str) -> None:
    if arabic_wording():
        assert ARABIC.search(text), text


def choose_english(client, phone: str = PHONE) -> None:  # type: ignore[no-untyped-def]
    assert body(hop(client, "4*2", session="ATUid_lang", phone=phone)).startswith("END ")


def complaints() -> list[Complaint]:
    with transaction() as session:
        return list(session.scalars(select(Complaint)))


def top_service() -> tuple:  # (category, service) the menus list first
    catalog = current_catalog()
    category = context.categories_in_order(catalog)[0]
    return category, context.services_of(catalog, category.code)[0]


# ---- home and find a service ---------------------------------------------------------------

def test_home_is_arabic_by_default(ussd):
    response = hop(ussd)
    text = body(response)
    assert text.startswith("CON ") and "\n5 " in text
    assert response.headers["Content-Language"] == "ar"
    assert_arabic(text)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_find_a_service_down_to_its_detail(ussd, lang):
    if lang == "en":
        choose_english(ussd)
    category, service = top_service()
    categories = body(hop(ussd, "1"))
    assert categories.startswith("CON ") and f"1 {category.name[lang]}" in categories
    services = body(hop(ussd, "1*1"))
    assert f"({service.number})" in services
    detail = body(hop(ussd, "1*1*1"))
    assert detail.startswith("CON ") and str(service.number) in detail
    assert service.name[lang][:8] in detail
    if lang == "en":
        assert f"SMS: INFO {service.number}" in detail


def test_paging_and_back(ussd):
    first, second = body(hop(ussd, "1")), body(hop(ussd, "1*98"))
    assert first != second and "98 " in first
    assert body(hop(ussd, "1*98*0")) == first
    assert body(hop(ussd, "1*0")) == body(hop(ussd, ""))


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_nearest_offices_of_a_municipality(ussd, lang):
    if lang == "en":
        choose_english(ussd)
    municipalities = body(hop(ussd, "5"))
    assert municipalities.startswith("CON ") and ("الدوحة" if lang == "ar" else "Doha") in \
        municipalities
    offices = body(hop(ussd, "5*1"))
    assert offices.startswith("END ")
    nearest = context.keypad.offices_near_zone(1)[0].office.name[lang]
    assert nearest.rpartition(" - ")[2] in offices


def test_nearest_office_for_a_service(ussd):
    text = body(hop(ussd, "1*1*1*1*2"))
    assert text.startswith("END ") and len(text.splitlines()) >= 2


# ---- complaints and status ----------------------------------------------------------------

def file_complaint(client, text: str, session: str = "ATUid_c", phone: str = PHONE) -> str:  # type: ignore[no-untyped-def]
    confirm = body(hop(client, f"3*1*{text}", session=session, phone=phone))
    assert confirm.startswith("CON ")
    done = body(hop(client, f"3*1*{text}*1", session=session, phone=phone))
    assert done.startswith("END ")
    return REFERENCE.search(done).group()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_complaint_then_its_status(ussd, lang):
    if lang == "en":
        choose_english(ussd)
    reference = file_complaint(ussd, "الإنارة معطلة في الشارع 12")
    [complaint] = complaints()
    assert complaint.reference == reference and references.is_valid(reference)
    assert (complaint.channel, complaint.phone, complaint.language) == ("ussd", PHONE, lang)
    assert complaint.text == "الإنارة معطلة في الشارع 12"
    first_agency = context.agencies_in_order(current_catalog())[0].code
    assert complaint.agency is not None and complaint.agency.code == first_agency
    status = body(hop(ussd, f"2*{reference}", session="ATUid_s"))
    assert status.startswith("END ") and reference in status
    assert t(lang, "open") in status


def test_status_accepts_arabic_indic_digits(ussd):
    reference = file_complaint(ussd, "noise")
    arabic_digits = reference.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert reference in body(hop(ussd, f"2*{arabic_digits}", session="ATUid_s"))


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_wrong_check_digit_asks_to_check_the_number(ussd, lang):
    if lang == "en":
        choose_english(ussd)
    reference = file_complaint(ussd, "noise")
    typo = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    text = body(hop(ussd, f"2*{typo}", session="ATUid_s"))
    assert text.startswith("END ") and typo not in text
    if lang == "en":
        assert "Check it" in text
    else:
        assert_arabic(text)


def test_someone_elses_reference_is_not_found(ussd):
    reference = file_complaint(ussd, "noise")
    choose_english(ussd, OTHER_PHONE)
    text = body(hop(ussd, f"2*{reference}", session="ATUid_x", phone=OTHER_PHONE))
    assert text == f"END Nothing found with {reference} for this phone."


def test_a_replayed_final_hop_files_one_complaint(ussd):
    first = body(hop(ussd, "3*2*Broken pipe", session="ATUid_r"))
    assert first.startswith("CON ")
    done = body(hop(ussd, "3*2*Broken pipe*1", session="ATUid_r"))
    again = body(hop(ussd, "3*2*Broken pipe*1", session="ATUid_r"))
    assert done == again and done.startswith("END ")
    assert len(complaints()) == 1
    assert body(hop(ussd, "3*2*Broken pipe*1", session="ATUid_other")) != done
    assert len(complaints()) == 2


def test_concurrent_twins_of_a_final_hop_file_one_complaint(ussd, app):
    answers: list[str] = []

    def post() -> None:
        answers.append(body(hop(app.test_client(), "3*1*Twins*1", session="ATUid_t")))
    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(answers)) == 1 and answers[0].startswith("END ")
    assert len(complaints()) == 1


def test_a_failed_action_can_be_retried(ussd, monkeypatch):
    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("database went away")
    monkeypatch.setattr(context.keypad, "file_complaint", broken)
    failed = body(hop(ussd, "3*1*noise*1", session="ATUid_f"))
    assert failed == "END " + t("ar", "Something went wrong. Please try again.")
    monkeypatch.undo()
    retried = body(hop(ussd, "3*1*noise*1", session="ATUid_f"))
    assert REFERENCE.search(retried) and len(complaints()) == 1


def test_usage_is_recorded_for_the_ussd_channel(ussd):
    reference = file_complaint(ussd, "noise")
    body(hop(ussd, f"2*{reference}", session="ATUid_s"))
    with transaction() as session:
        events = set(session.execute(select(UsageEvent.event, UsageEvent.channel)).all())
    assert {("complaint_filed", "ussd"), ("status_checked", "ussd")} <= events


# ---- language ------------------------------------------------------------------------------

def test_language_choice_persists_to_new_sessions(ussd):
    done = body(hop(ussd, "4*2", session="ATUid_a"))
    assert done == "END We will answer you in English from now on."
    home = hop(ussd, session="ATUid_b")
    assert body(home).startswith("CON Bawaba\n1 Find a service")
    assert home.headers["Content-Language"] == "en"
    with transaction() as session:
        assert session.scalar(select(Citizen.language).where(Citizen.phone == PHONE)) == "en"
    back = body(hop(ussd, "4*1", session="ATUid_c"))
    assert back.startswith("END ")
    assert_arabic(back)
    assert hop(ussd, session="ATUid_d").headers["Content-Language"] == "ar"


def test_language_is_looked_up_once_per_session(ussd):
    assert hop(ussd, "", session="ATUid_once").headers["Content-Language"] == "ar"
    choose_english(ussd)  # another session changes it meanwhile
    # The running session keeps the language it started with; the next one has the new one.
    assert hop(ussd, "1", session="ATUid_once").headers["Content-Language"] == "ar"
    assert hop(ussd, "1", session="ATUid_new").headers["Content-Language"] == "en"


# ---- protocol edges -----------------------------------------------------------------------

@pytest.fixture()
def secret() -> Iterator[str]:
    before = get_settings()
    override_settings(dataclasses.replace(before, ussd_shared_secret="s3cret"))
    try:
        yield "s3cret"
    finally:
        override_settings(before)


def test_the_shared_secret_is_required_when_set(ussd, secret):
    for query in ({}, {"secret": "wrong"}, {"secret": "s3cret-but-longer"}, {"secret": "é"}):
        refused = hop(ussd, **query)
        assert refused.status_code == 403
        assert refused.get_data(as_text=True).startswith("END ")
    assert body(hop(ussd, secret=secret)).startswith("CON ")


def test_no_secret_needed_when_unset(ussd):
    assert body(hop(ussd, secret="anything")).startswith("CON ")


@pytest.mark.parametrize("form", [
    {"sessionId": "ATUid_e", "status": "Success", "phoneNumber": PHONE, "durationInMillis": "5120",
     "hopsCount": "4", "input": "1*1", "cost": "KES 0.00", "serviceCode": "*384*1234#"},
    {"sessionId": "ATUid_e", "status": "Failed", "errorMessage": "x" * 5000},
    {},
])
def test_end_of_session_notifications_answer_200(ussd, form, caplog):
    response = ussd.post("/ussd/africastalking/events", data=form)
    assert response.status_code == 200
    assert PHONE not in caplog.text and "55123456" not in caplog.text


@pytest.mark.parametrize("form", [
    {"sessionId": "ATUid_m", "text": ""},
    {"phoneNumber": PHONE, "text": "1"},
    {"sessionId": "ATUid_m", "phoneNumber": "12", "text": ""},
    {"sessionId": "ATUid_m", "phoneNumber": "not a phone", "text": "1"},
    {"sessionId": "x" * 500, "phoneNumber": PHONE},
    {},
])
def test_missing_or_bad_fields_end_with_an_apology(ussd, form):
    text = body(ussd.post("/ussd/africastalking", data=form))
    assert text == "END " + t("ar", "Something went wrong. Please try again.")


@pytest.mark.parametrize("text", [
    "*", "**#", "1*#*98", "🙂*🙂", "x" * 5000, "1*" + "٣" * 300, "3*1*" + "🚀" * 200 + "*1",
    "0*" * 100, "2*" + "9" * 80, "\u200f١\u200f", "3*1*%00%ff*1",
])
def test_garbage_text_never_breaks(ussd, text):
    answer = body(hop(ussd, text, session="ATUid_g"))
    assert answer[:4] in ("CON ", "END ")


def test_phone_in_other_accepted_forms(ussd):
    assert body(hop(ussd, phone="0097455123456")).startswith("CON ")
    assert body(hop(ussd, phone="55123456", session="ATUid_p")).startswith("CON ")


def test_wrong_method_answers_a_ussd_screen(ussd):
    response = ussd.get("/ussd/africastalking")
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert response.get_data(as_text=True).startswith("END ")
    assert response.content_type == "text/plain; charset=utf-8"


def test_an_internal_error_ends_with_an_apology_in_the_callers_language(ussd, monkeypatch):
    choose_english(ussd)
    monkeypatch.setattr(context.keypad, "case_status",
                        lambda *_args: (_ for _ in ()).throw(RuntimeError("boom")))
    text = body(hop(ussd, "2*1234567897", session="ATUid_boom"))
    assert text == "END Something went wrong. Please try again."


def test_paths_for_gateways_that_send_one_input_at_a_time(ussd):
    assert sessions.extend_path("S9", PHONE, None, new_session=True) == []
    assert sessions.extend_path("S9", PHONE, "1", new_session=False) == ["1"]
    assert sessions.extend_path("S9", PHONE, "2*x", new_session=False) == ["1", "2*x"]
    assert sessions.extend_path("S9", PHONE, "3", new_session=True) == ["3"]


def test_a_hop_takes_a_few_milliseconds(ussd):
    body(hop(ussd, "1*1*98*98"))  # warm: catalogue snapshot, session language
    timings = []
    for path in ["", "1", "1*98", "1*1*98*98", "3*98*98*98", "5*98", "1*1*1"] * 6:
        started = time.perf_counter()
        body(hop(ussd, path))
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.05, timings
