"""Decide a programme's next step from how a session went, by the release's feedback rules.

The rules come from the release (`rules.json`, `feedback`), after the pain-monitoring model of
loading programmes; the first rule that matches decides. Raises ``RoutineError`` for answers
that name unknown screening questions, ``NoRoutines`` for a release without rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from .model import FeedbackRules, Release, Urgency
from .requests import RoutineError, RoutineRequest, check_request
from .routines import band_of, current_stage, placed_stage


class Decision(StrEnum):
    """The next step after a session: progress, hold, step back or see a professional."""

    PROGRESS = "progress"
    HOLD = "hold"
    STEP_BACK = "step-back"
    SEE_A_PROFESSIONAL = "see-a-professional"


class Effort(StrEnum):
    """How hard the session felt, as the person reports it."""

    EASY = "easy"
    RIGHT = "right"
    HARD = "hard"


@dataclass(frozen=True, slots=True)
class Feedback:
    """How one session went, as the person reports it."""

    pain_during: int
    pain_next_day: int
    effort: Effort
    completed: bool
    pain_before: int | None = None
    screening: tuple[str, ...] = ()  # ids answered yes
    screening_no: tuple[str, ...] = ()  # ids answered no


@dataclass(frozen=True, slots=True)
class Outcome:
    """The decision on a session, its reasons, and the request of the next routine if any."""

    decision: Decision
    reasons: tuple[tuple[str, str], ...]  # (code, text)
    next: RoutineRequest | None
    urgency: Urgency | None = None  # with see-a-professional: how soon
    advice: tuple[str, ...] = ()  # with see-a-professional: what to do


def _check_answers(release: Release, feedback: Feedback) -> None:
    """Raises RoutineError for an answer to a question that the release does not ask."""
    questions = {question.id for question in release.screening}
    for name in (*feedback.screening, *feedback.screening_no):
        if name not in questions:
            raise RoutineError("screening", f"{name!r} is not a screening question")


def _baseline(limits: FeedbackRules, request: RoutineRequest, feedback: Feedback) -> int:
    """The pain next-day pain is held against: `pain_before`, the routine's, or the default."""
    if feedback.pain_before is not None:
        return feedback.pain_before
    if request.pain is not None:
        return request.pain
    return limits.default_baseline.value


def decide(release: Release, request: RoutineRequest, feedback: Feedback) -> Outcome:
    """The decision on a session of the request's routine, and the request of the next one.

    Raises NoRoutines for a release without rules; RoutineError naming a bad field.
    """
    rules = check_request(release, request)
    _check_answers(release, feedback)
    limits = rules.feedback
    texts = limits.reasons
    during, next_day = feedback.pain_during, feedback.pain_next_day
    baseline = _baseline(limits, request, feedback)
    stage = placed_stage(release, request)
    answered_no = tuple(sorted({*request.screening_no, *feedback.screening_no}))

    def reasons(*codes: str) -> tuple[tuple[str, str], ...]:
        return tuple((code, texts[code]) for code in codes)

    def see_a_professional(*codes: str) -> Outcome:
        """With the urgency and advice of the red flags and pain band behind it, most urgent
        first; a programme that is not improving is for an appointment (`soon`)."""
        flagged = [q for q in release.screening if q.id in feedback.screening]
        causes = [(q.urgency or Urgency.SOON, q.advice) for q in flagged]
        worst = rules.pain.band(max(during, next_day))
        if not worst.ready and worst.advice:
            causes.append((worst.urgency or Urgency.SOON, worst.advice))
        causes.sort(key=lambda cause: -cause[0].rank)
        urgency = causes[0][0] if causes else Urgency.SOON
        advice = (rules.urgency[urgency], *(text for _, text in causes))
        return Outcome(
            Decision.SEE_A_PROFESSIONAL,
            reasons(*codes),
            None,
            urgency,
            tuple(dict.fromkeys(advice)),
        )

    too_high = limits.see_a_professional_at.value
    if feedback.screening or during >= too_high or next_day >= too_high:
        codes = ["red-flag"] if feedback.screening else []
        codes += ["pain-too-high"] if max(during, next_day) >= too_high else []
        return see_a_professional(*codes)

    streak = request.streak + 1
    step_back = [
        code
        for code, matched in (
            ("pain-during-high", during >= limits.step_back_pain_during.value),
            ("pain-next-day-rose", next_day > baseline + limits.step_back_next_day_rise.value),
        )
        if matched
    ]
    hold = [
        code
        for code, matched in (
            ("pain-during-moderate", during >= limits.hold_pain_during.value),
            ("pain-next-day-above-baseline", next_day > baseline + limits.hold_next_day_rise.value),
            ("effort-hard", feedback.effort is Effort.HARD),
            ("not-completed", not feedback.completed),
        )
        if matched
    ]
    if step_back or hold:
        if streak >= limits.not_improving_after.value:
            return see_a_professional(*(step_back or hold), "not-improving")
        if step_back:
            following = replace(
                request,
                week=max(1, request.week - 1),
                band=limits.step_back_band,
                earned=max(0, stage - 1),
                streak=streak,
                screening_no=answered_no,
            )
            return Outcome(Decision.STEP_BACK, reasons(*step_back), following)
        following = replace(request, streak=streak, earned=stage, screening_no=answered_no)
        return Outcome(Decision.HOLD, reasons(*hold), following)
    if request.week >= rules.programme.weeks.value:
        following = replace(request, streak=0, earned=stage, screening_no=answered_no)
        return Outcome(Decision.HOLD, reasons("programme-complete"), following)
    following = replace(
        request, week=request.week + 1, earned=stage + 1, streak=0, screening_no=answered_no
    )
    # Feedback earned a step the time asked for has no room for: the doses stay, and say why.
    placed = placed_stage(release, following)
    capped = current_stage(rules, band_of(rules, following), following) > placed
    progress = ("within-limits", "time-limit") if capped else ("within-limits",)
    return Outcome(Decision.PROGRESS, reasons(*progress), following)
