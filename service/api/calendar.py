"""A programme as an iCalendar file (RFC 5545): one event series a week, its sessions by RRULE.

Week N of the programme is one VEVENT starting on the programme's start date plus N-1 weeks,
at a floating local time (no TZID: the phone's own time zone), lasting the week's estimated
minutes, repeated by `RRULE:FREQ=WEEKLY;COUNT=d;BYDAY=...` on `days_per_week` days spread over
the week. Its description lists the week's items and doses. The UID of each event is made from
the week's routine id, so the same programme gives the same UIDs and a phone updates rather
than duplicates the events on a second import.

The few words that are not content (the doses' units, "week") are interface labels, from
wording.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from .wording import dose_text
from .wording import labels as words_of

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LINE_OCTETS = 75  # RFC 5545 3.1: content lines are folded after 75 octets
PRODUCT = "-//metatarsalgia-service//programme//EN"


def session_days(start: dt.date, days_per_week: int) -> list[str]:
    """The weekdays of a week's sessions: `days_per_week` spread evenly from the start day."""
    offsets = [index * 7 // days_per_week for index in range(days_per_week)]
    return [WEEKDAYS[(start.weekday() + offset) % 7] for offset in offsets]


def programme_calendar(
    weeks: Sequence[Mapping[str, Any]],
    *,
    start: dt.date,
    time: dt.time,
    language: str,
    base_url: str,
) -> bytes:
    """The iCalendar bytes of a programme's weeks (routine JSON, as /programme gives them)."""
    labels = words_of(language)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(labels['title'])}",
    ]
    stamp = f"{start:%Y%m%d}T000000Z"  # fixed per start, so the same request gives the same bytes
    for week in weeks:
        number = week["week"]
        first = dt.datetime.combine(start + dt.timedelta(weeks=number - 1), time)
        days = week["request"]["days_per_week"]
        summary = f"{labels['title']} ({labels['week']} {number}/{len(weeks)})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(week['id'])}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{first:%Y%m%dT%H%M%S}",
            f"DURATION:PT{week['estimated_minutes']}M",
            f"RRULE:FREQ=WEEKLY;COUNT={days};BYDAY={','.join(session_days(first.date(), days))}",
            f"SUMMARY:{_text(summary)}",
            f"DESCRIPTION:{_text(_description(week, labels, language, base_url))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode()


def _description(
    week: Mapping[str, Any], labels: Mapping[str, str], language: str, base_url: str
) -> str:
    found = [
        f"- {item['name']}: {dose_text(item, labels)}"
        for section in week["sections"]
        for item in section["items"]
    ]
    link = f"{base_url}/routines/{week['id']}?lang={language}"
    found += [week["safety_notice"]["summary"], f"{labels['details']}: {link}"]
    return "\n".join(found)


def _uid(routine_id: str) -> str:
    return f"{hashlib.sha256(routine_id.encode()).hexdigest()[:32]}@metatarsalgia-service"


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """A content line folded after at most 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1  # a folded line starts with a space
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)
