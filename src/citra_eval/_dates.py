"""Interview dates as written by people: ISO, ``dd/mm/yyyy``, ``9 Maret 2021``, ``March 9, 2021``.

One parser, used when transcripts are read (a transcript's ``date`` is stored as an ISO string)
and wherever documents are put in date order.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["DATE_FORMATS_HINT", "parse_date"]

#: What the error messages suggest.
DATE_FORMATS_HINT = "write it as 2021-03-09, 09/03/2021 (day/month/year) or 9 Maret 2021"

_MONTHS = {
    # Indonesian
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11,
    "desember": 12,
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8,
    "ags": 8, "agus": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "nop": 11, "des": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10, "december": 12, "aug": 8, "oct": 10, "dec": 12,
}
#: Weekday names, Monday = 0 (as :meth:`datetime.date.weekday`).
_WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4,
             "sabtu": 5, "minggu": 6, "ahad": 6,
             "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}
_DAY_NAMES = [("Monday", "Senin"), ("Tuesday", "Selasa"), ("Wednesday", "Rabu"),
              ("Thursday", "Kamis"), ("Friday", "Jumat"), ("Saturday", "Sabtu"),
              ("Sunday", "Minggu")]
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]
#: A leading weekday name, then a comma, a full stop or a space.
_WEEKDAY = re.compile(r"([^\W\d_]+(?:'[^\W\d_]+)?)(?:\s*,\s*|\.?\s+)")

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?")
_ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_D_MONTH_Y = re.compile(r"(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})")
_MONTH_D_Y = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")


def parse_date(value: object) -> str | None:
    """The ISO form (``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM:SS`` with a time) of a date.

    Accepts a :class:`datetime.date`/:class:`~datetime.datetime` (what YAML makes of an
    unquoted ``2021-03-09``), and text: ISO ``2021-03-09`` (optionally with a time
    ``2021-03-09 10:30``, or a timestamp ``2021-03-09T10:30:00Z``, kept in its local
    clock time), ``09/03/2021``, ``9-3-2021`` or ``9.3.2021`` (day first, as
    written in Indonesia), ``9 Maret 2021`` / ``9 Mar 2021`` (Indonesian month names and
    abbreviations), ``9 March 2021`` / ``March 9, 2021`` (English), each optionally after a
    weekday (``Selasa, 9 Maret 2021`` or ``Selasa 9 Maret 2021``, Indonesian or English), which
    must be the date's. None or blank text gives None.

    Raises
    ------
    ValueError
        For anything else, or a day that does not exist (``31/02/2021``); the message says
        which forms are accepted. A weekday that is not the date's (``Senin, 2 Mei 2024``:
        a Thursday), naming the date's weekday.

    Examples
    --------
    >>> parse_date("9 Maret 2021"), parse_date("15/01/2021"), parse_date("March 9, 2021")
    ('2021-03-09', '2021-01-15', '2021-03-09')
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date; {DATE_FORMATS_HINT}")
    text = " ".join(value.split())
    if not text:
        return None
    weekday = None
    if (m := _WEEKDAY.match(text)) and m[1].casefold() in _WEEKDAYS:
        weekday, text = _WEEKDAYS[m[1].casefold()], text[m.end():]
    try:
        iso = _parse_text(text)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date I can read ({exc}); "
                         f"{DATE_FORMATS_HINT}") from None
    day = _dt.date.fromisoformat(iso[:10])
    if weekday is not None and day.weekday() != weekday:
        (was, was_id), (said, said_id) = _DAY_NAMES[day.weekday()], _DAY_NAMES[weekday]
        raise ValueError(f"{value!r}: {day.day} {_MONTH_NAMES[day.month - 1]} {day.year} was "
                         f"a {was} ({was_id}), not a {said} ({said_id}): the weekday and the "
                         "date disagree; correct the one that is wrong, or leave the weekday "
                         "out")
    return iso


def _parse_text(text: str) -> str:
    if m := _ISO_TIME.fullmatch(text):
        y, mo, d, hh, mm, ss = (int(g or 0) for g in m.groups())
        return _dt.datetime(y, mo, d, hh, mm, ss).isoformat()
    if _ISO_STAMP.fullmatch(text):  # e.g. a REFI-QDA DateTimeValue 2021-03-09T10:30:00Z
        return _dt.datetime.fromisoformat(text).replace(tzinfo=None).isoformat()
    if m := _ISO.fullmatch(text):
        y, mo, d = map(int, m.groups())
        return _day(y, mo, d)
    if m := _DMY.fullmatch(text):
        d, mo, y = map(int, m.groups())
        if mo > 12 >= d:
            raise ValueError(f"month {mo} does not exist; the day comes first (dd/mm/yyyy)")
        return _day(y, mo, d)
    if m := _D_MONTH_Y.fullmatch(text):
        d, name, y = m.groups()
        return _day(int(y), _month(name), int(d))
    if m := _MONTH_D_Y.fullmatch(text):
        name, d, y = m.groups()
        return _day(int(y), _month(name), int(d))
    raise ValueError("unknown form")


def _month(name: str) -> int:
    try:
        return _MONTHS[name.casefold()]
    except KeyError:
        raise ValueError(f"{name!r} is not a month name") from None


def _day(y: int, mo: int, d: int) -> str:
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError as exc:
        raise ValueError(str(exc)) from None
