"""The Arabic/English normaliser and light stemmers (i18n.arabic, i18n.stemming). No I/O."""
from __future__ import annotations

import pytest

from i18n.arabic import is_arabic, normalize, to_ascii_digits, tokenize
from i18n.stemming import stem


def same(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


def same_stem(a: str, b: str) -> bool:
    return stem(normalize(a)) == stem(normalize(b))


# -- letters ------------------------------------------------------------------------------

def test_nfkc_folds_presentation_forms() -> None:
    # ﺭﺧﺼﺔ written with Arabic presentation forms B (as some PDFs copy out)
    assert normalize("\ufead\ufea7\ufebc\ufe94") == "رخصه"


def test_nfkc_splits_lam_alef_ligature() -> None:
    assert normalize("\ufefb") == "لا"  # ﻻ
    assert normalize("\ufef7") == "لا"  # ﻷ lam-alef with hamza above


@pytest.mark.parametrize("persian, arabic", [
    ("ی", "ي"), ("ے", "ي"), ("ک", "ك"), ("ۀ", "ه"), ("ہ", "ه"),
])
def test_persian_and_urdu_letters_fold_to_arabic(persian: str, arabic: str) -> None:
    assert normalize(persian) == arabic


def test_persian_keyboard_word_matches_arabic_word() -> None:
    assert same("تجدید", "تجديد")
    assert same("کهرباء", "كهرباء")


@pytest.mark.parametrize("alef", ["آ", "أ", "إ", "ٱ"])
def test_alef_forms_fold_to_bare_alef(alef: str) -> None:
    assert normalize(alef) == "ا"


def test_alef_hamza_matches_bare_alef() -> None:
    assert same("الإقامة", "الاقامة")
    assert same("أشغال", "اشغال")


def test_hamza_on_waw_matches_hamza_on_yeh_and_no_hamza() -> None:
    assert normalize("مسؤول") == normalize("مسئول") == normalize("مسوول")
    assert same("شؤون", "شئون")


def test_hamza_on_yeh_becomes_yeh() -> None:
    assert normalize("هيئة") == "هييه"
    assert same("قائمة", "قايمة")


def test_standalone_hamza_is_kept() -> None:
    assert normalize("كهرماء") == "كهرماء"
    assert normalize("ماء") != normalize("ما")


def test_hamza_rule_sees_through_diacritics_and_tatweel() -> None:
    assert normalize("مسئُول") == normalize("مسـؤول") == "مسوول"


def test_taa_marbuta_matches_heh() -> None:
    assert normalize("رخصة") == "رخصه"
    assert same("فاتورة", "فاتوره")


def test_alef_maqsura_matches_yeh() -> None:
    assert same("شكوى", "شكوي")
    assert same("مستشفى", "مستشفي")


def test_harakat_are_stripped() -> None:
    assert normalize("رُخْصَةُ") == "رخصه"
    # every mark U+064B..U+0655 and U+0670 (superscript alef)
    marks = "".join(chr(c) for c in range(0x064B, 0x0656)) + "\u0670"
    assert normalize("ر" + marks + "خصه") == "رخصه"


def test_shadda_is_stripped() -> None:
    assert same("تسجّيل", "تسجيل")


def test_tatweel_is_stripped() -> None:
    assert normalize("تـجـديـد") == "تجديد"


@pytest.mark.parametrize("mark", [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
    "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\ufeff",
])
def test_bidi_and_zero_width_marks_are_removed(mark: str) -> None:
    assert normalize(f"تج{mark}ديد") == "تجديد"
    assert normalize(f"{mark}500{mark}") == "500"


# -- digits -------------------------------------------------------------------------------

def test_arabic_indic_digits_become_ascii() -> None:
    assert normalize("٠١٢٣٤٥٦٧٨٩") == "0123456789"


def test_extended_arabic_indic_digits_become_ascii() -> None:
    assert normalize("۰۱۲۳۴۵۶۷۸۹") == "0123456789"


def test_any_unicode_decimal_digit_becomes_ascii() -> None:
    assert normalize("१२३") == "123"  # Devanagari
    assert normalize("１２３") == "123"  # full-width


def test_to_ascii_digits_keeps_punctuation_and_drops_bidi_marks() -> None:
    assert to_ascii_digits("+٩٧٤ ۵۵\u200f12-34") == "+974 5512-34"
    assert to_ascii_digits("MOI-RP-RENEW") == "MOI-RP-RENEW"
    assert to_ascii_digits("") == ""


# -- Latin --------------------------------------------------------------------------------

def test_latin_is_lower_cased() -> None:
    assert normalize("Renew RESIDENCE Permit") == "renew residence permit"


def test_latin_casefold_handles_sharp_s() -> None:
    assert normalize("Straße") == "strasse"


def test_latin_accents_are_stripped() -> None:
    assert normalize("Café Résumé naïve") == "cafe resume naive"


# -- punctuation and spacing --------------------------------------------------------------

def test_arabic_punctuation_becomes_space() -> None:
    assert normalize("تجديد،الإقامة؛متى؟") == "تجديد الاقامه متي"


def test_search_syntax_becomes_space() -> None:
    assert normalize('"renew*" OR -visa (a:b)+|~^ 100% \\x') == "renew or visa a b 100 x"


def test_underscore_and_emoji_become_space() -> None:
    assert normalize("visa_status 🙂 ok") == "visa status ok"


def test_whitespace_collapses() -> None:
    assert normalize("  تجديد \t\n  الإقامة  ") == "تجديد الاقامه"


def test_empty_and_blank_input() -> None:
    assert normalize("") == ""
    assert normalize("   ") == ""
    assert tokenize("!!! ؟؟ ...") == []


def test_normalize_is_idempotent() -> None:
    samples = ["مسؤولٌ عن الإقامةِ", "Café ٢٠٢٤ ﻻ", "تـجـديـد ی ک", "\u200fرخصة\u200e"]
    for text in samples:
        once = normalize(text)
        assert normalize(once) == once


# -- tokenize / is_arabic -----------------------------------------------------------------

def test_tokenize_splits_words_letters_and_digits() -> None:
    assert tokenize("تجديد رخصة القيادة (2024)") == ["تجديد", "رخصه", "القياده", "2024"]


def test_tokenize_keeps_letters_with_digits_together() -> None:
    assert tokenize("Metrash2") == ["metrash2"]


def test_tokenize_splits_arabic_glued_to_latin() -> None:
    assert tokenize("رخصةcar") == ["رخصه", "car"]


def test_is_arabic() -> None:
    assert is_arabic("تجديد")
    assert is_arabic("renew الإقامة")
    assert not is_arabic("renew")
    assert not is_arabic("٢٠٢٤")  # digits alone are not Arabic text
    assert not is_arabic("")


# -- Arabic light stemming ----------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("والبطاقات", "بطاقة"),
    ("مستشفى", "مستشفي"),
    ("الخدمات", "خدمة"),
    ("المخالفات", "مخالفة"),
    ("والرخص", "رخصة"),
    ("الشهادات", "شهادة"),
    ("بالسيارات", "سيارة"),
    ("للمواطنين", "مواطن"),
    ("طلبات", "طلب"),
])
def test_arabic_light_stem_meets(a: str, b: str) -> None:
    assert same_stem(a, b)


