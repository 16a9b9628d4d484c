"""Feedback decisions at their edges: red flags by urgency, the pain thresholds, unknown answers.

Expected outcomes are spelled from rules.json and screening.json: see a professional at 7,
the severe band (7-10, urgency `soon`), each question's urgency, and the reasons' texts.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from service.domain import (
    Decision,
    Effort,
    Feedback,
    Outcome,
    Release,
    RoutineError,
    Urgency,
    decide,
    generate_routine,
    load_releases,
    request_for,
)

from .conftest import RELEASES, latest_with_rules

RELEASE, RULES = latest_with_rules()
QUESTIONS = {question.id: question for question in RELEASE.screening}
ALL_NO = sorted(QUESTIONS)
REQUEST = request_for(RELEASE, {"pain": 2, "screening_no": ALL_NO})
TEXT = RULES.feedback.reasons
SEVERE = RULES.pain.named("severe")


def session(
    during: int = 1,
    next_day: int = 2,
    effort: Effort = Effort.RIGHT,
    *,
    pain_before: int | None = None,
    screening: tuple[str, ...] = (),
    screening_no: tuple[str, ...] = (),
) -> Feedback:
    return Feedback(during, next_day, effort, True, pain_before, screening, screening_no)


@pytest.mark.parametrize("answers", ["yes", "no"])
def test_an_answer_to_a_question_not_asked_is_refused_as_screening(answers: str) -> None:
    """Yes or no, an unknown question id in feedback names the `screening` field."""
    answer = ("no-such-question",)
    given = session(screening=answer) if answers == "yes" else session(screening_no=answer)
    with pytest.raises(RoutineError) as caught:
        decide(RELEASE, REQUEST, given)
    assert caught.value.fields == ("screening",)
    assert str(caught.value) == "screening: 'no-such-question' is not a screening question"


def test_red_flags_send_to_a_professional_most_urgent_first() -> None:
    """A `soon` and an `emergency` question answered yes: the emergency's urgency and text
    come first, then each question's advice, the more urgent first, each text once (the
    emergency question's advice is the emergency text itself); no next routine."""
    soon, now = QUESTIONS["numbness-or-tingling"], QUESTIONS["foot-pale-blue-or-cold"]
    assert (soon.urgency, now.urgency) == (Urgency.SOON, Urgency.EMERGENCY)
    assert now.advice == RULES.urgency[Urgency.EMERGENCY] != soon.advice
    outcome = decide(RELEASE, REQUEST, session(screening=(soon.id, now.id)))
    assert outcome == Outcome(
        Decision.SEE_A_PROFESSIONAL,
        (("red-flag", TEXT["red-flag"]),),
        None,
        Urgency.EMERGENCY,
        (RULES.urgency[Urgency.EMERGENCY], soon.advice),
    )


@pytest.mark.parametrize(("during", "next_day"), [(7, 3), (3, 7), (9, 8)])
def test_pain_of_seven_in_either_score_sends_to_a_professional(during: int, next_day: int) -> None:
    """7 is the first score of the severe band, which is not ready: its urgency (`soon`) and
    advice come with the decision."""
    assert SEVERE.advice is not None
    assert (SEVERE.min, SEVERE.urgency, RULES.feedback.see_a_professional_at.value) == (
        7,
        Urgency.SOON,
        7,
    )
    assert decide(RELEASE, REQUEST, session(during, next_day)) == Outcome(
        Decision.SEE_A_PROFESSIONAL,
        (("pain-too-high", TEXT["pain-too-high"]),),
        None,
        Urgency.SOON,
        (RULES.urgency[Urgency.SOON], SEVERE.advice),
    )


def test_a_red_flag_and_high_pain_give_both_reasons() -> None:
    """An urgent question and pain 8: both reasons; urgent outranks the band's `soon`."""
    urgent = QUESTIONS["swelling-redness-or-warmth"]
    outcome = decide(RELEASE, REQUEST, session(8, 2, screening=(urgent.id,)))
    assert outcome.reasons == (
        ("red-flag", TEXT["red-flag"]),
        ("pain-too-high", TEXT["pain-too-high"]),
    )
    assert outcome.urgency is Urgency.URGENT
    assert outcome.advice == (RULES.urgency[Urgency.URGENT], urgent.advice, SEVERE.advice)


