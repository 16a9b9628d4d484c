"""The content model: immutable records built by the loader, read by the API and the generator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Position(StrEnum):
    """The position an item is done in."""

    SEATED = "seated"
    STANDING = "standing"


class Focus(StrEnum):
    """What an item works on; an item has one or more."""

    STRENGTH = "strength"
    FLEXIBILITY = "flexibility"
    BALANCE = "balance"
    MASSAGE = "massage"
    MOBILITY = "mobility"


class Difficulty(StrEnum):
    """How hard an item is, and the level a routine request asks for."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Load(StrEnum):
    """How much an item loads the ball of the foot."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class Urgency(StrEnum):
    """How soon a person should see a professional, least urgent first."""

    SOON = "soon"  # book an appointment
    URGENT = "urgent"  # the same day
    EMERGENCY = "emergency"  # now

    @property
    def rank(self) -> int:
        return _URGENCY_RANK[self]


_URGENCY_RANK = {urgency: rank for rank, urgency in enumerate(Urgency)}


class Progression(StrEnum):
    """How a pain band lets doses rise: by the weekly schedule, by feedback only, or not at all."""

    SCHEDULE = "schedule"
    FEEDBACK = "feedback"
    NONE = "none"


class Basis(StrEnum):
    """Where a dosage number comes from."""

    SOURCE = "source"
    DEFAULT = "default"


class Kind(StrEnum):
    """The kinds of catalogue entry; the value is the collection's name."""

    EXERCISE = "exercises"
    STRETCH = "stretches"
    PRECAUTION = "precautions"
    GUIDANCE = "guidance"
    SCREENING = "screening"

    @property
    def singular(self) -> str:
        """The name of one entry: exercise, stretch, precaution, guidance, screening question."""
        return _SINGULAR[self]


_SINGULAR = {
    Kind.EXERCISE: "exercise",
    Kind.STRETCH: "stretch",
    Kind.PRECAUTION: "precaution",
    Kind.GUIDANCE: "guidance",
    Kind.SCREENING: "screening question",
}


@dataclass(frozen=True, slots=True)
class Citation:
    """A part of a source that content cites: the source's id and the section."""

    source: str
    section: str


@dataclass(frozen=True, slots=True)
class Source:
    """A document the release cites, and what we take from it (`note`)."""

    id: str
    title: str
    publisher: str
    note: str


@dataclass(frozen=True, slots=True)
class Range:
    """A dosage range; with rules, `min` is the starting dose and `max` the target."""

    min: int
    max: int
    basis: Basis
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Value(Generic[T]):
    """A number or flag that says where it comes from: the source or our default."""

    value: T
    basis: Basis
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Dosage:
    """How much of an item: sets, then reps or a duration, holds, rest, per side."""

    sets: Range
    reps: Range | None
    hold_seconds: Range | None
    duration_seconds: Range | None
    seconds_per_rep: Value[int] | None
    rest_seconds: Value[int]
    per_side: Value[bool]


@dataclass(frozen=True, slots=True)
class Variation:
    """A named version of an item; with a dosage, a harder one that takes over at the target."""

    name: str
    description: str
    sources: tuple[Citation, ...]
    id: str | None = None
    steps: tuple[str, ...] = ()
    difficulty: Difficulty | None = None
    dosage: Dosage | None = None


@dataclass(frozen=True, slots=True)
class Equipment:
    """A piece of equipment that items name by id."""

    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Illustration:
    """An item's drawing: its text alternative, and the release whose SVG file it is."""

    alt: str
    version: str


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    """An exercise or a stretch; equal only to itself, so hashing one costs nothing."""

    kind: Kind
    id: str
    name: str
    summary: str
    purpose: str
    steps: tuple[str, ...]
    variations: tuple[Variation, ...]
    equipment: tuple[tuple[str, ...], ...]
    position: Position
    focus: tuple[Focus, ...]
    difficulty: Difficulty
    forefoot_load: Load
    dosage: Dosage
    cautions: tuple[str, ...]
    precautions: tuple[str, ...]
    sources: tuple[Citation, ...]
    similar: str | None = None
    illustration: Illustration | None = None

    @property
    def harder(self) -> Variation | None:
        """The variation that takes over once the item reaches its target, if any."""
        return next((v for v in self.variations if v.dosage is not None), None)

    def fits(self, available: frozenset[str]) -> bool:
        """Whether every equipment requirement group is met by the available equipment."""
        return all(not available.isdisjoint(group) for group in self.equipment)


@dataclass(frozen=True, slots=True)
class Precaution:
    """A general precaution to take before and while exercising."""

    id: str
    title: str
    summary: str
    advice: tuple[str, ...]
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Guidance:
    """A guidance entry: what metatarsalgia is, self-care, when to see a professional."""

    id: str
    title: str
    summary: str
    body: tuple[str, ...]
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class ScreeningQuestion:
    """A red-flag question asked before a routine; a yes is the red flag."""

    id: str
    question: str
    reason: str
    advice: str
    sources: tuple[Citation, ...]
    urgency: Urgency | None = None


@dataclass(frozen=True, slots=True)
class Removal:
    """An entry an earlier release held that this one no longer does, and what replaces it."""

    kind: Kind
    id: str
    replaced_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Removed:
    """Where an entry was removed, and the ids of what replaces it there."""

    version: str
    replaced_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Manifest:
    """A release's manifest: its version, date, changes and the sources it cites."""

    version: str
    released: dt.date
    summary: str
    changes: tuple[str, ...]
    safety_notice: str
    professional_advice: str
    sources: tuple[Source, ...]
    languages: tuple[str, ...]  # the first is the language the release's files are written in
    removed: tuple[Removal, ...] = ()


Entry = Item | Precaution | Guidance | ScreeningQuestion


