"""The USSD menus as a pure state machine, driven with a stub context (no DB, no Redis).

The walk test explores every screen reachable from the home screen (breadth-first over all
choices, `98` and `0` included, plus garbage) in both languages, and checks that each one
fits a USSD screen, never raises and never needs the last-resort truncation.
"""
from __future__ import annotations

import logging
import re
from collections import deque
from dataclasses import dataclass, field

import pytest

from i18n import catalogs
from sms_gateway.segments import screen_fits, screen_length
from sms_gateway.ussd import layout, menus, screens
from sms_gateway.ussd.menus import MenuContext
from sms_gateway.ussd.protocol import split_inputs

ARABIC = re.compile("[\u0600-\u06ff]")

# The Arabic proposed for the new msgids (handed over for the .po files). The walk also
# runs with them, so the wording is known to fit before it ships.
PROPOSED_AR = {
    "Bawaba": "بوابة",
    "Find a service": "بحث عن خدمة",
    "Request status": "حالة طلب",
    "File a complaint": "تقديم شكوى",
    "Language": "اللغة Language",
    "Nearest office": "أقرب مكتب",
    "More": "المزيد",
    "Back": "رجوع",
    "Invalid choice": "خيار خاطئ",
    "Choose a category": "اختر الفئة",
    "Choose your municipality": "اختر البلدية",
    "Choose the agency": "اختر الجهة",
    "Choose a language": "اختر اللغة",
    "Free": "مجانية",
    "Fee not published": "الرسوم غير معلنة",
    "SMS: INFO %(number)s": "أرسل معلومات %(number)s",
    "Enter the reference number": "أدخل الرقم المرجعي",
    "%(reference)s: %(status)s": "%(reference)s: %(status)s",
    "Nothing found with %(reference)s for this phone.":
        "لا يوجد طلب بالرقم %(reference)s لهذا الهاتف.",
    "This number is not right. Check it and try again.": "الرقم غير صحيح. تأكد منه وأعد المحاولة.",
    "Type your complaint": "اكتب شكواك",
    "Send to %(agency)s?": "إرسال إلى %(agency)s؟",
    "Confirm": "تأكيد",
    "Complaint sent. Reference: %(reference)s": "أُرسلت شكواك. رقمها: %(reference)s",
    "No office found nearby.": "لا يوجد مكتب قريب.",
    "We will answer you in Arabic from now on.": "سنخاطبك بالعربية من الآن.",
    "We will answer you in English from now on.": "سنخاطبك بالإنجليزية من الآن.",
    "complaint": "شكوى",
    "inquiry": "استفسار",
    "suggestion": "اقتراح",
}


# ---- stub catalogue and context ----------------------------------------------------------

@dataclass(frozen=True)
class Rec:
    code: str
    name: dict[str, str]


@dataclass(frozen=True)
class Svc:
    code: str
    name: dict[str, str]
    number: int
    level: int
    fee_qar: int | float | None


@dataclass(frozen=True)
class Office:
    name: dict[str, str]
    opening_hours: str | None


@dataclass(frozen=True)
class Near:
    office: Office


@dataclass(frozen=True)
class Case:
    outcome: str
    reference: str = ""
    status_name: str = ""
    title: str = ""


FOUND, MISSING = "1234567897", "1234567890"
LONG_AR = "المؤسسة العامة القطرية للكهرباء والماء وخدمات أخرى طويلة جدًا (كهرماء)"
LONG_EN = "Qatar General Electricity & Water Corporation with a very long name (Kahramaa)"

CATEGORIES = [Rec(f"cat{i}", {"ar": ar, "en": en}) for i, (ar, en) in enumerate([
    ("الإقامة", "Residency"), ("البلدية والتخطيط العمراني", "Municipality & Urban Planning"),
    ("الثقافة والسياحة والرياضة والشباب والفنون", "Culture, Tourism, Sports, Youth {and} Arts"),
    ("الصحة", "Health"), ("الأسرة", "Family"), ("العمل", "Work €"), ("التعليم", "Education"),
    ("الإسكان", "Housing"), ("البريد", "Post"), ("خدمات عامة", "General services"),
    ("فئة فارغة", "Empty category"),
])]


