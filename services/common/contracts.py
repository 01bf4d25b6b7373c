"""The shared vocabulary of TalentFlow (DESIGN §1, §3): value types every service and event uses.

Validation is strict and bounded: unknown fields are refused, strings and lists have maximum sizes,
numbers have ranges. Services build their API families (`WorkerIn`, `WorkerPatch`, `Worker` …)
from `WorkerFields` and `PostingFields`, and the events carry the same shapes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.common import taxonomy

# No NUL characters: PostgreSQL refuses them, and both stores must answer the same (a 422, not a 500).
_NO_NUL = r"^[^\x00]*$"
# Bidirectional controls (embeddings, overrides, isolates, marks) reorder what a reader sees: "U+202E"
# makes 王建国 display as another string in a list, a notification or an e-mail. No name needs them.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# C0/C1 controls other than tab and newline: nothing a person types into a name or a title
_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _has_visible_character(text: str) -> bool:
    # Letters, numbers, punctuation and symbols show; zero-width, format and combining marks alone do not.
    return any(unicodedata.category(char)[0] in "LNPS" for char in text)


def readable_text(text: str) -> str:
    """Refuse bidirectional controls (they disguise what a reader sees); for longer texts."""
    if _BIDI_CONTROLS.search(text):
        raise ValueError("must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E/F)")
    return text


def visible_text(text: str) -> str:
    """Refuse bidi and control characters, and a text with no visible character (only zero-width ones)."""
    readable_text(text)
    if _CONTROLS.search(text):
        raise ValueError("must not contain control characters")
    if not _has_visible_character(text):
        raise ValueError("must contain a visible character (not only spaces or zero-width characters)")
    return text


# What the validators above refuse, as the patterns the OpenAPI documents show (the checks themselves
# stay the validators', with their messages): no NUL, bidi or control characters, and for a one-line
# text something besides whitespace. Only "a visible character" is left for the validator alone.
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_REFUSED_IN_LINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI
_LINE_SCHEMA = Field(json_schema_extra={"pattern": rf"^[^{_REFUSED_IN_LINES}]*[^{_REFUSED_IN_LINES}\s][^{_REFUSED_IN_LINES}]*$"})
_LONG_TEXT_SCHEMA = Field(json_schema_extra={"pattern": rf"^[^\x00{_BIDI}]*$"})

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_NO_NUL),
                 AfterValidator(visible_text), _LINE_SCHEMA]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000, pattern=_NO_NUL),
                     AfterValidator(readable_text), _LONG_TEXT_SCHEMA]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_NO_NUL),
                 AfterValidator(visible_text), _LINE_SCHEMA]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
Number = StrictInt | StrictFloat


def _whole_number(value: Any) -> Any:
    # JSON has one kind of number, and JSON Schema's integer is a value: 5.0 is the integer 5
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A whole number as a JSON client may write it (5 or 5.0); not 5.5, "5" or true. Bounds of an optional
# one go before the validator (`Annotated[StrictInt, Field(ge=…), _WHOLE] | None`), so the JSON
# Schema keeps `minimum`/`maximum` instead of pydantic's own `ge`/`le`.
_WHOLE = BeforeValidator(_whole_number)
WholeNumber = Annotated[StrictInt, _WHOLE]


class Strict(BaseModel):
    """Base of every contract model: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SkillLevel(StrEnum):
    """The national skill ladder (职业技能等级), lowest first; compare with `rank`."""

    apprentice = "apprentice"
    junior = "junior"
    intermediate = "intermediate"
    senior = "senior"
    technician = "technician"
    senior_technician = "senior_technician"
    principal_technician = "principal_technician"
    chief_technician = "chief_technician"

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self)

    @property
    def high_skill(self) -> bool:
        return self.rank >= SkillLevel.senior.rank

    @property
    def label_zh(self) -> str:
        return LEVEL_LABELS_ZH[self]


LEVEL_ORDER: list[SkillLevel] = list(SkillLevel)
LEVEL_LABELS_ZH = {
    SkillLevel.apprentice: "学徒工",
    SkillLevel.junior: "初级工",
    SkillLevel.intermediate: "中级工",
    SkillLevel.senior: "高级工",
    SkillLevel.technician: "技师",
    SkillLevel.senior_technician: "高级技师",
    SkillLevel.principal_technician: "特级技师",
    SkillLevel.chief_technician: "首席技师",
}


class AvailabilityMode(StrEnum):
    full_time = "full_time"
    part_time = "part_time"
    project = "project"
    remote_service = "remote_service"


class PostingKind(StrEnum):
    full_time = "full_time"
    part_time = "part_time"
    project = "project"
    service = "service"


