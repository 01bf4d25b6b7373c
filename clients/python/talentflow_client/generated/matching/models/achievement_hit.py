from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.achievement_hit_achievement import AchievementHitAchievement
    from ..models.achievement_hit_explanation import AchievementHitExplanation
    from ..models.achievement_hit_worker import AchievementHitWorker


T = TypeVar("T", bound="AchievementHit")


@_attrs_define
class AchievementHit:
    """
    Attributes:
        achievement (AchievementHitAchievement): kind (patent, process_innovation, work_method, other, award), title,
            year; for an award its tier and rank
        explanation (AchievementHitExplanation): factors (text, merit, recency), matched_terms, summary
        score (float):
        worker (AchievementHitWorker): the holder: masked name, no contact data, no certificate numbers
        worker_id (str):
    """

    achievement: AchievementHitAchievement
    explanation: AchievementHitExplanation
    score: float
    worker: AchievementHitWorker
    worker_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        achievement = self.achievement.to_dict()

        explanation = self.explanation.to_dict()

        score = self.score

        worker = self.worker.to_dict()

        worker_id = self.worker_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "achievement": achievement,
                "explanation": explanation,
                "score": score,
                "worker": worker,
                "worker_id": worker_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.achievement_hit_achievement import AchievementHitAchievement
        from ..models.achievement_hit_explanation import AchievementHitExplanation
        from ..models.achievement_hit_worker import AchievementHitWorker

        d = dict(src_dict)
        achievement = AchievementHitAchievement.from_dict(d.pop("achievement"))

        explanation = AchievementHitExplanation.from_dict(d.pop("explanation"))

        score = d.pop("score")

        worker = AchievementHitWorker.from_dict(d.pop("worker"))

        worker_id = d.pop("worker_id")

        achievement_hit = cls(
            achievement=achievement,
            explanation=explanation,
            score=score,
            worker=worker,
            worker_id=worker_id,
        )

        achievement_hit.additional_properties = d
        return achievement_hit

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
