from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.explanation import Explanation
    from ..models.worker_hit_worker import WorkerHitWorker


T = TypeVar("T", bound="WorkerHit")


@_attrs_define
class WorkerHit:
    """
    Attributes:
        explanation (Explanation):
        score (float):
        worker (WorkerHitWorker): a summary of the profile; no contact data, name and certificate numbers masked
        worker_id (str):
    """

    explanation: Explanation
    score: float
    worker: WorkerHitWorker
    worker_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        explanation = self.explanation.to_dict()

        score = self.score

        worker = self.worker.to_dict()

        worker_id = self.worker_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "explanation": explanation,
                "score": score,
                "worker": worker,
                "worker_id": worker_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.explanation import Explanation
        from ..models.worker_hit_worker import WorkerHitWorker

        d = dict(src_dict)
        explanation = Explanation.from_dict(d.pop("explanation"))

        score = d.pop("score")

        worker = WorkerHitWorker.from_dict(d.pop("worker"))

        worker_id = d.pop("worker_id")

        worker_hit = cls(
            explanation=explanation,
            score=score,
            worker=worker,
            worker_id=worker_id,
        )

        worker_hit.additional_properties = d
        return worker_hit

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
