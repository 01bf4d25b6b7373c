from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.growth_course import GrowthCourse
    from ..models.growth_gaps_type_0 import GrowthGapsType0
    from ..models.growth_level import GrowthLevel
    from ..models.growth_next_rung_type_0 import GrowthNextRungType0


T = TypeVar("T", bound="Growth")


@_attrs_define
class Growth:
    """
    Attributes:
        courses (list[GrowthCourse]): open courses in reach that close the gaps (or prepare for the next level), best
            first
        level (GrowthLevel): the worker's current level and its label
        next_rung (GrowthNextRungType0 | None): the next level: each route with what is met and missing, the competition
            route (破格/越级), the outstanding-worker route, and `unlocks.open_postings` counted in the index
        rules_version (str):
        summary (str):
        vocabulary_version (str):
        worker_id (str):
        gaps (GrowthGapsType0 | None | Unset): for a posting: missing skills, level gap, missing certificates and
            permits, ready
        posting_id (None | str | Unset):
    """

    courses: list[GrowthCourse]
    level: GrowthLevel
    next_rung: GrowthNextRungType0 | None
    rules_version: str
    summary: str
    vocabulary_version: str
    worker_id: str
    gaps: GrowthGapsType0 | None | Unset = UNSET
    posting_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.growth_gaps_type_0 import GrowthGapsType0
        from ..models.growth_next_rung_type_0 import GrowthNextRungType0

        courses = []
        for courses_item_data in self.courses:
            courses_item = courses_item_data.to_dict()
            courses.append(courses_item)

        level = self.level.to_dict()

        next_rung: dict[str, Any] | None
        if isinstance(self.next_rung, GrowthNextRungType0):
            next_rung = self.next_rung.to_dict()
        else:
            next_rung = self.next_rung

        rules_version = self.rules_version

        summary = self.summary

        vocabulary_version = self.vocabulary_version

        worker_id = self.worker_id

        gaps: dict[str, Any] | None | Unset
        if isinstance(self.gaps, Unset):
            gaps = UNSET
        elif isinstance(self.gaps, GrowthGapsType0):
            gaps = self.gaps.to_dict()
        else:
            gaps = self.gaps

        posting_id: None | str | Unset
        if isinstance(self.posting_id, Unset):
            posting_id = UNSET
        else:
            posting_id = self.posting_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "courses": courses,
                "level": level,
                "next_rung": next_rung,
                "rules_version": rules_version,
                "summary": summary,
                "vocabulary_version": vocabulary_version,
                "worker_id": worker_id,
            }
        )
        if gaps is not UNSET:
            field_dict["gaps"] = gaps
        if posting_id is not UNSET:
            field_dict["posting_id"] = posting_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.growth_course import GrowthCourse
        from ..models.growth_gaps_type_0 import GrowthGapsType0
        from ..models.growth_level import GrowthLevel
        from ..models.growth_next_rung_type_0 import GrowthNextRungType0

        d = dict(src_dict)
        courses = []
        _courses = d.pop("courses")
        for courses_item_data in _courses:
            courses_item = GrowthCourse.from_dict(courses_item_data)

            courses.append(courses_item)

        level = GrowthLevel.from_dict(d.pop("level"))

        def _parse_next_rung(data: object) -> GrowthNextRungType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_rung_type_0 = GrowthNextRungType0.from_dict(data)

                return next_rung_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GrowthNextRungType0 | None, data)

        next_rung = _parse_next_rung(d.pop("next_rung"))

        rules_version = d.pop("rules_version")

        summary = d.pop("summary")

        vocabulary_version = d.pop("vocabulary_version")

        worker_id = d.pop("worker_id")

        def _parse_gaps(data: object) -> GrowthGapsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                gaps_type_0 = GrowthGapsType0.from_dict(data)

                return gaps_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GrowthGapsType0 | None | Unset, data)

        gaps = _parse_gaps(d.pop("gaps", UNSET))

        def _parse_posting_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        posting_id = _parse_posting_id(d.pop("posting_id", UNSET))

        growth = cls(
            courses=courses,
            level=level,
            next_rung=next_rung,
            rules_version=rules_version,
            summary=summary,
            vocabulary_version=vocabulary_version,
            worker_id=worker_id,
            gaps=gaps,
            posting_id=posting_id,
        )

        growth.additional_properties = d
        return growth

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