# ---- rules.json: what makes a release able to generate routines


@dataclass(frozen=True, slots=True)
class RequestDefaults:
    """What a routine request that leaves a field out gets."""

    minutes: int
    equipment: tuple[str, ...]
    position: str
    level: Difficulty
    days_per_week: int


@dataclass(frozen=True, slots=True)
class ProgrammeRules:
    """The programme's length, when progression stops, and the days a week it assumes."""

    weeks: Value[int]
    progress_weeks: Value[int]
    full_rate_days_per_week: Value[int]
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class PainBand:
    """A range of pain scores, and the load, progression and advice it allows."""

    id: str
    min: int
    max: int
    max_forefoot_load: Load
    progression: Progression
    ready: bool
    urgency: Urgency | None
    advice: str | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class PainRules:
    """The pain bands covering 0 to 10, and the band of a request without a score."""

    meaning: str
    unknown_band: str
    unknown_advice: str
    bands: tuple[PainBand, ...]

    def band(self, pain: int | None) -> PainBand:
        """The band of a pain score; the unknown band when there is none."""
        for band in self.bands:
            if band.id == self.unknown_band if pain is None else band.min <= pain <= band.max:
                return band
        raise LookupError(f"no pain band for {pain}")  # the loader checks 0-10 is covered

    def named(self, band_id: str) -> PainBand:
        return next(band for band in self.bands if band.id == band_id)


FEEDBACK_REASONS = (
    "red-flag",
    "pain-too-high",
    "pain-during-high",
    "pain-next-day-rose",
    "pain-during-moderate",
    "pain-next-day-above-baseline",
    "effort-hard",
    "not-completed",
    "within-limits",
    "time-limit",
    "programme-complete",
    "not-improving",
)


@dataclass(frozen=True, slots=True)
class FeedbackRules:
    """The thresholds that decide a programme's next step, and each reason's text."""

    default_baseline: Value[int]
    see_a_professional_at: Value[int]
    step_back_pain_during: Value[int]
    step_back_next_day_rise: Value[int]
    hold_pain_during: Value[int]
    hold_next_day_rise: Value[int]
    step_back_band: str
    not_improving_after: Value[int]
    reasons: dict[str, str]
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Activity:
    """Low-impact activity that fills the time a programme's exercises leave."""

    id: str
    name: str
    summary: str
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    precaution: str
    min_minutes: Value[int]
    max_minutes: Value[int]
    reason: str
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    """A release's rules.json: what makes a release able to generate routines."""

    request_defaults: RequestDefaults
    programme: ProgrammeRules
    pain: PainRules
    urgency: dict[Urgency, str]
    incomplete_advice: str
    feedback: FeedbackRules
    activity: Activity
    self_care: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Release:
    """One immutable content release, validated and cross-checked; equal only to itself."""

    manifest: Manifest
    checksum: str
    equipment: tuple[Equipment, ...]
    exercises: tuple[Item, ...]
    stretches: tuple[Item, ...]
    precautions: tuple[Precaution, ...]
    guidance: tuple[Guidance, ...]
    screening: tuple[ScreeningQuestion, ...]
    rules: Rules | None = None
    language: str = ""  # of this release's text; "" is the manifest's first language
    # The text fields of this language that fell back to the first, as "file/id/field".
    fallbacks: tuple[str, ...] = ()
    # Every language's release by language, this one included; shared by all of them.
    translations: dict[str, Release] = field(default_factory=dict, compare=False, repr=False)
    # The SVG drawing of each illustrated exercise and stretch by id; shared by every language.
    illustrations: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)
    _index: dict[tuple[Kind, str], Entry] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        if not self.language:
            object.__setattr__(self, "language", self.manifest.languages[0])
        self.translations.setdefault(self.language, self)
        for kind in Kind:
            for entry in self.entries(kind):
                self._index[(kind, entry.id)] = entry

    def in_language(self, language: str) -> Release:
        """This release in one of its manifest's languages. Raises KeyError for another."""
        return self.translations[language]

    def fallbacks_of(self, kind: Kind, entry_id: str) -> tuple[str, ...]:
        """The fields of one entry that fell back to the release's first language."""
        prefix = f"{kind.value}/{entry_id}/"
        return tuple(path for path in self.fallbacks if path.startswith(prefix))

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def edition(self) -> tuple[str, str]:
        """The release's version and the language of this object's text."""
        return (self.version, self.language)

    def entries(self, kind: Kind) -> tuple[Entry, ...]:
        """The entries of one kind, in content order."""
        match kind:
            case Kind.EXERCISE:
                return self.exercises
            case Kind.STRETCH:
                return self.stretches
            case Kind.PRECAUTION:
                return self.precautions
            case Kind.GUIDANCE:
                return self.guidance
            case Kind.SCREENING:
                return self.screening

    def find(self, kind: Kind, entry_id: str) -> Entry | None:
        """The entry of that kind with that id, or None."""
        return self._index.get((kind, entry_id))

    @property
    def counts(self) -> dict[str, int]:
        return {kind.value: len(self.entries(kind)) for kind in Kind}

    @property
    def safety_notice(self) -> Guidance:
        """The guidance every routine carries."""
        return self.guidance_named(self.manifest.safety_notice)

    @property
    def professional_advice(self) -> Guidance:
        """The guidance a routine points to when it advises seeing a professional."""
        return self.guidance_named(self.manifest.professional_advice)

    def guidance_named(self, guidance_id: str) -> Guidance:
        """A guidance entry the content references. Raises LookupError when there is none."""
        entry = self.find(Kind.GUIDANCE, guidance_id)
        if not isinstance(entry, Guidance):  # the loader checks these references
            raise LookupError(f"release {self.version} has no guidance {guidance_id!r}")
        return entry