class WageUnit(StrEnum):
    hour = "hour"
    day = "day"
    month = "month"
    project = "project"


class AwardTier(StrEnum):
    national = "national"
    provincial = "provincial"
    city = "city"
    enterprise = "enterprise"


class AchievementKind(StrEnum):
    patent = "patent"
    process_innovation = "process_innovation"
    work_method = "work_method"
    other = "other"


class WorkerStatus(StrEnum):
    active = "active"
    paused = "paused"


class PostingStatus(StrEnum):
    open = "open"
    paused = "paused"
    closed = "closed"
    filled = "filled"
    expired = "expired"


class CourseMode(StrEnum):
    """How a training course is held: at the provider's site, remotely (远程培训), or both."""

    onsite = "onsite"
    remote = "remote"
    blended = "blended"


class CourseStatus(StrEnum):
    """A course's lifecycle, as a posting's: open ⇄ paused, then full, closed or expired (final)."""

    open = "open"
    paused = "paused"
    full = "full"
    closed = "closed"
    expired = "expired"


RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
RegionPrefix = Annotated[str, StringConstraints(pattern=r"^(\d{2}|\d{4}|\d{6})$")]


def check_region(code: str) -> str:
    """A GB/T 2260 code (6 digits; 2 or 4 for a province or city) whose province exists."""
    if not taxonomy.valid_region(code):
        raise ValueError(f"unknown region code {code!r}: the first two digits must be a province of GB/T 2260")
    return code


class Location(Strict):
    lat: Number = Field(ge=-90, le=90)
    lon: Number = Field(ge=-180, le=180)


class Occupation(Strict):
    """A code of the national classification with its name, or free text (no code) where none fits."""

    code: str | None = Field(None, pattern=r"^\d(-\d{2}){1,3}(-\d{2})?$", max_length=16)
    name: Name

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str | None) -> str | None:
        if code is not None and taxonomy.occupation(code) is None:
            raise ValueError(f"unknown occupation code {code!r} (职业分类大典 2022)")
        return code


class Skill(Strict):
    name: Name
    proficiency: WholeNumber = Field(ge=1, le=5)
    years: Number = Field(0, ge=0, le=70)


class SkillRequirement(Strict):
    name: Name
    min_proficiency: WholeNumber = Field(1, ge=1, le=5)
    required: StrictBool = True


class Certificate(Strict):
    occupation: Name
    level: SkillLevel
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=_NO_NUL)]
    issuer: Name | None = None
    issued_on: dt.date | None = None
    verified: StrictBool = False


class Award(Strict):
    name: Text
    tier: AwardTier
    rank: Annotated[StrictInt, Field(ge=1, le=1000), _WHOLE] | None = None
    year: WholeNumber = Field(ge=1950, le=2100)


class Achievement(Strict):
    kind: AchievementKind
    title: Text
    year: WholeNumber = Field(ge=1950, le=2100)


class Availability(Strict):
    modes: list[AvailabilityMode] = Field(min_length=1, max_length=4)
    hours_per_week: Annotated[StrictInt, Field(ge=1, le=84), _WHOLE] | None = None
    available_from: dt.date | None = None

    @field_validator("modes")
    @classmethod
    def _unique_modes(cls, modes: list[AvailabilityMode]) -> list[AvailabilityMode]:
        if len(set(modes)) != len(modes):
            raise ValueError("availability modes must not repeat")
        return modes


class Wage(Strict):
    """An amount range in CNY per unit."""

    min: Number = Field(ge=0, le=10_000_000)
    max: Number = Field(ge=0, le=10_000_000)
    unit: WageUnit

    @model_validator(mode="after")
    def _ordered(self) -> Wage:
        if self.max < self.min:
            raise ValueError("wage max must not be below min")
        return self


class Consent(Strict):
    matching: StrictBool = False
    share_contact: StrictBool = False


class Contact(Strict):
    """Personal data: never in events, search hits or logs; shown only after mutual interest."""

    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]{5,19}$")] | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,63}$")] | None = None


class WorkerFields(Strict):
    """Every field of a worker a client writes, except contact data (kept out of events)."""

    name: Name
    region: RegionCode
    location: Location | None = None
    occupations: list[Occupation] = Field(default_factory=list, max_length=10)
    skill_level: SkillLevel = SkillLevel.junior
    skills: list[Skill] = Field(default_factory=list, max_length=50)
    certificates: list[Certificate] = Field(default_factory=list, max_length=30)
    awards: list[Award] = Field(default_factory=list, max_length=30)
    achievements: list[Achievement] = Field(default_factory=list, max_length=30)
    experience_years: Number = Field(0, ge=0, le=70)
    availability: Availability | None = None
    wage_expectation: Wage | None = None
    open_regions: list[RegionPrefix] = Field(default_factory=list, max_length=50)
    consent: Consent = Field(default_factory=Consent)
    agency_id: Id | None = None
    status: WorkerStatus = WorkerStatus.active

    _region = field_validator("region")(classmethod(lambda cls, v: check_region(v)))

    @field_validator("open_regions")
    @classmethod
    def _regions(cls, regions: list[str]) -> list[str]:
        return [check_region(r) for r in regions]