def _service(i: int) -> Svc:
    names = [("تجديد رخصة الإقامة", "Renew residence permit"),
             ("إشعار الجهات الحكومية بتغيير البيانات (أخبرنا مرة واحدة)",
              "No-objection certificate for excavation or road works in a long place name"),
             ("خدمة 🚀 مع رموز", "Service with emoji 🚀 inside"), ("تأشيرة", "Visa [new]")]
    ar, en = names[i % len(names)]
    return Svc(f"SVC-{i}", {"ar": ar, "en": en}, 1001 + i, 1 + i % 4,
               [500, None, 0, 10.5, 100000][i % 5])


SERVICES = {c.code: [_service(i) for i in range(n)]
            for c, n in zip(CATEGORIES, [12, 3, 1, 5, 2, 1, 1, 1, 1, 2, 0], strict=True)}
ALL_SERVICES = {s.code: s for group in SERVICES.values() for s in group}
AGENCIES = [Rec(f"AG{i}", {"ar": LONG_AR if i % 3 == 0 else f"وزارة رقم {i}",
                           "en": LONG_EN if i % 3 == 0 else f"Ministry number {i}"})
            for i in range(20)]
OFFICES = [Near(Office({"ar": "مجمع الخدمات الحكومية - الدفنة",
                        "en": "Government Services Complex - Al Dafna"}, "Sun-Thu 07:00-20:00")),
           Near(Office({"ar": "مجمع الخدمات الحكومية - مدينة خليفة الجنوبية",
                        "en": "Government Services Complex - Madinat Khalifa South"},
                       "Sat-Thu 07:30-19:30")),
           Near(Office({"ar": "مستشفى حمد العام - مكتب البطاقة الصحية والتأمين",
                        "en": "Hamad General Hospital - Health Card Office"},
                       "by appointment only"))]


def _case(reference: str) -> Case:
    if reference == FOUND:
        return Case("found", FOUND, "بانتظار معلومات إضافية منك",
                    "إشعار الجهات الحكومية بتغيير البيانات (أخبرنا مرة واحدة)")
    if reference.isdigit() and len(reference) == 10:
        return Case("not_found", reference)
    return Case("bad_check_digit", reference)


@dataclass
class Stub:
    lang: str
    calls: list[tuple] = field(default_factory=list)
    offices: list[Near] = field(default_factory=lambda: list(OFFICES))

    def context(self) -> MenuContext:
        return MenuContext(
            lang=self.lang,
            categories=lambda: CATEGORIES,
            services=lambda code: SERVICES.get(code, []),
            service=ALL_SERVICES.get,
            agencies=lambda: AGENCIES,
            case_status=lambda ref: self._record("status", ref) or _case(ref),
            file_complaint=lambda agency, text: self._record("complaint", agency, text)
            or "5555555553",
            set_language=lambda new: self._record("language", new),
            offices_near=lambda m, svc: self._record("offices", m, svc) or self.offices,
        )

    def _record(self, *call: object) -> None:
        self.calls.append(call)


class _Overlay:
    """gettext with the proposed Arabic for msgids the .po does not have yet."""

    def __init__(self, real: object) -> None:
        self.real = real

    def gettext(self, message: str) -> str:
        return PROPOSED_AR.get(message) or self.real.gettext(message)  # type: ignore[attr-defined]


