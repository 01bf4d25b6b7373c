"""Market intelligence of the matching service (issue #7): the domain, pure Python, no I/O.

What lives here:

- unit rules: a posting's offered wage at its monthly equivalent (DESIGN §3);
- statistics: percentiles by linear interpolation between ranks (numpy's default), the job-seeker
  ratio (求人倍率); forecasts are in forecast.py (statsmodels' ETS, with interval and back-test);
- periods (`2026-05`, `2026-W19`, `2026-05-31`) in China Standard Time;
- `MarketCells`: a small columnar cube of the market — one cell per (occupation, region, skill
  level) holding seekers, openings and the wage sample — that answers every figure for any filter
  and any grouping. The live figures and the stored report snapshots are both `MarketCells`, so a
  past period is answered by exactly the same code as the current one;
- the published report: its tables (`build_summary`) and its CSV.

Counting rules (written down in docs/market.md): a seeker counts once, under the primary (first
coded) occupation of the profile, so groups add up to the total; openings are the headcount of
open postings; a skill-level filter compares the worker's level and the posting's minimum level.
"""

from __future__ import annotations

import csv
import datetime as dt
from array import array
import io
import json
import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np

from services.common import taxonomy
from services.common.contracts import LEVEL_ORDER, SkillLevel, Wage, WageUnit

# --- units ---------------------------------------------------------------------------------------

WORKING_DAYS_PER_MONTH = 21.75  # statutory monthly working days (人社部 2008)
WORKING_HOURS_PER_MONTH = 174.0  # statutory monthly working hours
DAYS_PER_MONTH = 30.4  # a project's duration in days → months


def monthly_wage(wage: Wage | None, duration_days: int | None = None) -> float | None:
    """The monthly equivalent of an offered wage range, rounded to the cent; None when unknowable.

    The midpoint of the range counts; a day × 21.75, an hour × 174, a project ÷ its months
    (duration_days / 30.4); a month as is. A project wage without a duration has no monthly
    equivalent and stays out of the wage guide.
    """
    if wage is None:
        return None
    midpoint = (float(wage.min) + float(wage.max)) / 2
    if wage.unit is WageUnit.month:
        monthly = midpoint
    elif wage.unit is WageUnit.day:
        monthly = midpoint * WORKING_DAYS_PER_MONTH
    elif wage.unit is WageUnit.hour:
        monthly = midpoint * WORKING_HOURS_PER_MONTH
    else:
        if not duration_days:
            return None
        monthly = midpoint / (duration_days / DAYS_PER_MONTH)
    return round(monthly, 2)


# --- statistics ----------------------------------------------------------------------------------

