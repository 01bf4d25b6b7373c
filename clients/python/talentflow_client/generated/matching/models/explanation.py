from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.explanation_factors import ExplanationFactors


T = TypeVar("T", bound="Explanation")


@_attrs_define
class Explanation:
    """
    Attributes:
        factors (ExplanationFactors): each factor's contribution; they add up to the score
        matched_skills (list[str]):
        missing_skills (list[str]):
        summary (str): one line a person can read
    """

    factors: ExplanationFactors
    matched_skills: list[str]
    missing_skills: list[str]
    summary: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        factors = self.factors.to_dict()

        matched_skills = self.matched_skills

        missing_skills = self.missing_skills

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "factors": factors,
                "matched_skills": matched_skills,
                "missing_skills": missing_skills,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.explanation_factors import ExplanationFactors

        d = dict(src_dict)
        factors = ExplanationFactors.from_dict(d.pop("factors"))

        matched_skills = cast(list[str], d.pop("matched_skills"))

        missing_skills = cast(list[str], d.pop("missing_skills"))

        summary = d.pop("summary")

        explanation = cls(
            factors=factors,
            matched_skills=matched_skills,
            missing_skills=missing_skills,
            summary=summary,
        )

        explanation.additional_properties = d
        return explanation

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
