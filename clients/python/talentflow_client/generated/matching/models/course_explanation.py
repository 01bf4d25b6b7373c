from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.skill_level import SkillLevel

if TYPE_CHECKING:
    from ..models.course_explanation_factors import CourseExplanationFactors


T = TypeVar("T", bound="CourseExplanation")


@_attrs_define
class CourseExplanation:
    """
    Attributes:
        factors (CourseExplanationFactors): each factor's contribution; they add up to the score
        matched_skills (list[str]): wanted skills (searched, or the worker's gaps) the course teaches
        missing_skills (list[str]): wanted skills it does not teach
        prepares_for_level (None | SkillLevel):
        summary (str): one line a person can read
    """

    factors: CourseExplanationFactors
    matched_skills: list[str]
    missing_skills: list[str]
    prepares_for_level: None | SkillLevel
    summary: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        factors = self.factors.to_dict()

        matched_skills = self.matched_skills

        missing_skills = self.missing_skills

        prepares_for_level: None | str
        if isinstance(self.prepares_for_level, SkillLevel):
            prepares_for_level = self.prepares_for_level.value
        else:
            prepares_for_level = self.prepares_for_level

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "factors": factors,
                "matched_skills": matched_skills,
                "missing_skills": missing_skills,
                "prepares_for_level": prepares_for_level,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.course_explanation_factors import CourseExplanationFactors

        d = dict(src_dict)
        factors = CourseExplanationFactors.from_dict(d.pop("factors"))

        matched_skills = cast(list[str], d.pop("matched_skills"))

        missing_skills = cast(list[str], d.pop("missing_skills"))

        def _parse_prepares_for_level(data: object) -> None | SkillLevel:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prepares_for_level_type_0 = SkillLevel(data)

                return prepares_for_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkillLevel, data)

        prepares_for_level = _parse_prepares_for_level(d.pop("prepares_for_level"))

        summary = d.pop("summary")

        course_explanation = cls(
            factors=factors,
            matched_skills=matched_skills,
            missing_skills=missing_skills,
            prepares_for_level=prepares_for_level,
            summary=summary,
        )

        course_explanation.additional_properties = d
        return course_explanation

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
