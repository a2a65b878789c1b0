"""Public holidays from the ``holidays`` package, and custom closures, as plain date sets."""

from datetime import date

import pytest

from hypercare.sla.business_time import closure_days, public_holidays


def test_karnataka_has_its_state_holiday_besides_the_national_ones() -> None:
    karnataka = public_holidays("IN", "KA", range(2025, 2026))
    india = public_holidays("IN", None, range(2025, 2026))

    karnataka_rajyotsava, republic_day = date(2025, 11, 1), date(2025, 1, 26)
    assert {karnataka_rajyotsava, republic_day} <= karnataka
    assert republic_day in india
    assert karnataka_rajyotsava not in india


def test_england_and_scotland_close_on_different_days() -> None:
    england = public_holidays("GB", "ENG", range(2025, 2026))
    scotland = public_holidays("GB", "SCT", range(2025, 2026))

    spring_bank_holiday, boxing_day = date(2025, 5, 26), date(2025, 12, 26)
    assert {spring_bank_holiday, boxing_day} <= england
    assert date(2025, 1, 2) in scotland
    assert date(2025, 1, 2) not in england


def test_a_holiday_on_a_saturday_is_observed_on_the_friday_before() -> None:
    united_states = public_holidays("US", None, range(2025, 2027))

    assert {date(2025, 7, 4), date(2025, 11, 27), date(2026, 7, 3)} <= united_states


def test_only_the_requested_years_are_loaded() -> None:
    holidays = public_holidays("GB", "ENG", range(2025, 2027))

    assert {day.year for day in holidays} == {2025, 2026}
    assert date(2026, 12, 25) in holidays
    assert date(2027, 1, 1) not in holidays


def test_an_unknown_country_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="country: 'XX' is not a country code"):
        public_holidays("XX", None, range(2025, 2026))


def test_an_unknown_subdivision_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match="subdivision: 'ZZ' is not a subdivision of GB; known: ENG"
    ):
        public_holidays("GB", "ZZ", range(2025, 2026))


def test_a_closure_covers_every_day_from_first_to_last() -> None:
    exam_week = closure_days(date(2025, 12, 29), date(2026, 1, 2))

    assert sorted(exam_week) == [
        date(2025, 12, 29),
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 1, 2),
    ]
    assert closure_days(date(2025, 6, 9), date(2025, 6, 9)) == {date(2025, 6, 9)}


def test_a_closure_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="last: the closure ends"):
        closure_days(date(2025, 6, 13), date(2025, 6, 9))
