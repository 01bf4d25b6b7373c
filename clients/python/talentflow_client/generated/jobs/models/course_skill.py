from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CourseSkill")


@_attrs_define
class CourseSkill:
    """A skill a course teaches and the proficiency (1–5) a participant reaches in it.

    Attributes:
        name (str):
        proficiency (int):
    """

    name: str
    proficiency: int

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        proficiency = self.proficiency

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "proficiency": proficiency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        proficiency = d.pop("proficiency")

        course_skill = cls(
            name=name,
            proficiency=proficiency,
        )

        return course_skill
