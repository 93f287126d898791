"""Interview dates as people write them (``citra_eval._dates``).

The expected ISO forms are written by hand from the calendar.
"""

from __future__ import annotations

import datetime as dt

import pytest

from citra_eval._dates import DATE_FORMATS_HINT, parse_date


@pytest.mark.parametrize(("text", "iso"), [
    ("2021-03-09", "2021-03-09"),
    ("2021-3-9", "2021-03-09"),
    ("2021-03-09 10:30", "2021-03-09T10:30:00"),
    ("2021-03-09T10:30:05Z", "2021-03-09T10:30:05"),
    ("2021-03-09T10:30:00+07:00", "2021-03-09T10:30:00"),  # local clock time kept
    ("09/03/2021", "2021-03-09"),                            # day first, as in Indonesia
    ("9-3-2021", "2021-03-09"),
    ("9.3.2021", "2021-03-09"),
    ("9 Maret 2021", "2021-03-09"),
    ("9 Mar 2021", "2021-03-09"),
    ("9 Mar. 2021", "2021-03-09"),
    ("17 Agustus 1945", "1945-08-17"),
    ("1 Nopember 2020", "2020-11-01"),
    ("Selasa, 9 Maret 2021", "2021-03-09"),
    ("Jum'at, 12 Maret 2021", "2021-03-12"),
    ("March 9, 2021", "2021-03-09"),
    ("March 9th, 2021", "2021-03-09"),
    ("Tuesday, 9 March 2021", "2021-03-09"),
    ("Kamis 2 Mei 2024", "2024-05-02"),                      # a weekday without a comma
    ("jumat 12/03/2021", "2021-03-12"),
    ("Sunday, 2024-05-05 10:30", "2024-05-05T10:30:00"),
    ("  9   MARET   2021 ", "2021-03-09"),
    ("29/02/2020", "2020-02-29"),                            # a leap day
])
def test_written_forms(text, iso):
    assert parse_date(text) == iso


def test_date_objects_and_blanks():
    assert parse_date(dt.date(2021, 3, 9)) == "2021-03-09"
    assert parse_date(dt.datetime(2021, 3, 9, 10, 30)) == "2021-03-09T10:30:00"
    aware = dt.datetime(2021, 3, 9, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert parse_date(aware) == "2021-03-09T10:30:00"
    assert parse_date(None) is None
    assert parse_date("   ") is None


@pytest.mark.parametrize(("value", "why"), [
    ("31/02/2021", "day is out of range"),
    ("29/02/2021", "day is out of range"),          # 2021 is not a leap year
    ("03/15/2021", "the day comes first"),          # month/day order is refused, not guessed
    ("9 Marx 2021", "'Marx' is not a month name"),
    ("kemarin", "unknown form"),
    ("2021", "unknown form"),
    (2021, "is not a date"),
    (True, "is not a date"),
])
def test_refusals_say_what_is_accepted(value, why):
    with pytest.raises(ValueError) as info:
        parse_date(value)
    message = str(info.value)
    assert why in message
    assert DATE_FORMATS_HINT in message


@pytest.mark.parametrize(("text", "said"), [
    # sixteenth session: a weekday that contradicts the date was dropped unchecked
    ("Senin, 2 Mei 2024", "'Senin, 2 Mei 2024': 2 May 2024 was a Thursday (Kamis), not a "
                          "Monday (Senin)"),
    ("Friday 9 March 2021", "9 March 2021 was a Tuesday (Selasa), not a Friday (Jumat)"),
])
def test_a_weekday_that_is_not_the_dates_is_refused(text, said):
    with pytest.raises(ValueError) as info:
        parse_date(text)
    assert said in str(info.value) and "weekday" in str(info.value)
