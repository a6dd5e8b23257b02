"""Segment arithmetic against the published GSM 03.38 / UCS-2 vectors (and Twilio's calculator)."""

from __future__ import annotations

import random

import pytest

from sms_gateway.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    count,
    encoding_for,
    fit,
    fit_parts,
    fits,
    screen_fits,
    screen_length,
)

ALEF = "\u0627"  # Arabic letter alef: one UCS-2 unit
BEH = "\u0628"
FATHA = "\u064e"  # combining Arabic vowel mark
EMOJI = "\U0001f600"  # outside the BMP: a surrogate pair, 2 UTF-16 units


# --------------------------------------------------------------------------- encoding
def test_gsm_tables_have_the_published_sizes() -> None:
    # 128 code points minus ESC; 9 extension characters plus form feed.
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10


def test_ascii_part_of_the_basic_table() -> None:
    # Every printable ASCII char is basic GSM except the backtick (no code) and the
    # extension-table brackets/caret/tilde/pipe/backslash.
    printable = {chr(c) for c in range(0x20, 0x7F)}
    assert printable & GSM7_BASIC == printable - set("`[\\]^{|}~")
    assert set("[\\]^{|}~") <= GSM7_EXTENSION


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hello, world!",
        "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑ\u00dc\u00a7¿äöñüà",
        "line\r\nnext",
        "{[~]}|^\\€",
    ],
)
def test_gsm7_texts(text: str) -> None:
    assert encoding_for(text) == "GSM-7"


@pytest.mark.parametrize(
    "text",
    [
        "ç",  # only capital Ç is in the table
        "á",
        "`",  # 0x60 in GSM is ¿, the backtick has no GSM code
        "\u201cquotes\u201d",
        "مرحبا",
        "STATUS 1234 حالة",  # mixed Arabic/Latin
        "hi " + EMOJI,
    ],
)
def test_ucs2_texts(text: str) -> None:
    assert encoding_for(text) == "UCS-2"


# --------------------------------------------------------------------------- GSM-7 counts
@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_segment_vectors(length: int, segments: int) -> None:
    info = count("a" * length)
    assert (info.encoding, info.units, info.segments) == ("GSM-7", length, segments)
    assert info.per_segment_limit == (160 if segments == 1 else 153)


def test_extension_chars_cost_two_septets() -> None:
    assert count("€" * 80).units == 160
    assert count("€" * 80).segments == 1
    assert count("€" * 81).segments == 2
    assert count("a" * 159 + "€").segments == 2


def test_escape_pair_never_straddles_a_segment_boundary() -> None:
    # 152 septets leave 1 free in segment 1; the 2-septet € must open segment 2.
    # Naively 306 septets would be 2 segments; packed correctly it is 3 (152 | 153 | 1).
    text = "a" * 152 + "€" + "b" * 152
    assert count(text).units == 306
    assert count(text).segments == 3
    assert count("a" * 152 + "€" + "b" * 151).segments == 2


# --------------------------------------------------------------------------- UCS-2 counts
@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_segment_vectors(length: int, segments: int) -> None:
    info = count(ALEF * length)
    assert (info.encoding, info.units, info.segments) == ("UCS-2", length, segments)
    assert info.per_segment_limit == (70 if segments == 1 else 67)


def test_emoji_counts_two_units() -> None:
    assert count(EMOJI * 35).units == 70
    assert count(EMOJI * 35).segments == 1
    assert count(EMOJI * 36).segments == 2


def test_surrogate_pair_never_straddles_a_segment_boundary() -> None:
    # 66 units + a 2-unit emoji cannot share segment 1 (67): 66 | 2+65 | 1 -> 3 segments.
    text = ALEF * 66 + EMOJI + ALEF * 66
    assert count(text).units == 134
    assert count(text).segments == 3


def test_gsm_extension_chars_cost_one_unit_in_ucs2() -> None:
    assert count("€" + ALEF).units == 2


def test_empty_text_is_zero_segments() -> None:
    assert count("").segments == 0
    assert count("").units == 0


