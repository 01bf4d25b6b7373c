from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.explanation import Explanation
    from ..models.posting_hit_posting import PostingHitPosting


T = TypeVar("T", bound="PostingHit")


@_attrs_define
class PostingHit:
    """
    Attributes:
        explanation (Explanation):
        posting (PostingHitPosting):
        posting_id (str):
        score (float):
    """

    explanation: Explanation
    posting: PostingHitPosting
    posting_id: str
    score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        explanation = self.explanation.to_dict()

        posting = self.posting.to_dict()

        posting_id = self.posting_id

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "explanation": explanation,
                "posting": posting,
                "posting_id": posting_id,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.explanation import Explanation
        from ..models.posting_hit_posting import PostingHitPosting

        d = dict(src_dict)
        explanation = Explanation.from_dict(d.pop("explanation"))

        posting = PostingHitPosting.from_dict(d.pop("posting"))

        posting_id = d.pop("posting_id")

        score = d.pop("score")

        posting_hit = cls(
            explanation=explanation,
            posting=posting,
            posting_id=posting_id,
            score=score,
        )

        posting_hit.additional_properties = d
        return posting_hit

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