PERCENTILES = (10, 25, 50, 75, 90)
PERCENTILE_KEYS = tuple(f"p{q}" for q in PERCENTILES)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) of sorted values, interpolating linearly between ranks.

    This is numpy's default (`method="linear"`, Hyndman & Fan type 7) and equals
    `statistics.quantiles(values, n=100, method="inclusive")[q - 1]`.
    """
    if not sorted_values:
        raise ValueError("percentile of an empty sample")
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    position = (len(sorted_values) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    fraction = position - lower
    low, high = sorted_values[lower], sorted_values[upper]
    return low + (high - low) * fraction


@dataclass(frozen=True)
class WageGuide:
    """Wage guide prices (工资指导价位) of one sample; percentiles are None when the sample is too small."""

    sample_size: int
    percentiles: dict[str, float | None]
    insufficient_sample: bool

    def as_dict(self) -> dict[str, Any]:
        return {"unit": "month", "sample_size": self.sample_size, **self.percentiles,
                "insufficient_sample": self.insufficient_sample}


def wage_guide(wages: Iterable[float], min_sample: int) -> WageGuide:
    """P10/P25/P50/P75/P90 of monthly wages, or none of them below `min_sample` postings.

    A percentile of three postings would be published as if it described a market; it does not,
    so a small sample says so instead.
    """
    ordered = sorted(wages)
    if len(ordered) < max(min_sample, 1):
        return WageGuide(len(ordered), dict.fromkeys(PERCENTILE_KEYS), True)
    values = {key: round(percentile(ordered, q), 2) for key, q in zip(PERCENTILE_KEYS, PERCENTILES, strict=True)}
    return WageGuide(len(ordered), values, False)


def job_seeker_ratio(openings: int, seekers: int) -> float | None:
    """求人倍率 = openings ÷ seekers, to two decimals; None when nobody seeks (no ratio exists)."""
    if seekers <= 0:
        return None
    return round(openings / seekers, 2)


# Forecasts (statsmodels' ETS with an interval and a back-test) live in forecast.py; re-exported here.
from services.matching.market.forecast import forecast_block  # noqa: E402


# --- periods -------------------------------------------------------------------------------------

CST = dt.timezone(dt.timedelta(hours=8), "CST")  # periods are China Standard Time (no DST)
PeriodKind = Literal["month", "week", "day"]
_PERIOD_FORMS: dict[PeriodKind, re.Pattern[str]] = {
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
}
PERIOD_PATTERN = r"^\d{4}-(\d{2}|W\d{2}|\d{2}-\d{2})$"


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: a calendar month (default), an ISO week or a day, starting at `start`."""

    start: dt.date
    kind: PeriodKind = "month"

    @classmethod
    def containing(cls, moment: dt.datetime | dt.date, kind: PeriodKind = "month") -> Period:
        day = moment.astimezone(CST).date() if isinstance(moment, dt.datetime) else moment
        if kind == "month":
            return cls(day.replace(day=1), kind)
        if kind == "week":
            return cls(day - dt.timedelta(days=day.weekday()), kind)
        return cls(day, kind)

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2026-05`, `2026-W19` or `2026-05-31`; ValueError for anything else."""
        for kind, pattern in _PERIOD_FORMS.items():
            found = pattern.match(text)
            if not found:
                continue
            numbers = [int(g) for g in found.groups()]
            try:
                if kind == "month":
                    return cls(dt.date(numbers[0], numbers[1], 1), kind)
                if kind == "week":
                    return cls(dt.date.fromisocalendar(numbers[0], numbers[1], 1), kind)
                return cls(dt.date(*numbers), kind)
            except ValueError:
                raise ValueError(f"{text!r} is not a real {kind}") from None
        raise ValueError(f"{text!r} is not a period: use YYYY-MM, YYYY-Www or YYYY-MM-DD")

    @property
    def label(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.isoformat()

    @property
    def label_zh(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}年第{week}周"
        return f"{self.start.year}年{self.start.month}月{self.start.day}日"

    def next(self) -> Period:
        if self.kind == "month":
            year, month = divmod(self.start.month, 12)
            return Period(dt.date(self.start.year + year, month + 1, 1), "month")
        return Period(self.start + dt.timedelta(days=7 if self.kind == "week" else 1), self.kind)

    def previous(self) -> Period:
        if self.kind == "month":
            last_day = self.start - dt.timedelta(days=1)
            return Period(last_day.replace(day=1), "month")
        return Period(self.start - dt.timedelta(days=7 if self.kind == "week" else 1), self.kind)

    def last(self, count: int) -> list[Period]:
        """`count` periods ending with this one, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def __str__(self) -> str:
        return self.label


# --- filters and names ---------------------------------------------------------------------------

HIGH_SKILL = "high_skill"
LevelFilter = Literal[
    "apprentice", "junior", "intermediate", "senior", "technician", "senior_technician",
    "principal_technician", "chief_technician", "high_skill",
]
Dimension = Literal["occupation", "region", "level"]
OCCUPATION_DEPTHS = (1, 2, 3, 4)  # major group, mid group, small group, occupation
REGION_DEPTHS = {1: 2, 2: 4, 3: 6}  # province, city, county → digits
UNSPECIFIED_ZH = "未指定"


@dataclass(frozen=True)
class MarketFilter:
    """Which part of the market a figure describes: an occupation (with everything below it in the
    classification), a region prefix (2, 4 or 6 digits) and a skill level or `high_skill`."""

    occupation: str | None = None
    region: str | None = None
    level: str | None = None

    def level_ranks(self) -> frozenset[int] | None:
        if self.level is None:
            return None
        if self.level == HIGH_SKILL:
            return frozenset(lvl.rank for lvl in LEVEL_ORDER if lvl.high_skill)
        return frozenset({SkillLevel(self.level).rank})

    def echo(self) -> dict[str, str | None]:
        return {"occupation": self.occupation, "region": self.region, "level": self.level}


def occupation_at(code: str | None, depth: int) -> str | None:
    """The code's ancestor at `depth` segments (6-18-02-04 at depth 2 → 6-18); shallower codes stay."""
    if code is None:
        return None
    return "-".join(code.split("-")[:depth])


def occupation_depth(code: str) -> int:
    return code.count("-") + 1


def region_at(region: str | None, depth: int) -> str | None:
    return None if region is None else region[: REGION_DEPTHS[depth]]


def region_depth(prefix: str) -> int:
    return {2: 1, 4: 2, 6: 3}[len(prefix)]


def occupation_name(code: str | None) -> str:
    if code is None:
        return UNSPECIFIED_ZH
    entry = taxonomy.occupation(code)
    return entry.name if entry else code


def region_name(code: str | None) -> str:
    """Province names come from GB/T 2260; a city or county (names not shipped) is named by its code."""
    if code is None:
        return UNSPECIFIED_ZH
    province = taxonomy.province_name(code) or code
    return province if len(code) == 2 else f"{province}·{code}"


def level_value(rank: int | None) -> str | None:
    return None if rank is None else LEVEL_ORDER[rank].value


def level_name(rank: int | None) -> str:
    return "未要求等级" if rank is None else LEVEL_ORDER[rank].label_zh


def default_depth(dimension: Dimension, flt: MarketFilter) -> int:
    """One level below the filter (the children of what was asked), or the top level without one."""
    if dimension == "occupation":
        return min(occupation_depth(flt.occupation) + 1, 4) if flt.occupation else 1
    if dimension == "region":
        return min(region_depth(flt.region) + 1, 3) if flt.region else 1
    return 1


# --- the cube ------------------------------------------------------------------------------------

_SNAPSHOT_FORMAT = 4
_NO_LEVEL = -1
LEVELS_MAX = len(LEVEL_ORDER)  # ranks 0…LEVELS_MAX-1
_COLUMNS = (("occupation", "H"), ("region", "H"), ("level", "b"), ("seekers", "q"),
            ("posting_occupation", "H"), ("posting_region", "H"), ("posting_level", "b"), ("openings", "q"),
            ("wages", "d"))


class Selection(NamedTuple):
    """Positions of supply cells and of demand entries inside a filter or a group."""

    supply: list[int]
    demand: list[int]


def _dictionary_encode(values: Sequence[str | None], names: list[str | None], index: dict[str | None, int]) -> array:
    """Codes as small integers into `names` (0 is "none", which '' also means); the dictionary grows."""
    for value in set(values) - index.keys():  # distinct values first: the per-row work is one lookup
        index[value] = len(names)
        names.append(value)
    return array("H", [index[v] for v in values])


@dataclass
class MarketCells:
    """The market in two column sets, both keyed by (occupation, region, skill level):

    - supply: one cell per key with its number of seekers (from the counters the consumer keeps);
    - demand: one entry per posting that counts, with its open headcount (0 when not open) and its
      monthly-equivalent wage when it is in the wage sample (else NaN).

    Occupations and regions are dictionary-encoded (`occupations[occupation[i]]`), levels are ranks
    (-1: none), so a million workers' worth of cells is a few megabytes of typed arrays that a
    report stores as they are. Every figure for any filter and grouping is a pass over the columns.
    """

    occupations: list[str | None]
    regions: list[str | None]
    occupation: array
    region: array
    level: array
    seekers: array
    posting_occupation: array
    posting_region: array
    posting_level: array
    openings: array
    wages: array

    def __len__(self) -> int:
        return len(self.seekers) + len(self.openings)

    @classmethod
    def assemble(
        cls,
        supply: Sequence[tuple[str | None, str | None, int | None, int]],
        demand: Sequence[tuple[str | None, str | None, int | None, int, float | None]],
    ) -> MarketCells:
        """From rows (occupation, region, level, seekers) and (occupation, region, level, open
        headcount, wage or None); an occupation of '' or None both mean "no occupation code"."""
        s_occ, s_reg, s_lev, s_count = zip(*supply, strict=True) if supply else ((), (), (), ())
        d_occ, d_reg, d_lev, d_open, d_wage = zip(*demand, strict=True) if demand else ((), (), (), (), ())
        occupations: list[str | None] = [None]
        regions: list[str | None] = [None]
        occupation_index: dict[str | None, int] = {None: 0, "": 0}
        region_index: dict[str | None, int] = {None: 0, "": 0}
        return cls(
            occupations, regions,
            _dictionary_encode(s_occ, occupations, occupation_index), _dictionary_encode(s_reg, regions, region_index),
            array("b", [_NO_LEVEL if v is None else v for v in s_lev]), array("q", s_count),
            _dictionary_encode(d_occ, occupations, occupation_index), _dictionary_encode(d_reg, regions, region_index),
            array("b", [_NO_LEVEL if v is None else v for v in d_lev]), array("q", [h or 0 for h in d_open]),
            array("d", [math.nan if w is None else w for w in d_wage]),
        )

    @classmethod
    def from_columns(
        cls,
        supply: tuple[Sequence[str], Sequence[str], Sequence[int], Sequence[int]],
        demand: tuple[Sequence[str], Sequence[str], Sequence[int], Sequence[int], Sequence[float]],
    ) -> MarketCells:
        """From columns instead of rows — supply (occupation, region, level, seekers) and demand
        (occupation, region, level, open headcount, wage) — with '' for "no code", -1 for "no level"
        and NaN for "no wage": a report reads half a million entries, and columns cost no object
        per entry (a row per entry costs more in tuples and their garbage collection than the query)."""
        occupations: list[str | None] = [None]
        regions: list[str | None] = [None]
        occupation_index: dict[str | None, int] = {None: 0, "": 0}
        region_index: dict[str | None, int] = {None: 0, "": 0}
        return cls(
            occupations, regions,
            _dictionary_encode(supply[0], occupations, occupation_index), _dictionary_encode(supply[1], regions, region_index),
            array("b", supply[2]), array("q", supply[3]),
            _dictionary_encode(demand[0], occupations, occupation_index), _dictionary_encode(demand[1], regions, region_index),
            array("b", demand[2]), array("q", demand[3]), array("d", demand[4]),
        )

    # -- selection ----------------------------------------------------------------------------

    def _wanted(self, flt: MarketFilter) -> tuple[set[int] | None, set[int] | None, frozenset[int] | None]:
        """The dictionary entries and ranks inside the filter (None: no condition)."""
        occupations = regions = None
        if flt.occupation is not None:
            branch = flt.occupation + "-"
            occupations = {i for i, c in enumerate(self.occupations)
                           if c is not None and (c == flt.occupation or c.startswith(branch))}
        if flt.region is not None:
            regions = {i for i, r in enumerate(self.regions) if r is not None and r.startswith(flt.region)}
        return occupations, regions, flt.level_ranks()

    @staticmethod
    def _inside(codes: array, regions: array, levels: array, wanted: tuple) -> list[int]:
        occupations, places, ranks = wanted
        chosen: Iterable[int] = range(len(codes))
        if occupations is not None:
            chosen = [i for i in chosen if codes[i] in occupations]
        if places is not None:
            chosen = [i for i in chosen if regions[i] in places]
        if ranks is not None:
            chosen = [i for i in chosen if levels[i] in ranks]
        return list(chosen)

    def select(self, flt: MarketFilter) -> Selection:
        wanted = self._wanted(flt)
        return Selection(self._inside(self.occupation, self.region, self.level, wanted),
                         self._inside(self.posting_occupation, self.posting_region, self.posting_level, wanted))

    def everything(self) -> Selection:
        return Selection(list(range(len(self.seekers))), list(range(len(self.openings))))

    def supply_demand(self, selection: Selection) -> dict[str, Any]:
        seekers, openings = self.seekers, self.openings
        total_seekers = sum(seekers[i] for i in selection.supply)
        total_openings = sum(openings[i] for i in selection.demand)
        return {"seekers": total_seekers, "openings": total_openings,
                "ratio": job_seeker_ratio(total_openings, total_seekers)}

    def wage_sample(self, selection: Selection) -> list[float]:
        wages = self.wages
        return [w for i in selection.demand if (w := wages[i]) == w]  # NaN (no wage) is not equal to itself

    def _key_map(self, dimension: Dimension, depth: int) -> list[Any]:
        if dimension == "occupation":
            return [occupation_at(c, depth) for c in self.occupations]
        return [region_at(r, depth) for r in self.regions]

    def group_keys(self, dimension: Dimension, depth: int) -> tuple[list[Any], list[Any]]:
        """Each supply cell's and each demand entry's group key (level: the rank, None for none)."""
        if dimension == "level":
            return ([None if v == _NO_LEVEL else v for v in self.level],
                    [None if v == _NO_LEVEL else v for v in self.posting_level])
        key_of = self._key_map(dimension, depth)
        codes = (self.occupation, self.posting_occupation) if dimension == "occupation" else (self.region, self.posting_region)
        return [key_of[c] for c in codes[0]], [key_of[c] for c in codes[1]]

    def groups(self, dimension: Dimension, depth: int, selection: Selection) -> dict[Any, Selection]:
        supply_keys, demand_keys = self.group_keys(dimension, depth)
        grouped: dict[Any, Selection] = {}
        for i in selection.supply:
            key = supply_keys[i]
            if key not in grouped:
                grouped[key] = Selection([], [])
            grouped[key].supply.append(i)
        for i in selection.demand:
            key = demand_keys[i]
            if key not in grouped:
                grouped[key] = Selection([], [])
            grouped[key].demand.append(i)
        return grouped

    # -- storage ------------------------------------------------------------------------------

    def encode(self) -> bytes:
        """The snapshot a report keeps (immutable once published): a JSON header with the
        dictionaries and column lengths, then the typed columns, compressed."""
        columns = [getattr(self, name) for name, _ in _COLUMNS]
        header = json.dumps({"format": _SNAPSHOT_FORMAT, "occupations": self.occupations, "regions": self.regions,
                             "lengths": [len(c) for c in columns]}, separators=(",", ":")).encode()
        return zlib.compress(len(header).to_bytes(4, "big") + header + b"".join(c.tobytes() for c in columns), 1)

    @classmethod
    def decode(cls, blob: bytes) -> MarketCells:
        raw = zlib.decompress(blob)
        size = int.from_bytes(raw[:4], "big")
        header = json.loads(raw[4:4 + size])
        if header.get("format") != _SNAPSHOT_FORMAT:
            raise ValueError(f"unknown market snapshot format {header.get('format')!r}")
        offset, columns = 4 + size, {}
        for (name, typecode), length in zip(_COLUMNS, header["lengths"], strict=True):
            column = array(typecode)
            end = offset + length * column.itemsize
            column.frombytes(raw[offset:end])
            columns[name] = column
            offset = end
        return cls(header["occupations"], header["regions"], **columns)


# --- answers -------------------------------------------------------------------------------------


def group_key(dimension: Dimension, key: Any) -> tuple[str | None, str]:
    """A group's public key and its Chinese name."""
    if dimension == "occupation":
        return key, occupation_name(key)
    if dimension == "region":
        return key, region_name(key)
    return level_value(key), level_name(key)


def _sort_key(dimension: Dimension, key: Any) -> tuple[int, Any]:
    # Unspecified groups go last; levels in ladder order; codes in code order.
    return (1, 0) if key is None else (0, key)


def supply_demand_answer(cells: MarketCells, flt: MarketFilter) -> dict[str, Any]:
    return {**flt.echo(), **cells.supply_demand(cells.select(flt))}


def wage_guide_answer(cells: MarketCells, flt: MarketFilter, min_sample: int) -> dict[str, Any]:
    return {**flt.echo(), **wage_guide(cells.wage_sample(cells.select(flt)), min_sample).as_dict()}


def supply_demand_breakdown(cells: MarketCells, flt: MarketFilter, dimension: Dimension, depth: int) -> list[dict[str, Any]]:
    """The supply-demand figures of each group (groups with nobody in them are left out)."""
    items = []
    grouped = cells.groups(dimension, depth, cells.select(flt))
    for key in sorted(grouped, key=lambda k: _sort_key(dimension, k)):
        figures = cells.supply_demand(grouped[key])
        if figures["seekers"] == 0 and figures["openings"] == 0:
            continue
        public_key, name = group_key(dimension, key)
        items.append({**flt.echo(), dimension: public_key, "name": name, **figures})
    return items


def wage_guide_breakdown(cells: MarketCells, flt: MarketFilter, dimension: Dimension, depth: int, min_sample: int) -> list[dict[str, Any]]:
    """The wage guide of each group that has at least one wage in its sample."""
    items = []
    grouped = cells.groups(dimension, depth, cells.select(flt))
    for key in sorted(grouped, key=lambda k: _sort_key(dimension, k)):
        sample = cells.wage_sample(grouped[key])
        if not sample:
            continue
        public_key, name = group_key(dimension, key)
        items.append({**flt.echo(), dimension: public_key, "name": name, **wage_guide(sample, min_sample).as_dict()})
    return items


# --- the published report ------------------------------------------------------------------------

REPORT_TABLES: tuple[tuple[str, Dimension, int], ...] = (
    ("by_occupation", "occupation", 4),
    ("by_region", "region", 1),
    ("by_level", "level", 1),
)


def _report_row(dimension: str, key: str | None, name: str, figures: dict[str, Any], guide: WageGuide,
                shortage_ratio: float) -> dict[str, Any]:
    ratio = figures["ratio"]
    return {
        "dimension": dimension,
        "key": key,
        "name": name,
        **figures,
        "shortage": ratio is not None and ratio > shortage_ratio,
        "wage": {k: v for k, v in guide.as_dict().items() if k != "unit"},
    }


def _marginal(cells: MarketCells, dimension: Dimension, depth: int) -> dict[Any, list]:
    """[seekers, openings, wage sample (ascending)] per group key.

    In numpy over the typed columns (half a million entries at a million workers: a Python loop
    per dimension cost more than the whole query): each entry's dictionary code becomes a group
    number, sums are bincounts (integers, exact well below 2**53), and the wage sample is sorted
    once and cut per group. The sample's values stay the stored floats, so percentiles are the same."""
    if dimension == "level":
        supply_codes = np.frombuffer(cells.level, dtype=np.int8).astype(np.intp) + 1  # ranks -1…7 → 0…8
        demand_codes = np.frombuffer(cells.posting_level, dtype=np.int8).astype(np.intp) + 1
        key_of: list[Any] = [None if rank == _NO_LEVEL else rank for rank in range(-1, LEVELS_MAX)]
    else:
        columns = ((cells.occupation, cells.posting_occupation) if dimension == "occupation"
                   else (cells.region, cells.posting_region))
        supply_codes, demand_codes = (np.frombuffer(c, dtype=np.uint16).astype(np.intp) for c in columns)
        key_of = cells._key_map(dimension, depth)
    keys = list(dict.fromkeys(key_of))  # the groups, in first-seen order
    number = {key: i for i, key in enumerate(keys)}
    group_of = np.array([number[key] for key in key_of], dtype=np.intp)
    size = len(keys)
    supply_groups, demand_groups = group_of[supply_codes], group_of[demand_codes]
    seekers = np.bincount(supply_groups, weights=np.frombuffer(cells.seekers, dtype=np.int64), minlength=size)
    openings = np.bincount(demand_groups, weights=np.frombuffer(cells.openings, dtype=np.int64), minlength=size)
    present = np.bincount(supply_groups, minlength=size) + np.bincount(demand_groups, minlength=size)
    wages = np.frombuffer(cells.wages, dtype=np.float64)
    sampled = ~np.isnan(wages)
    wage_groups, wage_values = demand_groups[sampled], wages[sampled]
    order = np.lexsort((wage_values, wage_groups))  # by group, then by wage
    ordered = wage_values[order].tolist()
    ends = np.cumsum(np.bincount(wage_groups, minlength=size)).tolist()
    totals: dict[Any, list] = {}
    start = 0
    for group, end in enumerate(ends):
        if present[group]:
            totals[keys[group]] = [int(seekers[group]), int(openings[group]), ordered[start:end]]
        start = end
    return totals


def build_summary(cells: MarketCells, *, min_sample: int, shortage_ratio: float) -> dict[str, Any]:
    """The report's tables: overall, high-skill, and by occupation, province and skill level.

    Each row carries supply and demand, the ratio, a shortage flag (ratio above `shortage_ratio`)
    and the wage guide of the same group. Overall and high-skill figures are sums of level groups.
    """
    tables = {table: (dimension, _marginal(cells, dimension, depth)) for table, dimension, depth in REPORT_TABLES}
    by_level = tables["by_level"][1]
    high_ranks = MarketFilter(level=HIGH_SKILL).level_ranks() or frozenset()

    def combined(groups: Iterable[list]) -> list:
        total = [0, 0, []]
        for acc in groups:
            total[0] += acc[0]
            total[1] += acc[1]
            total[2].extend(acc[2])
        return total

    def row(dimension: str, key: str | None, name: str, acc: list) -> dict[str, Any]:
        figures = {"seekers": acc[0], "openings": acc[1], "ratio": job_seeker_ratio(acc[1], acc[0])}
        return _report_row(dimension, key, name, figures, wage_guide(acc[2], min_sample), shortage_ratio)

    summary: dict[str, Any] = {
        "unit": "month",
        "min_sample": min_sample,
        "shortage_ratio": shortage_ratio,
        "overall": row("all", None, "全部", combined(by_level.values())),
        "high_skill": row("level", HIGH_SKILL, "高技能人才（高级工及以上）",
                          combined(acc for rank, acc in by_level.items() if rank in high_ranks)),
    }
    for table, (dimension, totals) in tables.items():
        rows = []
        for key in sorted(totals, key=lambda k: _sort_key(dimension, k)):
            acc = totals[key]
            if acc[0] == 0 and acc[1] == 0 and not acc[2]:
                continue
            public_key, name = group_key(dimension, key)
            rows.append(row(dimension, public_key, name, acc))
        summary[table] = rows
    return summary


def report_title(period: Period) -> str:
    return f"{period.label_zh}技能人才市场供求与工资指导价位"


CSV_COLUMNS = (
    "维度", "代码", "名称", "求职人数", "岗位数", "求人倍率", "是否紧缺",
    "工资样本数", "月薪P10（元）", "月薪P25（元）", "月薪中位数P50（元）", "月薪P75（元）", "月薪P90（元）", "工资样本不足",
)
CSV_DIMENSIONS = {"all": "全部", "level": "技能等级", "occupation": "职业", "region": "地区"}


def report_csv(summary: dict[str, Any]) -> str:
    """The report's tables as one CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = [summary["overall"], summary["high_skill"]]
    for table, _, _ in REPORT_TABLES:
        rows.extend(summary[table])
    for row in rows:
        wage = row["wage"]
        writer.writerow([
            CSV_DIMENSIONS.get(row["dimension"], row["dimension"]), row["key"] or "", row["name"], row["seekers"],
            row["openings"], "" if row["ratio"] is None else row["ratio"], "是" if row["shortage"] else "否",
            wage["sample_size"], *("" if wage[k] is None else wage[k] for k in PERCENTILE_KEYS),
            "是" if wage["insufficient_sample"] else "否",
        ])
    return out.getvalue()
