from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.course_explanation import CourseExplanation
    from ..models.growth_course_course import GrowthCourseCourse


T = TypeVar("T", bound="GrowthCourse")


@_attrs_define
class GrowthCourse:
    """
    Attributes:
        closes (list[str]): the gaps (skills, permits' operations) the course closes
        course (GrowthCourseCourse): the course as its provider published it
        course_id (str):
        explanation (CourseExplanation):
        score (float):
    """

    closes: list[str]
    course: GrowthCourseCourse
    course_id: str
    explanation: CourseExplanation
    score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        closes = self.closes

        course = self.course.to_dict()

        course_id = self.course_id

        explanation = self.explanation.to_dict()

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "closes": closes,
                "course": course,
                "course_id": course_id,
                "explanation": explanation,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.course_explanation import CourseExplanation
        from ..models.growth_course_course import GrowthCourseCourse

        d = dict(src_dict)
        closes = cast(list[str], d.pop("closes"))

        course = GrowthCourseCourse.from_dict(d.pop("course"))

        course_id = d.pop("course_id")

        explanation = CourseExplanation.from_dict(d.pop("explanation"))

        score = d.pop("score")

        growth_course = cls(
            closes=closes,
            course=course,
            course_id=course_id,
            explanation=explanation,
            score=score,
        )

        growth_course.additional_properties = d
        return growth_course

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
