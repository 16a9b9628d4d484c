"""GET /routines/{id}/programme.ics: the programme as a calendar a phone imports, read back
with the icalendar library and its recurrences expanded with dateutil."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from flask.testing import FlaskClient
from icalendar import Calendar, Event

from service.api import routine_answers

from .conftest import LATEST, json_of, raw

THURSDAY = dt.date(2026, 12, 3)
PROBLEM = "application/problem+json"


def routine_id(client: FlaskClient, **fields: Any) -> str:
    response = client.post("/routines", json=fields)
    assert response.status_code == 200
    return str(json_of(response)["id"])


def events(data: bytes) -> list[Event]:
    calendar = Calendar.from_ical(data)
    return [component for component in calendar.walk("VEVENT") if isinstance(component, Event)]


def start_of(event: Event) -> dt.datetime:
    start = event.decoded("DTSTART")
    assert isinstance(start, dt.datetime)
    return start


def sessions(event: Event) -> list[dt.datetime]:
    """Every occurrence of an event, its RRULE expanded from its DTSTART."""
    rule = event["RRULE"].to_ical()
    assert isinstance(rule, bytes)
    return list(rrulestr(rule.decode(), dtstart=start_of(event)))


@pytest.mark.parametrize("days", [1, 2, 3, 5, 7])
def test_each_week_is_one_series_of_days_per_week_sessions(client: FlaskClient, days: int) -> None:
    """One event a programme week, each starting a week after the last at the time asked,
    floating (no time zone), lasting the week's minutes, with `days_per_week` sessions on
    distinct days inside its own week."""
    rid = routine_id(client, minutes=20, days_per_week=days)
    weeks = json_of(client.get(f"/routines/{rid}/programme"))["weeks"]
    response = client.get(f"/routines/{rid}/programme.ics?start={THURSDAY}&time=07:30")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    found = events(response.data)
    assert len(found) == len(weeks) == raw("rules.json", LATEST)["programme"]["weeks"]["value"]
    every: list[dt.datetime] = []
    for number, (event, week) in enumerate(zip(found, weeks, strict=True), start=1):
        first = dt.datetime.combine(THURSDAY + dt.timedelta(weeks=number - 1), dt.time(7, 30))
        assert start_of(event) == first
        assert start_of(event).tzinfo is None  # floating
        assert "TZID" not in event["DTSTART"].params
        assert event.decoded("DURATION") == dt.timedelta(minutes=week["estimated_minutes"])
        held = sessions(event)
        assert len(held) == days
        assert all(first <= when < first + dt.timedelta(weeks=1) for when in held)
        assert all(when.time() == dt.time(7, 30) for when in held)
        every += held
    assert len({when.date() for when in every}) == len(weeks) * days


def test_the_description_gives_each_item_and_dose_of_the_week(client: FlaskClient) -> None:
    """Week N's description names every item of the programme's week N with its numbers, and
    links to that week's routine in the language of the file."""
    rid = routine_id(client, minutes=20)
    weeks = json_of(client.get(f"/routines/{rid}/programme"))["weeks"]
    found = events(client.get(f"/routines/{rid}/programme.ics?start={THURSDAY}").data)
    for event, week in zip(found, weeks, strict=True):
        text = str(event["DESCRIPTION"])
        for section in week["sections"]:
            for item in section["items"]:
                dose = item["dosage"]
                figures = f"{dose['sets']} x {dose['reps'] or dose['duration_seconds']}"
                assert f"- {item['name']}: {figures}" in text
        assert text.endswith(f"/routines/{week['id']}?lang=en")


def test_the_doses_rise_with_the_programme_in_the_descriptions(client: FlaskClient) -> None:
    """The week's dose is in each description: the first and the last week differ as the
    programme's doses do (a mild pain follows the weekly schedule)."""
    rid = routine_id(client, minutes=20, pain=2)
    found = events(client.get(f"/routines/{rid}/programme.ics?start={THURSDAY}").data)
    weeks = json_of(client.get(f"/routines/{rid}/programme"))["weeks"]
    assert weeks[0]["sections"] != weeks[-1]["sections"]
    assert str(found[0]["DESCRIPTION"]) != str(found[-1]["DESCRIPTION"])


