from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.explanation_factors import ExplanationFactors
    from ..models.explanation_inferred_skills import ExplanationInferredSkills


T = TypeVar("T", bound="Explanation")


@_attrs_define
class Explanation:
    """
    Attributes:
        factors (ExplanationFactors): each factor's contribution; they add up to the score
        matched_skills (list[str]):
        missing_skills (list[str]):
        summary (str): one line a person can read
        inferred_skills (ExplanationInferredSkills | Unset): skills counted that were inferred from free text: `posting`
            (its title and description), `worker` (the profile's free text)
    """

    factors: ExplanationFactors
    matched_skills: list[str]
    missing_skills: list[str]
    summary: str
    inferred_skills: ExplanationInferredSkills | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        factors = self.factors.to_dict()

        matched_skills = self.matched_skills

        missing_skills = self.missing_skills

        summary = self.summary

        inferred_skills: dict[str, Any] | Unset = UNSET
        if not isinstance(self.inferred_skills, Unset):
            inferred_skills = self.inferred_skills.to_dict()

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
        if inferred_skills is not UNSET:
            field_dict["inferred_skills"] = inferred_skills

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.explanation_factors import ExplanationFactors
        from ..models.explanation_inferred_skills import ExplanationInferredSkills

        d = dict(src_dict)
        factors = ExplanationFactors.from_dict(d.pop("factors"))

        matched_skills = cast(list[str], d.pop("matched_skills"))

        missing_skills = cast(list[str], d.pop("missing_skills"))

        summary = d.pop("summary")

        _inferred_skills = d.pop("inferred_skills", UNSET)
        inferred_skills: ExplanationInferredSkills | Unset
        if isinstance(_inferred_skills, Unset):
            inferred_skills = UNSET
        else:
            inferred_skills = ExplanationInferredSkills.from_dict(_inferred_skills)

        explanation = cls(
            factors=factors,
            matched_skills=matched_skills,
            missing_skills=missing_skills,
            summary=summary,
            inferred_skills=inferred_skills,
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