@pytest.fixture(params=["ar", "ar-proposed", "en"])
def lang(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "ar-proposed":
        real = catalogs.translations
        monkeypatch.setattr(catalogs, "translations",
                            lambda code: _Overlay(real(code)) if code == "ar" else real(code))
    return request.param.split("-")[0]


def arabic_wording() -> bool:
    """Whether the Arabic for the new msgids is in place (.po or the proposed overlay)."""
    return catalogs.t("ar", "Find a service") != "Find a service"


def screen(path: str, lang: str, stub: Stub | None = None) -> menus.Screen:
    return menus.render(split_inputs(path), (stub or Stub(lang)).context())


# ---- every path ---------------------------------------------------------------------------

ALPHABET = ["", " ", "0", "1", "2", "3", "4", "5", "8", "9", "10", "98", "99", "١", "۲",
            "abc", FOUND, MISSING, "12345", "🙂 خدمة #", "x" * 400, "€{}[]~|^\\"]


def _signature(state: menus.State) -> tuple:
    # The screen drawn, and every transition out of it, depend on the top frame only
    # (0 returns to a frame already visited), so this dedupe still reaches every screen.
    return state.top, state.invalid, state.ending


def _explore(lang: str, depth: int) -> list[menus.State]:
    ctx = Stub(lang).context()
    seen, queue, states = set(), deque([(menus.State(), 0)]), []
    while queue:
        state, level = queue.popleft()
        if _signature(state) in seen:
            continue
        seen.add(_signature(state))
        states.append(state)
        if state.ending is None and level < depth:
            queue.extend((menus.step(state, raw, ctx), level + 1) for raw in ALPHABET)
    return states


def test_every_reachable_screen_fits_and_never_raises(lang: str, caplog: pytest.LogCaptureFixture
                                                      ) -> None:
    caplog.set_level(logging.WARNING, logger=layout.__name__)
    states = _explore(lang, depth=9)
    assert {s.top.kind for s in states if s.ending is None} == {
        "home", "categories", "services", "detail", "municipalities", "status", "agencies",
        "complaint", "confirm", "language"}
    assert {s.ending.kind for s in states if s.ending} == {
        "offices", "status", "complaint", "language"}
    for state in states:
        stub = Stub(lang)
        shown = menus.finish(state, stub.context())
        assert shown.text.strip(), state
        assert screen_fits(shown.text), (state, screen_length(shown.text), shown.text)
        assert shown.ends == (state.ending is not None) or state.top.kind == "detail"
    assert not [r for r in caplog.records if "truncated" in r.getMessage()]


def test_walk_covers_pages_and_back(lang: str) -> None:
    pages = {(s.top.kind, s.top.page) for s in _explore(lang, depth=9)}
    assert ("categories", 1) in pages and ("agencies", 2) in pages
    assert any(kind == "services" and page >= 1 for kind, page in pages)


# ---- flows --------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "ends", "english"), [
    ("", False, "1 Find a service"),
    ("1", False, "1 Residency"),
    ("1*1", False, "(1001)"),
    ("1*1*1", False, "SMS: INFO 1001"),
    ("1*1*1*1", False, "1 Doha"),
    ("1*1*1*1*1", True, "Al Dafna"),
    ("2", False, "Enter the reference number"),
    (f"2*{FOUND}", True, FOUND),
    (f"2*{MISSING}", True, f"Nothing found with {MISSING}"),
    ("2*12345", True, "Check it"),
    ("3", False, "1 Kahramaa"),
    ("3*2", False, "Type your complaint"),
    ("3*2*The street light is broken", False, "Send to Ministry number 1?"),
    ("3*2*The street light is broken*1", True, "5555555553"),
    ("4", False, "2 English"),
    ("4*2", True, "We will answer you in English"),
    ("5", False, "8 Al Shahaniya"),
    ("5*3", True, "Government Services Complex"),
])
def test_flow_screens(path: str, ends: bool, english: str, lang: str) -> None:
    shown = screen(path, lang)
    assert shown.ends is ends
    assert screen_fits(shown.text)
    if lang == "en":
        assert english in shown.text
    elif path != "4*2" and arabic_wording():  # "4*2" confirms in the language just chosen
        assert ARABIC.search(shown.text), shown.text


def test_home_lists_five_choices(lang: str) -> None:
    lines = screen("", lang).text.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["1", "2", "3", "4", "5"]


def test_service_detail_level_fee_and_hint() -> None:
    assert "Informational\nQAR 500\nSMS: INFO 1001" in detail("SVC-0", "en")
    assert "Interactive\nFee not published" in detail("SVC-1", "en")
    assert "Transactional\nFree" in detail("SVC-2", "en")
    assert "Integrated\nQAR 10.5" in detail("SVC-3", "en")
    assert "QAR 100,000" in detail("SVC-4", "en")
    arabic = detail("SVC-0", "ar")
    assert "1001" in arabic and "ر.ق." in arabic and "معلوماتية" in arabic


def test_english_typography_keeps_screens_gsm7() -> None:
    assert layout.one_line("Driver\u2019s licence \u2013 renewal") == "Driver's licence - renewal"