class PostingFields(Strict):
    """Every field of a posting an employer writes (DESIGN §3)."""

    kind: PostingKind
    title: Text
    description: LongText = ""
    occupation: Occupation | None = None
    skills: list[SkillRequirement] = Field(default_factory=list, max_length=30)
    min_skill_level: SkillLevel | None = None
    certificates: list[Name] = Field(default_factory=list, max_length=10)
    headcount: WholeNumber = Field(1, ge=1, le=10_000)
    wage: Wage | None = None
    region: RegionCode
    location: Location | None = None
    remote_ok: StrictBool = False
    start_on: dt.date | None = None
    duration_days: Annotated[StrictInt, Field(ge=1, le=3650), _WHOLE] | None = None
    deadline: dt.date | None = None
    status: PostingStatus = PostingStatus.open

    _region = field_validator("region")(classmethod(lambda cls, v: check_region(v)))

    @model_validator(mode="after")
    def _dates_ordered(self) -> PostingFields:
        if self.start_on and self.deadline and self.deadline > self.start_on:
            raise ValueError("deadline must not be after start_on")
        return self


class CourseSkill(Strict):
    """A skill a course teaches and the proficiency (1–5) a participant reaches in it."""

    name: Name
    proficiency: WholeNumber = Field(ge=1, le=5)


class Fee(Strict):
    """What a participant pays (before any subsidy); 0 is a free course."""

    amount: Number = Field(ge=0, le=1_000_000)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"


class CourseFields(Strict):
    """Every field of a training course its provider writes (DESIGN §3, "A course as written")."""

    title: Text
    description: LongText = ""
    occupation: Occupation | None = None
    skills: list[CourseSkill] = Field(min_length=1, max_length=30)
    prepares_for_level: SkillLevel | None = None
    mode: CourseMode
    region: RegionCode
    start_on: dt.date
    end_on: dt.date
    hours: Number = Field(gt=0, le=10_000)
    fee: Fee | None = None
    subsidy_eligible: StrictBool = False  # 职业培训补贴: the course qualifies for the vocational-training subsidy
    seats: Annotated[StrictInt, Field(ge=1, le=100_000), _WHOLE] | None = None  # None: no limit (a remote course, say)
    status: CourseStatus = CourseStatus.open

    _region = field_validator("region")(classmethod(lambda cls, v: check_region(v)))

    @field_validator("end_on")
    @classmethod
    def _ends_after_start(cls, end_on: dt.date, info: ValidationInfo) -> dt.date:
        start_on = info.data.get("start_on")
        if start_on is not None and end_on < start_on:
            raise ValueError(f"end_on {end_on} is before start_on {start_on}")
        return end_on


def province_of(region: str) -> str:
    return region[:2]


def city_of(region: str) -> str:
    return region[:4]


def region_within(region: str, prefix: str) -> bool:
    """True when a 6-digit region lies inside a 2-, 4- or 6-digit prefix."""
    return region.startswith(prefix)


_MASK_KEEP = re.compile(r"^(.{3}).*(.{2})$")


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = phone.replace(" ", "").replace("-", "")
    return digits[:3] + "*" * max(len(digits) - 5, 0) + digits[-2:] if len(digits) > 5 else "***"


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return email
    local, domain = email.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


def mask_certificate_number(number: str | None) -> str | None:
    if not number:
        return number
    return number[:2] + "*" * max(len(number) - 4, 0) + number[-2:] if len(number) > 4 else "****"


def mask_name(name: str) -> str:
    """王建国 → 王**: enough for a person to recognise a hit, not enough to identify someone."""
    return name[:1] + "*" * max(len(name) - 1, 1)


# Two decimals of latitude are ~1.1 km, of longitude ~1.1 km at the equator and less further north:
# enough for a distance between cities, not enough to find a home.
LOCATION_DECIMALS = 2


def round_location(location: Location | None) -> Location | None:
    """A location rounded to about 1 km (LOCATION_DECIMALS), as events carry it; idempotent."""
    if location is None:
        return None
    return Location.model_construct(lat=round(location.lat, LOCATION_DECIMALS), lon=round(location.lon, LOCATION_DECIMALS))