def test_sessions_that_keep_holding_end_in_seeing_a_professional_soon() -> None:
    """The third answer in a row that is not progress (streak 2, then a hard session): see a
    professional for an appointment, with no band or question behind it."""
    assert RULES.feedback.not_improving_after.value == 3
    request = request_for(RELEASE, {"pain": 2, "screening_no": ALL_NO, "streak": 2})
    assert decide(RELEASE, request, session(effort=Effort.HARD)) == Outcome(
        Decision.SEE_A_PROFESSIONAL,
        (("effort-hard", TEXT["effort-hard"]), ("not-improving", TEXT["not-improving"])),
        None,
        Urgency.SOON,
        (RULES.urgency[Urgency.SOON],),
    )


def test_next_day_pain_above_the_usual_holds_the_dose() -> None:
    """Usual pain 3, next day 4: more than 3 + 0 (hold) but not 3 + 1 (step back)."""
    assert RULES.feedback.hold_next_day_rise.value == 0
    outcome = decide(RELEASE, REQUEST, session(1, 4, pain_before=3))
    assert outcome.decision is Decision.HOLD
    assert outcome.reasons == (
        ("pain-next-day-above-baseline", TEXT["pain-next-day-above-baseline"]),
    )


def released_with(tmp_path: Path, **feedback: int) -> Release:
    """Release 1.1.0 with some feedback thresholds changed in its rules.json."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / RELEASE.version, root / RELEASE.version)
    path = root / RELEASE.version / "rules.json"
    rules = json.loads(path.read_text(encoding="utf-8"))
    for key, value in feedback.items():
        rules["feedback"][key]["value"] = value
    path.write_text(json.dumps(rules), encoding="utf-8")
    return load_releases(root)[RELEASE.version]


def test_the_next_day_rises_are_allowances_above_the_usual_pain(tmp_path: Path) -> None:
    """A hold rise of 2 and a step-back rise of 3: with usual pain 3, next day 5 is within
    3 + 2 (progress) and 6 above it (hold); with usual pain 2, 6 is above 2 + 3 (step back)."""
    release = released_with(tmp_path, hold_next_day_rise=2, step_back_next_day_rise=3)
    request = request_for(release, {"pain": 3, "screening_no": ALL_NO})
    assert decide(release, request, session(1, 5)).decision is Decision.PROGRESS
    assert decide(release, request, session(1, 6)).reasons == (
        ("pain-next-day-above-baseline", TEXT["pain-next-day-above-baseline"]),
    )
    assert decide(release, request, session(1, 6, pain_before=2)).reasons == (
        ("pain-next-day-rose", TEXT["pain-next-day-rose"]),
    )


def test_not_improving_at_moderate_pain_adds_no_band_advice() -> None:
    """The moderate band is ready: when sessions at pain 5 stop improving, its advice is not a
    reason to see a professional; only the appointment text is given."""
    moderate = RULES.pain.named("moderate")
    assert moderate.ready
    assert moderate.advice
    request = request_for(RELEASE, {"pain": 5, "screening_no": ALL_NO, "streak": 2})
    outcome = decide(RELEASE, request, session(5, 5))
    assert outcome.reasons[-1] == ("not-improving", TEXT["not-improving"])
    assert (outcome.urgency, outcome.advice) == (Urgency.SOON, (RULES.urgency[Urgency.SOON],))


def test_the_severe_bands_own_urgency_is_the_outcomes(tmp_path: Path) -> None:
    """With the severe band made `urgent`, pain 8 is urgent, in feedback and in a routine."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / RELEASE.version, root / RELEASE.version)
    path = root / RELEASE.version / "rules.json"
    rules = json.loads(path.read_text(encoding="utf-8"))
    rules["pain"]["bands"][2]["urgency"] = "urgent"
    path.write_text(json.dumps(rules), encoding="utf-8")
    release = load_releases(root)[RELEASE.version]
    request = request_for(release, {"pain": 2, "screening_no": ALL_NO})
    assert decide(release, request, session(8, 2)).urgency is Urgency.URGENT
    routine = generate_routine(release, request_for(release, {"pain": 8, "screening_no": ALL_NO}))
    assert [(r.code, r.urgency) for r in routine.reasons] == [("severe", Urgency.URGENT)]