def detail(code: str, lang: str) -> str:
    state = menus.State((menus.State().top, menus.Frame("detail", arg=code)))
    return menus.finish(state, Stub(lang).context()).text


def test_offices_near_municipality_with_and_without_service() -> None:
    stub = Stub("en")
    screen("1*1*1*1*2", "en", stub)
    screen("5*7", "en", stub)
    assert stub.calls == [("offices", "Al Rayyan", "SVC-0"), ("offices", "Al Wakrah", None)]


def test_offices_show_hours_and_distinguishing_names() -> None:
    english = screen("5*1", "en").text
    assert "Sun-Thu 7-20" in english and "Sat-Thu 7:30-19:30" in english
    arabic = screen("5*1", "ar").text
    assert "الدفنة" in arabic and "7-20" in arabic and screen_fits(arabic)


def test_no_office_found() -> None:
    stub = Stub("en", offices=[])
    assert screen("5*1", "en", stub) == menus.Screen("No office found nearby.", ends=True)


@pytest.mark.parametrize(("reference", "outcome"), [
    (FOUND, "found"), (MISSING, "not_found"), ("12", "bad_check_digit")])
def test_status_line_per_outcome(reference: str, outcome: str, lang: str) -> None:
    stub = Stub(lang)
    shown = screen(f"2*{reference}", lang, stub)
    assert stub.calls == [("status", reference)]
    assert shown.ends and screen_fits(shown.text)
    if outcome != "bad_check_digit":
        assert reference in shown.text


def test_status_shows_the_title_only_when_it_fits() -> None:
    assert "إشعار" in screen(f"2*{FOUND}", "ar").text
    assert screen(f"2*{FOUND}", "en").text.startswith(f"{FOUND}: ")


def test_status_reference_in_arabic_indic_digits() -> None:
    stub = Stub("ar")
    screen("2*١٢٣٤٥٦٧٨٩٧", "ar", stub)
    assert stub.calls == [("status", FOUND)]


def test_complaint_confirm_back_and_send() -> None:
    stub = Stub("en")
    assert screen("3*2*Noise at night*0", "en", stub).text.startswith("Type your complaint")
    assert screen("3*2*Noise at night*0*0", "en", stub).text.startswith("Choose the agency")
    assert stub.calls == []
    done = screen("3*2*Noise at night*1", "en", stub)
    assert done == menus.Screen("Complaint sent. Reference: 5555555553", ends=True)
    assert stub.calls == [("complaint", "AG1", "Noise at night")]


def test_complaint_text_is_kept_whole_and_cut_only_on_screen() -> None:
    stub = Stub("ar")
    text = "الإنارة معطلة في الشارع " * 30
    preview = screen(f"3*1*{text}", "ar", stub).text
    assert "…" in preview and screen_fits(preview)
    screen(f"3*1*{text}*1", "ar", stub)
    assert stub.calls == [("complaint", "AG0", " ".join(text.split()))]


def test_empty_complaint_is_asked_again() -> None:
    shown = screen("3*1*   ", "en")
    assert shown.text.splitlines()[:2] == ["Invalid choice", "Type your complaint"]


def test_language_choice_is_confirmed_in_the_new_language() -> None:
    stub = Stub("en")
    assert screen("4*1", "en", stub).ends
    assert stub.calls == [("language", "ar")]
    english = screen("4*2", "ar", Stub("ar"))
    assert english.text == "We will answer you in English from now on."


def test_language_confirmation_in_arabic_with_translations(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    real = catalogs.translations
    monkeypatch.setattr(catalogs, "translations",
                        lambda code: _Overlay(real(code)) if code == "ar" else real(code))
    assert ARABIC.search(screen("4*1", "en").text)


# ---- navigation ---------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "same_as"), [
    ("0", ""), ("0*0*0", ""), ("1*0", ""), ("1*98*0", "1"), ("1*1*0", "1"),
    ("3*98*98*0*0", "3"), ("1*1*1*0", "1*1"), ("2*0", ""), ("3*1*0", "3"),
    ("4*0", ""), ("5*0", ""), ("١", "1"), ("۱*۹۸*٠", "1"), (" 1 ", "1"),
])
def test_back_and_equivalent_paths(path: str, same_as: str, lang: str) -> None:
    assert screen(path, lang) == screen(same_as, lang)


