import datetime

import pytest

from memorials.anniversaries import (
    Precision,
    anniversaries_between,
    claimed_anniversary,
    falls_on,
    format_partial_date,
    is_milestone,
    nearest_anniversary,
    next_anniversaries,
    nth_anniversary,
    observed_date,
    ordinal,
)

D = datetime.date
BLACK_JANUARY = D(1990, 1, 20)
LEAP_DAY = D(2000, 2, 29)


@pytest.mark.parametrize(
    "number, expected",
    [
        (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (10, "10th"), (11, "11th"), (12, "12th"),
        (13, "13th"), (18, "18th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (100, "100th"),
        (101, "101st"), (111, "111th"), (112, "112th"), (113, "113th"), (121, "121st"),
    ],
)  # fmt: skip
def test_english_ordinals(number, expected):
    assert ordinal(number) == expected


@pytest.mark.parametrize(
    "number, milestone", [(5, True), (10, True), (35, True), (1, False), (18, False), (0, False)]
)
def test_milestones_every_fifth_year(number, milestone):
    assert is_milestone(number) is milestone


def test_the_nth_anniversary():
    eighteenth = nth_anniversary(BLACK_JANUARY, Precision.DAY, 18)
    assert eighteenth.date == D(2008, 1, 20)
    assert eighteenth.label == "18th anniversary"
    assert nth_anniversary(BLACK_JANUARY, Precision.DAY, 0) is None


def test_29_february_is_observed_on_28_february_in_common_years():
    assert observed_date(LEAP_DAY, 2001) == D(2001, 2, 28)
    assert observed_date(LEAP_DAY, 2004) == D(2004, 2, 29)
    assert nth_anniversary(LEAP_DAY, Precision.DAY, 1).date == D(2001, 2, 28)
    assert falls_on(LEAP_DAY, Precision.DAY, D(2001, 2, 28)).number == 1
    assert falls_on(LEAP_DAY, Precision.DAY, D(2004, 2, 28)) is None
    assert falls_on(LEAP_DAY, Precision.DAY, D(2004, 2, 29)).number == 4
    assert falls_on(LEAP_DAY, Precision.DAY, D(2001, 3, 1)) is None


def test_next_anniversaries_after_a_date():
    upcoming = next_anniversaries(BLACK_JANUARY, Precision.DAY, D(2026, 11, 25), count=3)
    assert [(a.number, a.date) for a in upcoming] == [
        (37, D(2027, 1, 20)),
        (38, D(2028, 1, 20)),
        (39, D(2029, 1, 20)),
    ]
    # The anniversary day itself still counts as upcoming.
    assert next_anniversaries(BLACK_JANUARY, Precision.DAY, D(2027, 1, 20))[0].number == 37
    assert next_anniversaries(BLACK_JANUARY, Precision.DAY, D(2027, 1, 21))[0].number == 38


def test_nothing_before_the_events_own_year():
    first = next_anniversaries(BLACK_JANUARY, Precision.DAY, D(1980, 6, 1))[0]
    assert (first.number, first.date) == (1, D(1991, 1, 20))
    assert falls_on(BLACK_JANUARY, Precision.DAY, BLACK_JANUARY) is None
    assert anniversaries_between(BLACK_JANUARY, Precision.DAY, D(1985, 1, 1), D(1990, 12, 31)) == []
    assert nearest_anniversary(BLACK_JANUARY, Precision.DAY, D(1990, 3, 1)).number == 1


def test_on_this_day():
    assert falls_on(BLACK_JANUARY, Precision.DAY, D(2008, 1, 20)).number == 18
    assert falls_on(BLACK_JANUARY, Precision.DAY, D(2008, 1, 21)) is None


def test_anniversaries_between_two_dates():
    found = anniversaries_between(BLACK_JANUARY, Precision.DAY, D(2026, 11, 25), D(2028, 11, 24))
    assert [a.number for a in found] == [37, 38]


def test_an_event_known_to_the_month_has_its_anniversary_in_a_month_never_on_a_day():
    march_1920 = D(1920, 3, 1)
    assert falls_on(march_1920, Precision.MONTH, D(2020, 3, 1)) is None
    hundredth = nth_anniversary(march_1920, Precision.MONTH, 100)
    assert hundredth.when == "March 2020"
    assert hundredth.period == (D(2020, 3, 1), D(2020, 3, 31))
    # Still upcoming while its month lasts.
    assert next_anniversaries(march_1920, Precision.MONTH, D(2020, 3, 20))[0].number == 100
    assert [
        a.number
        for a in anniversaries_between(march_1920, Precision.MONTH, D(2020, 3, 31), D(2020, 4, 1))
    ] == [100]


def test_an_event_known_to_the_year_has_its_anniversary_in_a_year():
    year_1918 = D(1918, 1, 1)
    assert falls_on(year_1918, Precision.YEAR, D(2018, 1, 1)) is None
    hundredth = nth_anniversary(year_1918, Precision.YEAR, 100)
    assert hundredth.when == "2018"
    assert next_anniversaries(year_1918, Precision.YEAR, D(2018, 12, 31))[0].number == 100


def test_the_anniversary_nearest_to_a_date():
    assert nearest_anniversary(BLACK_JANUARY, Precision.DAY, D(2008, 1, 21)).number == 18
    assert nearest_anniversary(BLACK_JANUARY, Precision.DAY, D(2007, 12, 30)).number == 18
    assert nearest_anniversary(BLACK_JANUARY, Precision.DAY, D(2008, 5, 1)).number == 18
    assert nearest_anniversary(BLACK_JANUARY, Precision.DAY, D(2008, 9, 1)).number == 19


@pytest.mark.parametrize(
    "value, precision, shown",
    [
        (D(1990, 1, 20), Precision.DAY, "20 January 1990"),
        (D(2008, 1, 1), Precision.MONTH, "January 2008"),
        (D(1918, 1, 1), Precision.YEAR, "1918"),
        (None, Precision.DAY, ""),
    ],
)
def test_partial_dates_are_shown_as_precisely_as_known(value, precision, shown):
    assert format_partial_date(value, precision) == shown


@pytest.mark.parametrize(
    "title, claimed",
    [
        ("THE BLACK JANUARY: 18th ANNIVERSARY OF THE SOVIET INVASION OF BAKY", 18),
        ("On the 21st anniversary of the tragedy", 21),
        ("Statement on the Twentieth Anniversary", 20),
        ("TWENTY-FIFTH ANNIVERSARY OF BLACK JANUARY", 25),
        ("The first anniversary", 1),
        ("Letter on Black January", None),
        ("Anniversary events in 2008", None),
    ],
)
def test_the_anniversary_a_title_claims(title, claimed):
    assert claimed_anniversary(title) == claimed