# --------------------------------------------------------------------------- fit
def test_fit_returns_text_unchanged_when_it_fits() -> None:
    assert fit("a" * 459, suffix=" MORE") == "a" * 459
    assert fit(BEH * 201, suffix=" المزيد") == BEH * 201


def _words_text(n: int, rng: random.Random, vocabulary: list[str]) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def test_fit_cuts_gsm_text_at_word_boundary_and_is_longest() -> None:
    text = " ".join(f"word{i}" for i in range(200))
    result = fit(text, 3, suffix=" MORE")
    head = result.removesuffix(" MORE")
    assert result.endswith(" MORE") and fits(result, 3)
    assert text.startswith(head) and text[len(head)] == " "
    next_word = text[len(head) :].split()[0]
    assert not fits(head + " " + next_word + " MORE", 3)  # one more word would overflow


def test_fit_with_arabic_suffix_recounts_in_ucs2() -> None:
    text = " ".join(["hello"] * 80)  # 479 GSM-7 septets: fits nothing in UCS-2 limits
    result = fit(text, 3, suffix=" المزيد")
    assert count(result).encoding == "UCS-2"
    assert count(result).units <= 201
    assert result.endswith(" المزيد")


def test_fit_cuts_mid_word_only_for_a_word_longer_than_the_limit() -> None:
    assert fit("x" * 1000, 3) == "x" * 459
    assert fit("x" * 1000, 3, suffix=" MORE") == "x" * 454 + " MORE"
    # A short first word followed by a giant one: the page is filled, not left nearly empty.
    assert len(fit("hi " + "y" * 1000, 1)) == 160


def test_fit_never_orphans_a_combining_mark() -> None:
    word = (BEH + FATHA) * 200  # one long Arabic word with vowel marks
    head, rest = fit_parts(word, 1)
    assert count(head).units <= 70
    assert not rest.startswith(FATHA)


def test_fit_parts_returns_the_remainder_for_paging() -> None:
    text = " ".join(f"w{i}" for i in range(300))
    head, rest = fit_parts(text, 1, suffix=" MORE")
    assert fits(head + " MORE", 1)
    assert (head + " " + rest).split() == text.split()


def test_fit_rejects_a_suffix_that_cannot_fit() -> None:
    with pytest.raises(ValueError):
        fit("a" * 1000, 1, suffix="b" * 161)


@pytest.mark.parametrize("max_segments", [1, 2, 3])
def test_fit_always_fits_and_cuts_at_boundaries_randomised(max_segments: int) -> None:
    rng = random.Random(974 + max_segments)
    vocabulary = ["service", "€uro", "خدمة", "الإقامة", EMOJI, "QID", "{x}", "تجديد", "a"]
    for _ in range(200):
        text = _words_text(rng.randint(1, 150), rng, vocabulary)
        suffix = rng.choice(["", " MORE", " المزيد"])
        result = fit(text, max_segments, suffix)
        assert fits(result, max_segments)
        if result == text:
            continue
        head = result[: len(result) - len(suffix)]
        assert text.startswith(head)
        assert text[len(head)].isspace()  # every vocabulary word fits, so never mid-word


# --------------------------------------------------------------------------- USSD screens
def test_ussd_gsm_screen_limit_counts_extension_chars_twice() -> None:
    assert screen_fits("a" * 182)
    assert not screen_fits("a" * 183)
    assert screen_fits("€" * 91)
    assert not screen_fits("a" * 181 + "€")
    assert screen_length("a{b}") == 6


def test_ussd_ucs2_screen_limit() -> None:
    assert screen_fits(ALEF * 80)
    assert not screen_fits(ALEF * 81)
    assert screen_fits("1. " + ALEF * 77)  # mixed text is UCS-2: 80 units
    assert not screen_fits("1. " + ALEF * 78)
    assert screen_fits(EMOJI * 40)
    assert not screen_fits(EMOJI * 41)
    assert screen_length(ALEF + "€") == 2


def test_ussd_limits_are_configurable() -> None:
    assert not screen_fits("a" * 161, gsm_limit=160)
    assert screen_fits(ALEF * 90, ucs2_limit=91)