def test_uids_are_stable_and_distinct(client: FlaskClient) -> None:
    """The same programme gives the same UIDs whatever the start or time (a second import
    updates the events), one UID per event."""
    rid = routine_id(client, minutes=15)
    first = events(client.get(f"/routines/{rid}/programme.ics?start={THURSDAY}").data)
    later = events(client.get(f"/routines/{rid}/programme.ics?start=2027-01-04&time=09:00").data)
    uids = [str(event["UID"]) for event in first]
    assert uids == [str(event["UID"]) for event in later]
    assert len(set(uids)) == len(uids)
    other = events(client.get(f"/routines/{routine_id(client, minutes=25)}/programme.ics").data)
    assert not set(uids) & {str(event["UID"]) for event in other}


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (dt.date(2026, 12, 2), dt.date(2026, 12, 7)),  # a Wednesday
        (dt.date(2026, 12, 7), dt.date(2026, 12, 14)),  # a Monday: the next one
        (dt.date(2026, 12, 6), dt.date(2026, 12, 7)),  # a Sunday
    ],
)
def test_without_a_start_the_programme_starts_next_monday_at_six_pm(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, today: dt.date, monday: dt.date
) -> None:
    """No `start`: the next Monday after today, at 18:00, and the answer must be revalidated
    and never stored, since next Monday moves."""
    monkeypatch.setattr(routine_answers, "today", lambda: today)
    rid = routine_id(client, minutes=15)
    response = client.get(f"/routines/{rid}/programme.ics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    first = events(response.data)[0]
    assert start_of(first) == dt.datetime.combine(monday, dt.time(18, 0))


def test_a_moving_start_is_not_served_from_the_response_cache(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same URL without `start` asked on two dates gives two calendars: the hot path
    does not keep it."""
    rid = routine_id(client, minutes=15)
    starts = []
    for today in (dt.date(2026, 12, 2), dt.date(2026, 12, 9)):
        monkeypatch.setattr(routine_answers, "today", lambda today=today: today)
        starts.append(start_of(events(client.get(f"/routines/{rid}/programme.ics").data)[0]))
    assert [start.date() for start in starts] == [dt.date(2026, 12, 7), dt.date(2026, 12, 14)]


def test_with_a_start_the_file_is_immutable_and_revalidates(client: FlaskClient) -> None:
    """`start` given: the routine id pins the release, so the file never changes: a year and
    immutable, with an ETag that answers 304; it downloads as programme.ics."""
    rid = routine_id(client, minutes=15)
    url = f"/routines/{rid}/programme.ics?start={THURSDAY}"
    response = client.get(url)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Disposition"] == 'attachment; filename="programme.ics"'
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_calendar_follows_the_language(client: FlaskClient) -> None:
    """In Spanish the items are named as the Spanish release names them, and the file says
    Content-Language es."""
    rid = routine_id(client, minutes=15)
    response = client.get(f"/routines/{rid}/programme.ics?start={THURSDAY}&lang=es")
    assert response.headers["Content-Language"] == "es"
    week = json_of(client.get(f"/routines/{rid}/programme?lang=es"))["weeks"][0]
    text = str(events(response.data)[0]["DESCRIPTION"])
    for item in week["sections"][1]["items"]:
        assert f"- {item['name']}: " in text
    english = str(events(client.get(f"/routines/{rid}/programme.ics?start={THURSDAY}").data)[0])
    assert english != str(events(response.data)[0])


def test_every_line_is_folded_to_75_octets_with_crlf(client: FlaskClient) -> None:
    """RFC 5545 3.1: CRLF line ends, no line over 75 octets, folds never split a character
    (the Spanish text has accents)."""
    rid = routine_id(client, minutes=30)
    data = client.get(f"/routines/{rid}/programme.ics?start={THURSDAY}&lang=es").data
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert all(line.decode() for line in lines)  # each line is whole UTF-8
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_a_routine_that_is_not_ready_has_no_programme_to_schedule(client: FlaskClient) -> None:
    """A see-a-professional routine answers 409 problem+json."""
    question = next(q for q in raw("screening.json", LATEST) if q["urgency"] == "emergency")
    rid = routine_id(client, screening={question["id"]: True})
    response = client.get(f"/routines/{rid}/programme.ics")
    assert (response.status_code, response.mimetype) == (409, PROBLEM)
    assert json_of(response)["detail"] == (
        "This routine is see-a-professional: there is no programme to schedule."
    )


@pytest.mark.parametrize(
    "query",
    ["start=1999-12-31", "start=3000-01-01", "start=2026-02-30", "time=24:00", "time=soon"],
)
def test_a_start_or_time_out_of_range_is_422(client: FlaskClient, query: str) -> None:
    """Dates outside 2000-2999, impossible dates and times are 422 naming the field."""
    rid = routine_id(client, minutes=15)
    response = client.get(f"/routines/{rid}/programme.ics?{query}")
    assert (response.status_code, response.mimetype) == (422, PROBLEM)
    assert json_of(response)["errors"][0]["field"] == query.split("=")[0]