def test_root_waw_is_not_taken_for_the_conjunction() -> None:
    assert same_stem("وزارة", "الوزارة")
    assert same_stem("وفاة", "الوفاة")
    assert same_stem("وثيقة", "والوثيقة")


def test_conjunction_waw_is_removed() -> None:
    assert same_stem("وتجديد", "تجديد")


def test_two_letter_stems_are_not_cut_from_dual_and_plural_suffixes() -> None:
    assert same_stem("بيان", "بيانات")
    assert stem(normalize("ضمان")) == "ضمان"


def test_possessive_after_taa_marbuta_is_folded() -> None:
    assert same_stem("اقامتي", "الإقامة")
    assert same_stem("رخصتك", "رخصة")


def test_stem_exclusions_are_left_alone() -> None:
    assert stem(normalize("قطر")) == "قطر"
    assert same_stem("الدوحة", "دوحة")
    assert stem(normalize("كهرماء")) == "كهرماء"


def test_short_words_are_not_stemmed() -> None:
    assert stem("في") == "في"
    assert stem("ال") == "ال"


def test_stem_of_empty_and_other_scripts() -> None:
    assert stem("") == ""
    assert stem("2024") == "2024"
    assert stem("नमस्ते") == "नमस्ते"


# -- English stemming ---------------------------------------------------------------------

@pytest.mark.parametrize("group", [
    ("renewal", "renew", "renewing", "renewed", "renews"),
    ("licences", "licence", "license", "licenses", "licensed", "licensing"),
    ("registration", "register", "registered", "registering", "registrations"),
    ("application", "apply", "applied", "applies", "applicant"),
    ("cancelled", "canceled", "cancel", "cancellation"),
    ("violation", "violations", "violate"),
    ("fines", "fine"),
    ("services", "service"),
    ("organisation", "organization", "organise"),
    ("labour", "labor"),
    ("residence", "residency"),
    ("agencies", "agency"),
    ("inspection", "inspect"),
    ("approval", "approve", "approved"),
])
def test_english_stem_meets(group: tuple[str, ...]) -> None:
    stems = {stem(w) for w in group}
    assert len(stems) == 1, stems


def test_english_stemmer_is_conservative() -> None:
    assert stem("status") == "status"
    assert stem("bus") == "bus"
    assert stem("process") == "process"
    assert stem("speed") == "speed"
    assert stem("car") != stem("card")