def test_more_shows_the_next_page_and_numbers_restart() -> None:
    first, second = screen("1", "en").text, screen("1*98", "en").text
    assert "1 Residency" in first and "Residency" not in second
    assert second.splitlines()[1].startswith("1 ")


@pytest.mark.parametrize("path", ["7", "1*55", "1*98*98*98*98*98*98*98", "98", "1*1*1*2",
                                  "4*3", "3*1*hi*2", "abc", "1*-1", "1*+1", "1*1.5"])
def test_invalid_choice_repeats_the_screen(path: str, lang: str) -> None:
    shown = screen(path, lang)
    assert not shown.ends and screen_fits(shown.text)
    first = shown.text.splitlines()[0]
    assert first == ("Invalid choice" if lang == "en" else catalogs.t("ar", "Invalid choice"))


def test_invalid_choice_keeps_the_page_numbering(lang: str) -> None:
    page = screen("1*98", lang).text.splitlines()
    again = screen("1*98*77", lang).text.splitlines()
    assert [line for line in page if line[:1].isdigit()] == \
        [line for line in again if line[:1].isdigit()]


# ---- garbage ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw_text", [
    "*", "**", "1**", "#", "*#", "1*#*98", "🙂", "🙂*🙂*🙂", "x" * 5000, "1*" + "y" * 5000,
    "\u200f١\u200f", "\x00\x01", "1*1*1*1*" + "9" * 50, "3*1*" + "🚀" * 300 + "*1",
    "2*" + "٣" * 40, "\n\n", "0*" * 59 + "1", "98*" * 30,
])
def test_garbage_never_raises_and_fits(raw_text: str, lang: str) -> None:
    shown = screen(raw_text, lang)
    assert shown.text and screen_fits(shown.text)


def test_too_many_hops_ends_with_an_apology() -> None:
    shown = screen("0*" * 100, "en")
    assert shown == menus.apology("en")


def test_inputs_after_an_ending_are_ignored() -> None:
    inputs = split_inputs("4*2*1*1*3")
    state = menus.walk(inputs, Stub("en").context())
    assert state.ending is not None and menus.path_key(inputs, state) == "4*2"


def test_walk_performs_no_side_effect_finish_performs_one() -> None:
    for path in ["3*2*text*1", f"2*{FOUND}", "4*2"]:
        stub = Stub("en")
        state = menus.walk(split_inputs(path), stub.context())
        assert stub.calls == [] and state.ending is not None and state.ending.has_effect
        menus.finish(state, stub.context())
        assert len(stub.calls) == 1


def test_screens_without_effects_are_not_marked_as_such() -> None:
    state = menus.walk(split_inputs("5*1"), Stub("en").context())
    assert state.ending is not None and not state.ending.has_effect


def test_unknown_service_detail_ends_politely() -> None:
    stub = Stub("en")
    state = menus.State((menus.State().top, menus.Frame("detail", arg="GONE")))
    assert menus.finish(state, stub.context()) == menus.Screen("Unknown service.", ends=True)
    assert menus.step(state, "1", stub.context()).ending is not None


# ---- layout -------------------------------------------------------------------------------

def test_shorten_prefers_the_bracketed_short_name_and_the_dash_tail() -> None:
    assert layout.shorten_name(LONG_EN, 20, "...") == "Kahramaa"
    assert layout.shorten_name("Government Services Complex - Al Dafna", 28, "...") == \
        "Government Ser... - Al Dafna"
    assert layout.shorten("abc def ghi", 7, "...") == "abc..."
    assert layout.shorten("a\nb", 10, "...") == "a b"


def test_guard_truncates_an_oversize_screen(caplog: pytest.LogCaptureFixture) -> None:
    text = "ب" * 200
    cut = layout.guard(text, "…")
    assert screen_fits(cut) and screen_length(cut) == 80 and cut.endswith("…")
    assert "truncated" in caplog.text


def test_compact_hours() -> None:
    assert screens.compact_hours("Sun-Thu 07:00-14:00", "en") == "Sun-Thu 7-14"
    assert screens.compact_hours("Sat-Thu 07:30-19:30", "ar") == "7:30-19:30"
    assert screens.compact_hours(None, "en") == ""
