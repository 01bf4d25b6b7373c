from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.course_explanation import CourseExplanation
    from ..models.course_hit_course import CourseHitCourse


T = TypeVar("T", bound="CourseHit")


@_attrs_define
class CourseHit:
    """
    Attributes:
        course (CourseHitCourse): the course as its provider published it
        course_id (str):
        explanation (CourseExplanation):
        score (float):
    """

    course: CourseHitCourse
    course_id: str
    explanation: CourseExplanation
    score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        course = self.course.to_dict()

        course_id = self.course_id

        explanation = self.explanation.to_dict()

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
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
        from ..models.course_hit_course import CourseHitCourse

        d = dict(src_dict)
        course = CourseHitCourse.from_dict(d.pop("course"))

        course_id = d.pop("course_id")

        explanation = CourseExplanation.from_dict(d.pop("explanation"))

        score = d.pop("score")

        course_hit = cls(
            course=course,
            course_id=course_id,
            explanation=explanation,
            score=score,
        )

        course_hit.additional_properties = d
        return course_hit

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
